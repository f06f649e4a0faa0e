package io.homefleet.agent.module.modprobe;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Commands;
import io.homefleet.agent.exec.Diff;
import io.homefleet.agent.exec.Plan;
import io.homefleet.agent.exec.StateModule;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.command.CommandLineSplitter;
import io.homefleet.agent.module.edit.PythonRegex;
import io.homefleet.agent.module.file.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * community.general's {@code modprobe}: a kernel module loaded ({@code modprobe NAME PARAMS}) or
 * unloaded ({@code modprobe -r}), and with {@code persistent} listed in /etc/modules-load.d and
 * its {@code options} in /etc/modprobe.d (or those lines commented out). "Loaded" is Ansible's
 * test: a line in /proc/modules, or the module in modules.builtin. Planning dry-runs modprobe
 * ({@code -n}), as Ansible's check mode does.
 *
 * <p>{@code root} prefixes every path and is passed to modprobe as {@code -d}; it is "/" on a
 * host and a temporary tree in tests, which may not load kernel modules.
 */
public final class ModprobeModule implements StateModule {
  private final Path root;

  public ModprobeModule() {
    this(Path.of("/"));
  }

  /** A module working under {@code root} (tests: a directory standing in for the host's /). */
  public ModprobeModule(Path root) {
    this.root = root;
  }

  @Override
  public String name() {
    return "modprobe";
  }

