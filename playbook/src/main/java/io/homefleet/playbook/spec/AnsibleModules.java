package io.homefleet.playbook.spec;

import com.google.common.base.Suppliers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The Ansible modules installed where the playbook is loaded (ansible-core and the collections of
 * Debian's {@code ansible} package), for the tasks that name a module homefleet has no native
 * implementation of: such a task runs Ansible's own module code with python3 on the host. Names
 * resolve as ansible-playbook resolves them: a short name is {@code ansible.builtin}'s, redirects
 * in ansible-core's {@code ansible_builtin_runtime.yml} and the collections' {@code meta/runtime.yml}
 * are followed ({@code sysctl} is {@code ansible.posix.sysctl}), and a removed module's
 * tombstone is reported with Ansible's own words.
 */
public final class AnsibleModules {
  /** Where {@code HOMEFLEET_ANSIBLE_PATH} is unset: Debian's python3 packages, then pip's. */
  private static final List<String> DEFAULT_PYTHON_ROOTS = List.of("/usr/lib/python3/dist-packages",
      "/usr/local/lib/python3/dist-packages");
  /**
   * Action plugins run on Ansible's controller, not as a module on the host; {@code uri}'s only
   * uploads {@code src}, so its module runs on its own. The rest need homefleet's native module.
   */
  private static final Set<String> MODULE_RUNS_ALONE = Set.of("uri", "command", "shell", "normal");
  private static final int MAX_REDIRECTS = 8;

  private static final Supplier<AnsibleModules> INSTALLED = Suppliers.memoize(AnsibleModules::fromEnvironment);

  /** What a name resolved to. */
  public sealed interface Resolution {
    /** A module file: run as {@code python3 -m pythonName()}. */
    record Module(String fqcn, Path source) implements Resolution {
      /** The module's import name: {@code ansible.modules.getent}, {@code ansible_collections.ns.coll.plugins.modules.x}. */
      public String pythonName() {
        return pythonName(fqcn);
      }

      /** The import name of an FQCN, as the agent derives it from the plan. */
      public static String pythonName(String fqcn) {
        String[] parts = fqcn.split("\\.", 3);
        if (parts.length < 3) {
          throw new IllegalArgumentException("not a fully qualified module name: " + fqcn);
        }
        if (parts[0].equals("ansible") && (parts[1].equals("builtin") || parts[1].equals("legacy"))) {
          return "ansible.modules." + parts[2];
        }
        return "ansible_collections." + parts[0] + "." + parts[1] + ".plugins.modules." + parts[2];
      }
    }

    /**
     * Not runnable here; {@code message} says why and what to do. {@code missing}: no module of
     * that name exists at all (a misspelling, likely), rather than one that cannot run here.
     */
    record Refused(String message, boolean missing) implements Resolution {
      Refused(String message) {
        this(message, false);
      }
    }
  }

  private final List<Path> pythonRoots;
  private final List<Path> collectionRoots;
  private final Map<String, Map<String, Object>> routing = new ConcurrentHashMap<>();

  /**
   * @param pythonRoots directories that hold the {@code ansible} package (python's dist-packages)
   * @param collectionRoots directories that hold {@code ansible_collections/}, in Ansible's search order
   */
  public AnsibleModules(List<Path> pythonRoots, List<Path> collectionRoots) {
    this.pythonRoots = List.copyOf(pythonRoots);
    this.collectionRoots = List.copyOf(collectionRoots);
  }

  /**
   * This machine's Ansible: {@code HOMEFLEET_ANSIBLE_PATH} (a colon-separated list of python
   * package roots) or Debian's and pip's dist-packages, with the collections in
   * {@code ANSIBLE_COLLECTIONS_PATH} (or {@code ~/.ansible/collections:/usr/share/ansible/collections}) first.
   */
  public static AnsibleModules installed() {
    return INSTALLED.get();
  }

  private static AnsibleModules fromEnvironment() {
    List<Path> python = paths(System.getenv("HOMEFLEET_ANSIBLE_PATH"), DEFAULT_PYTHON_ROOTS);
    String home = System.getProperty("user.home");
    String collections = Optional.ofNullable(System.getenv("ANSIBLE_COLLECTIONS_PATH"))
        .orElse(System.getenv("ANSIBLE_COLLECTIONS_PATHS"));
    List<Path> roots = new ArrayList<>(paths(collections,
        List.of(home + "/.ansible/collections", "/usr/share/ansible/collections")));
    roots.addAll(python);
    return new AnsibleModules(python, roots);
  }

  private static List<Path> paths(String list, List<String> defaults) {
    List<Path> out = new ArrayList<>();
    for (String p : list == null || list.isBlank() ? defaults : List.of(list.split(":"))) {
      if (!p.isBlank()) {
        out.add(Path.of(p));
      }
    }
    return out;
  }

  /** Whether an ansible-core is installed at all (for the error a task gets when it is not). */
  public Optional<Path> core() {
    return pythonRoots.stream().map(r -> r.resolve("ansible")).filter(p -> Files.isRegularFile(p.resolve("release.py")))
        .findFirst();
  }

  /** The module a task's name means, following Ansible's redirects. */
  public Resolution resolve(String name) {
    Optional<Path> core = core();
    if (core.isEmpty()) {
      return new Resolution.Refused("unknown module '" + name + "': homefleet has no native one, and this machine "
          + "has no ansible-core to find Ansible's (looked in " + String.join(", ", pythonRoots.stream().map(Path::toString)
              .toList()) + "): apt-get install ansible-core, and ansible for the community collections");
    }
    String fqcn = name.indexOf('.') < 0 ? "ansible.builtin." + name : name;
    Set<String> seen = new LinkedHashSet<>();
    while (seen.add(fqcn)) {
      if (seen.size() > MAX_REDIRECTS) {
        break;
      }
      String[] parts = fqcn.split("\\.", 3);
      if (parts.length < 3 || parts[2].isEmpty()) {
        return new Resolution.Refused("'" + name + "' is not a module name (a short name, or namespace.collection.module)");
      }
      boolean builtin = parts[0].equals("ansible") && (parts[1].equals("builtin") || parts[1].equals("legacy"));
      Map<String, Object> route = route(builtin ? core.get().resolve("config/ansible_builtin_runtime.yml")
          : collection(parts[0], parts[1]).map(c -> c.resolve("meta/runtime.yml")).orElse(null), parts[2]);
      if (route.get("tombstone") instanceof Map<?, ?> t) {
        return new Resolution.Refused("module '" + fqcn + "' was removed from Ansible"
            + (t.get("warning_text") == null ? "" : ": " + t.get("warning_text")));
      }
      if (route.get("redirect") instanceof String to) {
        fqcn = to;
        continue;
      }
      Optional<Path> base = builtin ? core : collection(parts[0], parts[1]).map(c -> c.resolve("plugins"));
      if (base.isEmpty()) {
        return new Resolution.Refused("unknown module '" + name + "': no native module, and collection " + parts[0] + "."
            + parts[1] + " is not installed (Debian's ansible package has the community ones; or ansible-galaxy "
            + "collection install " + parts[0] + "." + parts[1] + ")");
      }
      String file = parts[2].replace('.', '/') + ".py";
      Path source = base.get().resolve("modules").resolve(file);
      if (!Files.isRegularFile(source)) {
        return new Resolution.Refused("unknown module '" + name + "' (neither homefleet nor "
            + (builtin ? "ansible-core" : parts[0] + "." + parts[1]) + " has it)", true);
      }
      String shortName = parts[2].substring(parts[2].lastIndexOf('.') + 1);
      Path actions = builtin ? base.get().resolve("plugins/action") : base.get().resolve("action");
      if (Files.isRegularFile(actions.resolve(file)) && !MODULE_RUNS_ALONE.contains(shortName)) {
        return new Resolution.Refused("'" + fqcn + "' is an Ansible action plugin: its work happens on Ansible's "
            + "controller, which homefleet does not emulate, and homefleet has no native module of that name yet");
      }
      return new Resolution.Module(builtin ? "ansible.builtin." + parts[2] : fqcn, source);
    }
    return new Resolution.Refused("module '" + name + "' redirects in a loop: " + String.join(" -> ", seen));
  }

  /** The first {@code ansible_collections/NS/NAME} in the search order. */
  private Optional<Path> collection(String namespace, String name) {
    return collectionRoots.stream().map(r -> r.resolve("ansible_collections").resolve(namespace).resolve(name))
        .filter(Files::isDirectory).findFirst();
  }

  /** {@code plugin_routing.modules.NAME} of a runtime file, or nothing; each file is read once. */
  private Map<String, Object> route(Path runtime, String module) {
    if (runtime == null) {
      return Map.of();
    }
    Map<String, Object> modules = routing.computeIfAbsent(runtime.toString(), k -> readModuleRouting(runtime));
    return modules.get(module) instanceof Map<?, ?> m ? cast(m) : Map.of();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }

  private static Map<String, Object> readModuleRouting(Path runtime) {
    if (!Files.isRegularFile(runtime)) {
      return Map.of();
    }
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(64 << 20);
    try (InputStream in = Files.newInputStream(runtime)) {
      Object doc = new Yaml(options).load(in);
      if (doc instanceof Map<?, ?> top && top.get("plugin_routing") instanceof Map<?, ?> pr
          && pr.get("modules") instanceof Map<?, ?> modules) {
        Map<String, Object> out = new LinkedHashMap<>();
        modules.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
      }
      return Map.of();
    } catch (IOException | RuntimeException e) {
      // A broken runtime file makes Ansible fail as well; here it only means no redirects.
      return Map.of();
    }
  }
}
