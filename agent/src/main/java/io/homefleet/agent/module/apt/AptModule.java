package io.homefleet.agent.module.apt;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Commands;
import io.homefleet.agent.exec.Diff;
import io.homefleet.agent.exec.Plan;
import io.homefleet.agent.exec.StateModule;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Ansible's {@code apt} on Debian: packages {@code present}, {@code latest} or {@code absent}
 * ({@code purge} for their configuration too), with {@code update_cache} bounded by
 * {@code cache_valid_time}. Planning reads {@code dpkg-query} and {@code apt-cache policy} and
 * proves the install possible with {@code apt-get -s} (a simulation), so check mode fails for a
 * package the archive does not have, as Ansible's does; applying runs {@code apt-get}.
 */
public final class AptModule implements StateModule {
  private static final Path UPDATE_STAMP = Path.of("/var/lib/apt/periodic/update-success-stamp");
  private static final Path LISTS = Path.of("/var/lib/apt/lists");

  @Override
  public String name() {
    return "apt";
  }

  /** A package as dpkg knows it: {@code installed} is "install ok installed". */
  record Installed(String name, String status, String version) {
    boolean installed() {
      return status.endsWith(" installed");
    }

    boolean configFiles() {
      return status.endsWith(" config-files");
    }
  }

  @Override
  public Plan plan(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), raw);
    for (String unsupported : List.of("deb", "only_upgrade", "dpkg_options")) {
      if (a.has(unsupported) && !a.str(unsupported).orElse("").equals("no")
          && !a.str(unsupported).orElse("").equals("false")) {
        throw a.error(unsupported + " is not supported by homefleet's apt yet (see docs/modules.md)");
      }
    }
    String state = a.choice("state", "present", "absent", "build-dep", "latest", "present", "fixed");
    if (state.equals("build-dep") || state.equals("fixed")) {
      throw a.error("state=" + state + " is not supported by homefleet's apt yet");
    }
    if (!Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
      throw a.error("apt-get is not installed on this host (the apt module is for Debian and Ubuntu)");
    }
    List<String> names = a.list("name");
    boolean purge = a.bool("purge", false);
    List<Plan> parts = new ArrayList<>();
    Map<String, Object> data = new LinkedHashMap<>();
    boolean updateCache = a.bool("update_cache", false);
    data.put("cache_updated", false);
    data.put("cache_update_time", cacheTime());
    if (updateCache) {
      long valid = a.integer("cache_valid_time").orElse(0L);
      long age = System.currentTimeMillis() / 1000 - cacheTime();
      if (valid <= 0 || age > valid) {
        parts.add(new Plan.Drift(new Diff("cache updated " + age + "s ago\n", "cache updated now\n", "apt cache",
            "apt cache"), Map.of("cache_updated", true), () -> {
              Commands.Result r = Commands.run(ctx, List.of("apt-get", "update", "-q", "-o",
                  "DPkg::Lock::Timeout=" + a.integer("lock_timeout").orElse(60L)), noninteractive(), null);
              if (!r.ok()) {
                throw a.error("Failed to update apt cache: " + r.describe());
              }
              return Map.of("cache_updated", true, "cache_update_time", cacheTime());
            }));
      }
    }
    String upgrade = a.choice("upgrade", "no", "dist", "full", "no", "safe", "yes");
    if (names.equals(List.of("*")) && state.equals("latest")) {
      // Ansible: name='*' with state=latest upgrades every installed package.
      names = List.of();
      upgrade = upgrade.equals("no") ? "yes" : upgrade;
    }
    if (!upgrade.equals("no")) {
      String verb = upgrade.equals("dist") || upgrade.equals("full") ? "dist-upgrade" : "upgrade";
      List<String> extra = verb.equals("upgrade") ? List.of("--with-new-pkgs") : List.of();
      parts.add(simulated(ctx, a, parts.isEmpty(), verb, extra, "upgraded|newly installed|to remove"));
    }
    if (a.bool("autoremove", false)) {
      parts.add(simulated(ctx, a, parts.isEmpty(), "autoremove", purge ? List.of("--purge") : List.of(), "to remove"));
    }
    if (a.bool("autoclean", false)) {
      parts.add(simulated(ctx, a, true, "autoclean", List.of(), "Del "));
    }
    if (a.bool("clean", false)) {
      // As in Ansible, clean always reports a change: nothing tells what the cache held.
      parts.add(new Plan.Drift(new Diff("apt cache\n", "apt cache cleaned\n", "apt cache", "apt cache"), Map.of(),
          () -> {
            must(ctx, a, List.of("apt-get", "clean"));
            return Map.of();
          }));
    }
    if (names.isEmpty()) {
      if (!updateCache && parts.isEmpty() && !a.has("upgrade") && !a.has("autoremove") && !a.has("autoclean")
          && !a.has("clean")) {
        throw a.error("one of the following is required: name, update_cache, upgrade, autoremove, autoclean, clean"
            + " (deb is not supported)");
      }
      return Plan.all(data, parts.stream().filter(p -> !(p instanceof Plan.InSync)).toList());
    }
    Map<String, Installed> have = query(ctx, names);
    List<String> toInstall = new ArrayList<>();
    List<String> toRemove = new ArrayList<>();
    Map<String, Object> before = new LinkedHashMap<>();
    Map<String, Object> after = new LinkedHashMap<>();
    Map<String, String> candidates = state.equals("latest") ? candidates(ctx, a, names) : Map.of();
    for (String spec : names) {
      String pkg = spec.contains("=") ? spec.substring(0, spec.indexOf('=')) : spec;
      String version = spec.contains("=") ? spec.substring(spec.indexOf('=') + 1) : null;
      Installed i = have.get(pkg);
      boolean installed = i != null && i.installed();
      String now = installed ? i.version() : "absent";
      switch (state) {
        case "present" -> {
          if (!installed || (version != null && !i.version().startsWith(version))) {
            toInstall.add(spec);
            before.put(pkg, now);
            after.put(pkg, version == null ? "present" : version);
          }
        }
        case "latest" -> {
          String candidate = candidates.getOrDefault(pkg, "");
          if (!installed || (!candidate.isEmpty() && !candidate.equals(i.version()))) {
            toInstall.add(pkg);
            before.put(pkg, now);
            after.put(pkg, candidate.isEmpty() ? "latest" : candidate);
          }
        }
        default -> {
          if (installed || (purge && i != null && i.configFiles())) {
            toRemove.add(pkg);
            before.put(pkg, now);
            after.put(pkg, purge ? "purged" : "absent");
          }
        }
      }
    }
    if (toInstall.isEmpty() && toRemove.isEmpty()) {
      return Plan.all(data, parts);
    }
    List<String> argv = new ArrayList<>(List.of("apt-get", "-y", "-q", "-o",
        "DPkg::Lock::Timeout=" + a.integer("lock_timeout").orElse(60L), "-o", "Dpkg::Options::=--force-confdef", "-o",
        "Dpkg::Options::=--force-confold"));
    if (!toInstall.isEmpty()) {
      if (a.has("install_recommends")) {
        argv.add(a.bool("install_recommends", true) ? "--install-recommends" : "--no-install-recommends");
      }
      if (a.bool("allow_unauthenticated", false)) {
        argv.add("--allow-unauthenticated");
      }
      if (a.bool("allow_change_held_packages", false)) {
        argv.add("--allow-change-held-packages");
      }
      if (a.bool("allow_downgrade", false)) {
        argv.add("--allow-downgrades");
      }
      a.str("default_release").ifPresent(r -> argv.addAll(List.of("-t", r)));
      argv.add("install");
      argv.addAll(toInstall);
    } else {
      argv.add(purge ? "purge" : "remove");
      argv.addAll(toRemove);
    }
    // Prove it possible now (as Ansible's check mode does), unless a cache update comes first.
    if (parts.isEmpty()) {
      List<String> sim = new ArrayList<>(argv);
      sim.add(1, "-s");
      Commands.Result r = Commands.run(ctx, sim, noninteractive(), null);
      if (!r.ok()) {
        throw a.error("apt-get cannot " + (toInstall.isEmpty() ? "remove " + toRemove : "install " + toInstall) + ": "
            + r.describe());
      }
    }
    parts.add(new Plan.Drift(new Diff(before, after, "packages", "packages"), Map.of(), () -> {
      Commands.Result r = Commands.run(ctx, argv, noninteractive(), null);
      if (!r.ok()) {
        throw a.error("'" + String.join(" ", argv) + "' failed: " + r.describe());
      }
      return Map.of("stdout", r.stdout(), "stderr", r.stderr(), "stdout_lines", r.stdout().lines().toList());
    }));
    return Plan.all(data, parts);
  }

  /**
   * An apt-get operation whose effect is read from its simulation ({@code -s}): a drift when the
   * simulation says it would do something ({@code 2 upgraded}, {@code Del ...}). A simulation
   * after a pending cache update would read stale lists, so then the operation is planned as a
   * drift and decided when applied.
   */
  private Plan simulated(TaskContext ctx, Args a, boolean canSimulate, String verb, List<String> extra, String marker)
      throws TaskException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("apt-get", "-y", "-q", "-o",
        "DPkg::Lock::Timeout=" + a.integer("lock_timeout").orElse(60L), "-o", "Dpkg::Options::=--force-confdef", "-o",
        "Dpkg::Options::=--force-confold", verb));
    argv.addAll(extra);
    String would = "";
    if (canSimulate) {
      List<String> sim = new ArrayList<>(argv);
      sim.add(1, "-s");
      Commands.Result r = Commands.run(ctx, sim, noninteractive(), null);
      if (!r.ok()) {
        throw a.error("apt-get " + verb + " cannot proceed: " + r.describe());
      }
      would = r.stdout();
      if (!doesSomething(would, marker)) {
        return Plan.inSync(Map.of());
      }
    }
    String summary = would.lines().filter(l -> l.startsWith("Inst ") || l.startsWith("Remv ") || l.startsWith("Del ")
        || l.matches("\\d+ upgraded.*")).reduce("", (x, y) -> x + y + "\n");
    return new Plan.Drift(new Diff("", summary.isEmpty() ? verb + "\n" : summary, "apt-get " + verb,
        "apt-get " + verb), Map.of(), () -> {
          Commands.Result r = must(ctx, a, argv);
          return Map.of("stdout", r.stdout(), "stderr", r.stderr(), "stdout_lines", r.stdout().lines().toList());
        });
  }

  /** Whether a simulation's output says it would change something. */
  static boolean doesSomething(String out, String marker) {
    if (marker.equals("Del ")) {
      return out.lines().anyMatch(l -> l.startsWith("Del "));
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) upgraded, (\\d+) newly installed, (\\d+) to remove")
        .matcher(out);
    return m.find() && (Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2)) + Integer.parseInt(m.group(3))) > 0;
  }

  private static Commands.Result must(TaskContext ctx, Args a, List<String> argv)
      throws TaskException, InterruptedException {
    Commands.Result r = Commands.run(ctx, argv, noninteractive(), null);
    if (!r.ok()) {
      throw a.error("'" + String.join(" ", argv) + "' failed: " + r.describe());
    }
    return r;
  }

  private static Map<String, String> noninteractive() {
    return Map.of("DEBIAN_FRONTEND", "noninteractive", "APT_LISTCHANGES_FRONTEND", "none");
  }

  /** When the package lists were last refreshed (seconds since the epoch; 0 if never). */
  static long cacheTime() {
    try {
      Path stamp = Files.exists(UPDATE_STAMP) ? UPDATE_STAMP : LISTS;
      long t = Files.getLastModifiedTime(stamp).toMillis() / 1000;
      if (stamp == LISTS) {
        try (var s = Files.list(LISTS)) {
          Optional<Long> newest = s.filter(p -> p.getFileName().toString().endsWith("Release"))
              .map(p -> {
                try {
                  return Files.getLastModifiedTime(p).toMillis() / 1000;
                } catch (IOException e) {
                  return 0L;
                }
              }).max(Long::compare);
          t = newest.orElse(0L);
        }
      }
      return t;
    } catch (IOException e) {
      return 0;
    }
  }

  private Map<String, Installed> query(TaskContext ctx, List<String> specs) throws TaskException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("dpkg-query", "-W", "-f=${Package}\\t${Status}\\t${Version}\\n"));
    for (String s : specs) {
      argv.add(s.contains("=") ? s.substring(0, s.indexOf('=')) : s);
    }
    // dpkg-query exits 1 when some package is unknown to dpkg; the others are still listed.
    Commands.Result r = Commands.run(ctx, argv);
    Map<String, Installed> out = new LinkedHashMap<>();
    for (String line : r.stdout().split("\n")) {
      String[] f = line.split("\t", -1);
      if (f.length == 3) {
        out.put(f[0], new Installed(f[0], f[1], f[2]));
      }
    }
    return out;
  }

  private Map<String, String> candidates(TaskContext ctx, Args a, List<String> names)
      throws TaskException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("apt-cache"));
    a.str("default_release").ifPresent(r -> argv.addAll(List.of("-o", "APT::Default-Release=" + r)));
    argv.add("policy");
    argv.addAll(names);
    Commands.Result r = Commands.run(ctx, argv);
    Map<String, String> out = new LinkedHashMap<>();
    String current = null;
    for (String line : r.stdout().split("\n")) {
      if (!line.startsWith(" ") && line.endsWith(":")) {
        current = line.substring(0, line.length() - 1);
      } else if (current != null && line.trim().startsWith("Candidate:")) {
        String c = line.trim().substring("Candidate:".length()).trim();
        out.put(current, c.equals("(none)") ? "" : c);
      }
    }
    return out;
  }
}