  @Override
  public Plan plan(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), raw);
    String name = a.required("name");
    String state = a.choice("state", "present", "absent", "present");
    String params = a.str("params", "");
    String persistent = a.choice("persistent", "disabled", "disabled", "present", "absent");
    List<String> paramWords;
    try {
      paramWords = CommandLineSplitter.split(params);
    } catch (IllegalArgumentException e) {
      throw a.error("params: " + e.getMessage());
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("name", name);
    data.put("params", params);
    data.put("state", state);
    List<Plan> parts = new ArrayList<>();
    boolean loaded = loaded(a, name);
    if (state.equals("present") && !loaded) {
      parts.add(modprobe(a, ctx, name, List.of(), paramWords, "loaded"));
    } else if (state.equals("absent") && loaded) {
      parts.add(modprobe(a, ctx, name, List.of("-r"), List.of(), "absent"));
    }
    Pattern findModule = PythonRegex.compile("^ *" + name + " *(?:[#;].*)?\\n?\\Z", 0).pattern();
    Pattern findParams = PythonRegex.compile("^options " + name + " (\\w+=\\S+) *(?:[#;].*)?\\n?\\Z", 0).pattern();
    if (!persistent.equals("disabled")) {
      Map<Path, String> loadFiles = files(a, "etc/modules-load.d");
      Map<Path, String> optionFiles = files(a, "etc/modprobe.d");
      boolean persisted = loadFiles.values().stream().anyMatch(t -> anyLine(t, findModule));
      Set<String> permanent = new LinkedHashSet<>();
      optionFiles.values().forEach(t -> lines(t).forEach(l -> {
        var m = findParams.matcher(l);
        if (m.matches()) {
          permanent.add(m.group(1));
        }
      }));
      Set<String> desired = new LinkedHashSet<>(Arrays.asList(params.strip().split("\\s+")));
      desired.remove("");
      boolean paramsSet = desired.equals(permanent);
      Map<Path, String> writes = new TreeMap<>();
      if (persistent.equals("present") && !(persisted && paramsSet)) {
        if (!persisted) {
          writes.put(dir("etc/modules-load.d").resolve(name + ".conf"), name + "\n");
        }
        if (!paramsSet) {
          writes.putAll(commentOut(optionFiles, findParams));
          StringBuilder options = new StringBuilder();
          for (String p : desired) {
            options.append("options ").append(name).append(' ').append(p).append('\n');
          }
          writes.put(dir("etc/modprobe.d").resolve(name + ".conf"), options.isEmpty() ? "\n" : options.toString());
        }
      } else if (persistent.equals("absent") && (persisted || !permanent.isEmpty())) {
        writes.putAll(commentOut(loadFiles, findModule));
        writes.putAll(commentOut(optionFiles, findParams));
      }
      for (Map.Entry<Path, String> w : writes.entrySet()) {
        String before = loadFiles.getOrDefault(w.getKey(), optionFiles.getOrDefault(w.getKey(), ""));
        parts.add(new Plan.Drift(Diff.text(w.getKey().toString(), before, w.getValue()), Map.of(), () -> {
          try {
            AtomicFiles.write(w.getKey(), w.getValue().getBytes(StandardCharsets.UTF_8));
          } catch (IOException e) {
            throw a.error("cannot write " + w.getKey() + ": " + e.getMessage());
          }
          return Map.of();
        }));
      }
    }
    return Plan.all(data, parts);
  }

  /** A dry run now (modprobe -n fails as the real one would), the real one when applied. */
  private Plan modprobe(Args a, TaskContext ctx, String name, List<String> flags, List<String> params, String after)
      throws TaskException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("modprobe"));
    if (!root.equals(Path.of("/"))) {
      argv.addAll(List.of("-d", root.toString()));
    }
    argv.addAll(flags);
    List<String> dry = new ArrayList<>(argv);
    dry.add("-n");
    dry.add(name);
    dry.addAll(params);
    Commands.Result r = Commands.run(ctx, dry);
    if (!r.ok()) {
      throw a.error(r.stderr().strip() + " (" + r.describe() + ")");
    }
    argv.add(name);
    argv.addAll(params);
    Diff diff = Diff.attrs(name, Map.of("name", name, "state", after.equals("loaded") ? "absent" : "loaded"),
        Map.of("name", name, "state", after));
    return new Plan.Drift(diff, Map.of(), () -> {
      Commands.Result done = Commands.run(ctx, argv);
      if (!done.ok()) {
        throw a.error(done.stderr().strip() + " (" + done.describe() + ")");
      }
      return Map.of();
    });
  }

  /** Ansible's module_loaded: a /proc/modules line, else the module in modules.builtin. */
  private boolean loaded(Args a, String name) throws TaskException {
    Path builtin = root.resolve("lib/modules").resolve(System.getProperty("os.version")).resolve("modules.builtin");
    try {
      String prefix = name.replace('-', '_') + " ";
      if (Files.readAllLines(root.resolve("proc/modules")).stream().anyMatch(l -> l.startsWith(prefix))) {
        return true;
      }
      return Files.readAllLines(builtin).stream().anyMatch(l -> l.stripTrailing().endsWith("/" + name + ".ko"));
    } catch (IOException e) {
      throw a.error("cannot tell whether " + name + " is loaded: cannot read " + e.getMessage());
    }
  }

  private Path dir(String sub) {
    return root.resolve(sub);
  }

  /** The regular files of a directory and their text; a missing directory fails as Ansible's listdir does. */
  private Map<Path, String> files(Args a, String sub) throws TaskException {
    Map<Path, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir(sub))) {
      for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
        out.put(p, Files.readString(p, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw a.error("cannot read /" + sub + ": " + e);
    }
    return out;
  }

  private static List<String> lines(String text) {
    return Arrays.asList(text.split("(?<=\n)"));
  }

  private static boolean anyLine(String text, Pattern p) {
    return lines(text).stream().anyMatch(l -> p.matcher(l).matches());
  }

  /** Each file with a matching line, those lines commented out with '#'. */
  private static Map<Path, String> commentOut(Map<Path, String> files, Pattern p) {
    Map<Path, String> out = new TreeMap<>();
    files.forEach((path, text) -> {
      StringBuilder s = new StringBuilder();
      boolean changed = false;
      for (String l : lines(text)) {
        if (p.matcher(l).matches()) {
          s.append('#');
          changed = true;
        }
        s.append(l);
      }
      if (changed) {
        out.put(path, s.toString());
      }
    });
    return out;
  }
}
