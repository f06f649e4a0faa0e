package io.homefleet.agent.module.apt;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Commands;
import io.homefleet.agent.exec.Diff;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.Plan;
import io.homefleet.agent.exec.StateModule;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.ansible.AnsibleModule;
import io.homefleet.agent.module.file.AtomicFiles;
import io.homefleet.agent.module.file.Modes;
import io.homefleet.agent.module.file.PosixAttrs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * ansible-core 2.14's {@code apt_repository}: a one-line source in {@code sources.list} or
 * {@code sources.list.d/*.list} present or absent ({@link SourcesList} holds the editing), then
 * {@code apt-get update} after a change ({@code update_cache}, retried with Ansible's backoff;
 * the files are put back when it keeps failing). Where the files are comes from apt's own
 * configuration ({@code apt-config}, so {@code APT_CONFIG} in the task's environment moves them,
 * as it moves Ansible's python-apt). No python: {@code install_python_apt} is accepted and not
 * needed; only adding a {@code ppa:} repository, which asks launchpad.net and a keyserver for its
 * key, runs Ansible's own module.
 */
public final class AptRepositoryModule implements StateModule {
  private static final Path OS_RELEASE = Path.of("/etc/os-release");

  private final Map<String, String> env;

  /** The host's apt configuration (APT_CONFIG from the task's environment, if it sets one). */
  public AptRepositoryModule() {
    this(Optional.empty());
  }

  /** @param aptConfig an apt configuration file of the caller's (tests: a tree of their own) */
  public AptRepositoryModule(Optional<Path> aptConfig) {
    this.env = aptEnv(aptConfig);
  }

  /** The environment that points apt's tools at {@code aptConfig}; empty for the host's (and the task's) own. */
  static Map<String, String> aptEnv(Optional<Path> aptConfig) {
    return aptConfig.map(p -> Map.of("APT_CONFIG", p.toString())).orElse(Map.of());
  }

  @Override
  public String name() {
    return "apt_repository";
  }

  @Override
  public Outcome run(Map<String, Object> args, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), args);
    if (a.str("repo", "").startsWith("ppa:") && a.choice("state", "present", "absent", "present").equals("present")) {
      // Adding a PPA asks launchpad.net for its signing key and a keyserver for the key: Ansible's own module does that.
      if (!env.isEmpty()) {
        throw a.error("adding a ppa: runs Ansible's own module, which reads the host's apt configuration, not " + env);
      }
      return new AnsibleModule("ansible.builtin.apt_repository").run(args, ctx);
    }
    return Plan.execute(plan(args, ctx), ctx);
  }

  @Override
  public Plan plan(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), raw);
    String repo = a.str("repo", "");
    String state = a.choice("state", "present", "absent", "present");
    boolean updateCache = a.bool("update_cache", true);
    long retries = a.integer("update_cache_retries").orElse(5L);
    long maxDelay = a.integer("update_cache_retry_max_delay").orElse(12L);
    a.bool("install_python_apt", true);
    a.bool("validate_certs", true);
    Optional<Modes.Spec> mode;
    try {
      mode = a.raw("mode").map(Modes::parse);
      if (mode.isPresent()) {
        mode.get().resolve(0644, false);
      }
    } catch (IllegalArgumentException e) {
      throw a.error("mode: " + e.getMessage());
    }
    if (repo.isEmpty()) {
      throw TaskException.asAnsible("Please set argument 'repo' to a non-empty value");
    }
    Map<String, String> dirs = aptDirs(ctx, a, env);
    SourcesList sources;
    try {
      sources = SourcesList.load(Path.of(dirs.get("SOURCELIST")), Path.of(dirs.get("SOURCEPARTS")));
    } catch (IOException e) {
      throw a.error("cannot read the apt sources: " + e.getMessage());
    }
    Map<String, String> before = sources.dump();
    String filename = a.str("filename").orElse(null);
    try {
      if (repo.startsWith("ppa:")) {
        String line = expandPpa(repo, a.str("codename").orElseGet(AptRepositoryModule::codename));
        if (state.equals("absent")) {
          sources.remove(line);
        } else {
          throw a.error(repo + ": adding a Launchpad PPA runs Ansible's own module (run, not plan, handles it)");
        }
      } else {
        String source = SourcesList.validSource(repo);
        if (state.equals("present")) {
          String file = SourcesList.suggestFilename(source, filename)
              .orElseThrow(() -> a.error("repo '" + repo + "' names no URI to name its file after: give the whole line"
                  + " (deb URI SUITE [COMPONENT...]) or filename"));
          sources.add(source, file);
        } else {
          sources.remove(source);
        }
      }
    } catch (SourcesList.InvalidSource e) {
      throw TaskException.asAnsible("Invalid repository string: " + e.getMessage());
    } catch (SourcesList.PopOutOfRange e) {
      throw a.error(e.getMessage());
    }
    Map<String, String> after = sources.dump();
    List<String> added = new TreeSet<>(after.keySet()).stream().filter(f -> !before.containsKey(f)).toList();
    List<String> removed = new TreeSet<>(before.keySet()).stream().filter(f -> !after.containsKey(f)).toList();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("repo", repo);
    data.put("sources_added", added);
    data.put("sources_removed", removed);
    data.put("state", state);
    if (before.equals(after)) {
      return Plan.inSync(data);
    }
    List<Diff> diffs = new ArrayList<>();
    TreeSet<String> all = new TreeSet<>(before.keySet());
    all.addAll(after.keySet());
    for (String f : all) {
      diffs.add(new Diff(before.getOrDefault(f, ""), after.getOrDefault(f, ""), before.containsKey(f) ? f : "/dev/null",
          after.containsKey(f) ? f : "/dev/null"));
    }
    Map<String, Optional<String>> writes = sources.writes();
    return new Plan.Drift(diffs, data, () -> {
      try {
        save(sources, writes, mode);
      } catch (IOException e) {
        restore(sources, writes);
        throw TaskException.asAnsible(String.valueOf(e.getMessage()));
      }
      if (updateCache) {
        String err = update(ctx, env, retries, maxDelay);
        if (err != null) {
          restore(sources, writes);
          throw TaskException.asAnsible("Failed to update apt cache: " + (err.isEmpty() ? "unknown reason" : err));
        }
      }
      return Map.of();
    });
  }

  /** Ansible's {@code save}: each changed file written whole (its directory made), the emptied ones removed, mode on new sources. */
  private static void save(SourcesList sources, Map<String, Optional<String>> writes, Optional<Modes.Spec> mode)
      throws IOException {
    for (Map.Entry<String, Optional<String>> w : writes.entrySet()) {
      Path p = Path.of(w.getKey());
      if (w.getValue().isEmpty()) {
        Files.deleteIfExists(p);
        continue;
      }
      Files.createDirectories(p.toAbsolutePath().getParent());
      AtomicFiles.write(p, w.getValue().get().getBytes(StandardCharsets.UTF_8));
    }
    if (mode.isPresent()) {
      for (String f : sources.newRepos()) {
        Path p = Path.of(f);
        int current = PosixAttrs.read(p, true).mode();
        int want = mode.get().resolve(current, false);
        if (want != current) {
          PosixAttrs.setMode(p, want);
        }
      }
    }
  }

  /** Puts every file this task wrote or removed back as it was read (a file it made is removed). */
  private static void restore(SourcesList sources, Map<String, Optional<String>> writes) {
    for (String f : writes.keySet()) {
      byte[] was = sources.original(f);
      try {
        if (was == null) {
          Files.deleteIfExists(Path.of(f));
        } else {
          AtomicFiles.write(Path.of(f), was);
        }
      } catch (IOException e) {
        // Best effort: the task fails with the first error either way.
      }
    }
  }

  /**
   * {@code apt-get update}, tried {@code retries} times with Ansible's backoff (2^n seconds plus up to one at
   * random, at most {@code maxDelay} plus that); null when it worked, else what apt said ("" if it never ran).
   */
  private static String update(TaskContext ctx, Map<String, String> env, long retries, long maxDelay) throws TaskException, InterruptedException {
    String err = "";
    double randomize = ThreadLocalRandom.current().nextInt(0, 1001) / 1000.0;
    for (long retry = 0; retry < retries; retry++) {
      Map<String, String> e = new LinkedHashMap<>(env);
      e.put("DEBIAN_FRONTEND", "noninteractive");
      Commands.Result r = Commands.run(ctx, List.of("apt-get", "update", "-q"), e, null);
      if (r.ok()) {
        return null;
      }
      err = (r.stderr().isBlank() ? r.stdout() : r.stderr()).strip();
      double delay = Math.pow(2, retry) + randomize;
      if (delay > maxDelay) {
        delay = maxDelay + randomize;
      }
      sleep(ctx, (long) (delay * 1000));
    }
    return err;
  }

  private static void sleep(TaskContext ctx, long millis) throws InterruptedException {
    long end = System.nanoTime() + millis * 1_000_000;
    // Short sleeps, so a cancel ends the wait at once.
    while (System.nanoTime() < end) {
      if (ctx.cancelled()) {
        throw new InterruptedException("cancelled");
      }
      Thread.sleep(Math.max(1, Math.min(100, (end - System.nanoTime()) / 1_000_000)));
    }
  }

  /** apt's own idea of where the sources are (python-apt's find_file and find_dir), so APT_CONFIG is honoured. */
  static Map<String, String> aptDirs(TaskContext ctx, Args a, Map<String, String> env)
      throws TaskException, InterruptedException {
    Commands.Result r;
    try {
      r = Commands.run(ctx, List.of("apt-config", "shell", "SOURCELIST", "Dir::Etc::sourcelist/f", "SOURCEPARTS",
          "Dir::Etc::sourceparts/d"), env, null);
    } catch (TaskException e) {
      throw a.error("Module apt_repository is not supported on target: apt-config cannot run (" + e.getMessage()
          + "); it manages the apt sources of Debian and Ubuntu");
    }
    if (!r.ok()) {
      throw a.error("apt's configuration cannot be read: " + r.describe());
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : r.stdout().split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        String v = line.substring(eq + 1).strip();
        if (v.length() >= 2 && v.startsWith("'") && v.endsWith("'")) {
          v = v.substring(1, v.length() - 1).replace("'\\''", "'");
        }
        out.put(line.substring(0, eq), v);
      }
    }
    for (String k : List.of("SOURCELIST", "SOURCEPARTS")) {
      if (out.getOrDefault(k, "").isEmpty()) {
        throw a.error("apt's configuration names no " + (k.equals("SOURCELIST") ? "Dir::Etc::sourcelist"
            : "Dir::Etc::sourceparts") + " (apt-config shell said: " + r.stdout().strip() + ")");
      }
    }
    return out;
  }

  /** Ansible's {@code _expand_ppa}: the Launchpad line for {@code ppa:OWNER[/NAME]}. */
  static String expandPpa(String repo, String codename) {
    String ppa = repo.split(":", -1)[1];
    String[] parts = ppa.split("/", -1);
    String name = parts.length > 1 ? parts[1] : "ppa";
    return "deb http://ppa.launchpad.net/" + parts[0] + "/" + name + "/ubuntu " + codename + " main";
  }

  /** The host's release codename (bookworm), as python-apt's distro reports it. */
  static String codename() {
    try {
      for (String line : Files.readAllLines(OS_RELEASE)) {
        if (line.startsWith("VERSION_CODENAME=")) {
          return line.substring("VERSION_CODENAME=".length()).replace("\"", "").strip();
        }
      }
    } catch (IOException e) {
      // No os-release: no codename, as on a host python-apt cannot name.
    }
    return "";
  }
}
