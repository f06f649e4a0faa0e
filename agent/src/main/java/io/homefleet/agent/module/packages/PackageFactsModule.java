package io.homefleet.agent.module.packages;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Commands;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ansible's {@code package_facts} with the apt manager: {@code ansible_facts.packages}, each
 * installed package by name (foreign architectures as {@code name:arch}, as python-apt names
 * them) to a list of {@code {name, version, arch, category, origin, source: apt}}. What
 * python-apt reads from its cache is read here from {@code dpkg-query} (name, version,
 * architecture, section) and {@code apt-cache policy} (the installed version's first package
 * file, whose release's {@code o=} is the origin; '' for a version only dpkg's status knows).
 */
public final class PackageFactsModule implements Module {
  private static final Pattern VERSION_LINE = Pattern.compile("^ (?:\\*\\*\\*|   ) (\\S+) -?\\d+$");
  private static final Pattern FILE_LINE = Pattern.compile("^ +-?\\d+ (.+)$");

  @Override
  public String name() {
    return "package_facts";
  }

  @Override
  public Outcome run(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    // manager is a list whose elements have choices, which Args checks only for scalars: read it apart.
    Map<String, Object> rest = new LinkedHashMap<>(raw);
    Object manager = rest.remove("manager");
    Args a = Args.of(name(), rest);
    List<String> managers = manager == null ? List.of("auto") : listOf(manager);
    // With apt the only manager, strategy first and all read the same; the value is still checked.
    a.choice("strategy", "first", "all", "first");
    for (String m : managers) {
      if (!m.equalsIgnoreCase("auto") && !m.equalsIgnoreCase("apt")) {
        return Outcome.failed(managers.contains("auto")
            ? "Could not auto detect a usable package manager, check warnings for details."
            : "Unsupported package managers requested: " + m + " (homefleet's package_facts reads apt only)");
      }
    }
    if (!Files.isExecutable(Path.of("/usr/bin/dpkg-query"))) {
      return Outcome.failed("Could not detect a supported package manager from the following list: " + managers
          + ", or the required Python library is not installed. Check warnings for details.");
    }
    return Outcome.result(false, "", Map.of("ansible_facts", Map.of("packages", packages(ctx))));
  }

  /** A list argument: a YAML list, or a comma-separated string, as Ansible takes {@code type='list'}. */
  private static List<String> listOf(Object v) {
    if (v instanceof List<?> l) {
      return l.stream().map(String::valueOf).toList();
    }
    return java.util.Arrays.stream(String.valueOf(v).split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
  }

  private static Map<String, Object> packages(TaskContext ctx) throws TaskException, InterruptedException {
    String nativeArch = Commands.run(ctx, List.of("dpkg", "--print-architecture")).stdout().strip();
    Commands.Result q = Commands.run(ctx, List.of("dpkg-query", "-W",
        "-f=${Package}\\t${Version}\\t${Architecture}\\t${Section}\\t${Status}\\n"));
    if (!q.ok()) {
      throw new TaskException("package_facts", "dpkg-query failed: " + q.describe());
    }
    record Pkg(String key, String name, String version, String arch, String section) {}
    List<Pkg> installed = new ArrayList<>();
    for (String line : q.stdout().split("\n")) {
      String[] f = line.split("\t", -1);
      if (f.length < 5 || f[4].endsWith(" not-installed") || f[4].endsWith(" config-files")) {
        continue;
      }
      String key = f[2].equals(nativeArch) || f[2].equals("all") ? f[0] : f[0] + ":" + f[2];
      installed.add(new Pkg(key, f[0], f[1], f[2], f[3]));
    }
    List<String> argv = new ArrayList<>(List.of("apt-cache", "policy"));
    installed.forEach(p -> argv.add(p.key()));
    Map<String, String> origins = origins(Commands.run(ctx, List.of("apt-cache", "policy")).stdout(),
        Commands.run(ctx, argv, Map.of("LC_ALL", "C"), null).stdout());
    Map<String, String> sections = sections(Commands.run(ctx, argv.stream().map(w -> w.equals("policy") ? "show" : w)
        .toList(), Map.of("LC_ALL", "C"), null).stdout(), nativeArch);
    Map<String, Object> out = new java.util.TreeMap<>();
    for (Pkg p : installed) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("name", p.key());
      d.put("version", p.version());
      d.put("arch", p.arch());
      d.put("category", sections.getOrDefault(p.key() + " " + p.version(), p.section()));
      d.put("origin", origins.getOrDefault(p.key() + " " + p.version(), ""));
      d.put("source", "apt");
      out.put(p.key(), new ArrayList<>(List.of(d)));
    }
    return out;
  }

  /**
   * "package version" to the section of that version's first record ({@code apt-cache show}:
   * the archive's, which may differ from dpkg's status), as python-apt's {@code Version.section}.
   */
  static Map<String, String> sections(String show, String nativeArch) {
    Map<String, String> out = new HashMap<>();
    for (String record : show.split("\n\n")) {
      Map<String, String> f = new HashMap<>();
      for (String line : record.split("\n")) {
        int colon = line.indexOf(": ");
        if (colon > 0 && !line.startsWith(" ")) {
          f.put(line.substring(0, colon), line.substring(colon + 2));
        }
      }
      String pkg = f.get("Package");
      String arch = f.getOrDefault("Architecture", nativeArch);
      if (pkg != null && f.containsKey("Version") && f.containsKey("Section")) {
        String key = arch.equals(nativeArch) || arch.equals("all") ? pkg : pkg + ":" + arch;
        out.putIfAbsent(key + " " + f.get("Version"), f.get("Section"));
      }
    }
    return out;
  }

  /**
   * "package version" to the origin of the first package file listing that version, from
   * {@code apt-cache policy}'s file table (each file's {@code release ... o=ORIGIN}) and its
   * per-package version tables.
   */
  static Map<String, String> origins(String files, String policy) {
    Map<String, String> fileOrigin = new HashMap<>();
    String current = null;
    for (String line : files.split("\n")) {
      Matcher f = FILE_LINE.matcher(line);
      if (f.matches() && !line.strip().startsWith("release") && !line.strip().startsWith("origin")) {
        current = f.group(1).strip();
        fileOrigin.put(current, "");
      } else if (current != null && line.strip().startsWith("release ")) {
        for (String kv : line.strip().substring("release ".length()).split(",")) {
          if (kv.startsWith("o=")) {
            fileOrigin.put(current, kv.substring(2));
          }
        }
      }
    }
    Map<String, String> out = new HashMap<>();
    String pkg = null;
    String version = null;
    for (String line : policy.split("\n")) {
      if (!line.startsWith(" ") && line.endsWith(":")) {
        pkg = line.substring(0, line.length() - 1);
        version = null;
        continue;
      }
      Matcher v = VERSION_LINE.matcher(line);
      if (v.matches()) {
        version = v.group(1);
        continue;
      }
      Matcher f = FILE_LINE.matcher(line);
      if (pkg != null && version != null && f.matches() && line.startsWith("        ")) {
        out.putIfAbsent(pkg + " " + version, fileOrigin.getOrDefault(f.group(1).strip(), ""));
      }
    }
    return out;
  }
}
