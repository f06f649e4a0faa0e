package io.homefleet.agent.module.wipe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How a host differs from its {@link Baseline}: what a wipe removes, restores and empties. Only
 * looks; {@link WipeModule} acts on it. Paths under {@code keep} (the agent's identity and state,
 * the baseline itself, per-host files such as the machine-id) are never listed.
 *
 * @param packagesAdded installed now, not in the baseline: purged
 * @param packagesChanged in both at another version (name: "baseline -> now"): reported, not downgraded
 * @param packagesMissing in the baseline, not installed now: reported (reinstalling needs the mirror)
 * @param servicesAdded enabled units the baseline did not have ({@code multi-user.target.wants/x.service})
 * @param usersAdded users the baseline did not have: removed with their homes
 * @param groupsAdded groups the baseline did not have: removed
 * @param filesAdded top-most paths of the trees the baseline did not have: deleted (with what is under them)
 * @param filesChanged paths whose type, content, mode, owner or link target differ: restored
 * @param filesMissing baseline paths that are gone: put back
 * @param dataRemoved what is in the data paths now: deleted
 * @param homesReset homes of the baseline's users: emptied back to /etc/skel
 */
record Changes(SortedSet<String> packagesAdded, SortedMap<String, String> packagesChanged,
    SortedSet<String> packagesMissing, SortedSet<String> servicesAdded, SortedSet<String> usersAdded,
    SortedSet<String> groupsAdded, SortedSet<String> filesAdded, SortedMap<String, String> filesChanged,
    SortedSet<String> filesMissing, SortedSet<String> dataRemoved, SortedSet<String> homesReset) {

  /** Whether the host is its baseline (version drift aside, which a wipe does not undo). */
  boolean none() {
    return packagesAdded.isEmpty() && servicesAdded.isEmpty() && usersAdded.isEmpty() && groupsAdded.isEmpty()
        && filesAdded.isEmpty() && filesChanged.isEmpty() && filesMissing.isEmpty() && dataRemoved.isEmpty()
        && homesReset.isEmpty();
  }

  /** Where the host stands against {@code b}, everything under {@code root}. */
  static Changes of(Baseline b, Path root, List<String> dataPaths, Keep keep) throws IOException {
    SortedMap<String, String> nowPackages = Baseline.packages(root);
    SortedSet<String> added = new TreeSet<>(nowPackages.keySet());
    added.removeAll(b.packages().keySet());
    SortedMap<String, String> changed = new TreeMap<>();
    SortedSet<String> missing = new TreeSet<>();
    for (Map.Entry<String, String> e : b.packages().entrySet()) {
      String now = nowPackages.get(e.getKey());
      if (now == null) {
        missing.add(e.getKey());
      } else if (!now.equals(e.getValue())) {
        changed.put(e.getKey(), e.getValue() + " -> " + now);
      }
    }
    SortedSet<String> services = new TreeSet<>(Baseline.services(root));
    services.removeAll(b.services());
    SortedSet<String> users = new TreeSet<>(Baseline.accounts(root, "etc/passwd").keySet());
    users.removeAll(b.users().keySet());
    SortedSet<String> groups = new TreeSet<>(Baseline.accounts(root, "etc/group").keySet());
    groups.removeAll(b.groups().keySet());

    Files files = files(b, root, keep);
    SortedSet<String> data = new TreeSet<>();
    SortedSet<String> homes = new TreeSet<>();
    Map<String, String> baselineHomes = homes(root, b);
    for (String p : dataPaths) {
      boolean each = p.endsWith("/*");
      Path dir = Baseline.resolve(root, each ? p.substring(0, p.length() - 2) : p);
      if (!java.nio.file.Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      try (var children = java.nio.file.Files.list(dir)) {
        for (Path c : children.sorted().toList()) {
          String abs = Baseline.absolute(root, c);
          if (keep.holdsOrContains(abs)) {
            continue;
          }
          if (each && baselineHomes.containsValue(abs) && java.nio.file.Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS)) {
            if (!matchesSkel(root, c)) {
              homes.add(abs);
            }
          } else if (each && users.stream().anyMatch(u -> abs.equals(currentHome(root, u)))) {
            // An added user's home goes with the user (userdel -r); listed there.
            continue;
          } else {
            data.add(abs);
          }
        }
      }
    }
    return new Changes(added, changed, missing, services, users, groups, files.added, files.changed, files.missing,
        data, homes);
  }

  private record Files(SortedSet<String> added, SortedMap<String, String> changed, SortedSet<String> missing) {}

  /** The recorded trees against the baseline's entries. */
  private static Files files(Baseline b, Path root, Keep keep) throws IOException {
    SortedMap<String, Baseline.Entry> now = new TreeMap<>();
    for (String tree : b.trees()) {
      now.putAll(Baseline.scan(root, Baseline.resolve(root, tree), null));
    }
    SortedSet<String> added = new TreeSet<>();
    SortedMap<String, String> changed = new TreeMap<>();
    SortedSet<String> missing = new TreeSet<>();
    // An added directory holding a kept path (/etc/ssh with the host keys) is not deleted whole: its
    // other paths are listed one by one.
    List<String> kept = now.keySet().stream().filter(keep::holds).toList();
    for (Map.Entry<String, Baseline.Entry> e : now.entrySet()) {
      String p = e.getKey();
      if (keep.holds(p)) {
        continue;
      }
      Baseline.Entry was = b.files().get(p);
      if (was == null) {
        // Only the top-most added path: deleting it deletes what is under it.
        if (!underAny(added, p) && kept.stream().noneMatch(k -> k.startsWith(p + "/"))) {
          added.add(p);
        }
      } else if (!was.equals(e.getValue())) {
        changed.put(p, was.describe() + " -> " + e.getValue().describe());
      }
    }
    for (Map.Entry<String, Baseline.Entry> e : b.files().entrySet()) {
      String p = e.getKey();
      if (!now.containsKey(p) && !keep.holds(p) && !underAny(missing, p)) {
        missing.add(p);
      }
    }
    return new Files(added, changed, missing);
  }

  /** Whether a parent of {@code p} is in {@code set}. */
  private static boolean underAny(SortedSet<String> set, String p) {
    for (Path parent = Path.of(p).getParent(); parent != null; parent = parent.getParent()) {
      if (set.contains(parent.toString())) {
        return true;
      }
    }
    return false;
  }

  /** The baseline's users' homes (name: home) as /etc/passwd has them now. */
  static Map<String, String> homes(Path root, Baseline b) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    Path passwd = root.resolve("etc/passwd");
    if (!java.nio.file.Files.isRegularFile(passwd)) {
      return out;
    }
    for (String line : java.nio.file.Files.readAllLines(passwd, StandardCharsets.UTF_8)) {
      String[] f = line.split(":", -1);
      if (f.length >= 6 && b.users().containsKey(f[0])) {
        out.put(f[0], f[5]);
      }
    }
    return out;
  }

  private static String currentHome(Path root, String user) {
    try {
      for (String line : java.nio.file.Files.readAllLines(root.resolve("etc/passwd"), StandardCharsets.UTF_8)) {
        String[] f = line.split(":", -1);
        if (f.length >= 6 && f[0].equals(user)) {
          return f[5];
        }
      }
    } catch (IOException e) {
      // No passwd, no home to match.
    }
    return "";
  }

  /** Whether a home holds exactly /etc/skel's paths with /etc/skel's contents (owner and mode aside). */
  static boolean matchesSkel(Path root, Path home) throws IOException {
    SortedMap<String, String> skel = shape(root.resolve("etc/skel"));
    return skel.equals(shape(home));
  }

  private static SortedMap<String, String> shape(Path dir) throws IOException {
    SortedMap<String, String> out = new TreeMap<>();
    if (!java.nio.file.Files.isDirectory(dir)) {
      return out;
    }
    try (var walk = java.nio.file.Files.walk(dir)) {
      for (Path p : walk.toList()) {
        if (p.equals(dir)) {
          continue;
        }
        String rel = dir.relativize(p).toString();
        if (java.nio.file.Files.isSymbolicLink(p)) {
          out.put(rel, "link " + java.nio.file.Files.readSymbolicLink(p));
        } else if (java.nio.file.Files.isDirectory(p)) {
          out.put(rel, "dir");
        } else {
          out.put(rel, io.homefleet.agent.module.file.AtomicFiles.digest(p, "sha256"));
        }
      }
    }
    return out;
  }

  /**
   * The paths a wipe never touches: exact paths with everything under them, and globs
   * ({@code /etc/ssh/ssh_host_*}) matched against whole paths.
   */
  record Keep(List<String> prefixes, List<PathMatcher> globs) {
    static Keep of(List<String> patterns) {
      List<String> prefixes = new ArrayList<>();
      List<PathMatcher> globs = new ArrayList<>();
      for (String p : patterns) {
        String norm = p.endsWith("/") && p.length() > 1 ? p.substring(0, p.length() - 1) : p;
        if (norm.contains("*") || norm.contains("?") || norm.contains("[")) {
          globs.add(FileSystems.getDefault().getPathMatcher("glob:" + norm));
        } else {
          prefixes.add(norm);
        }
      }
      return new Keep(List.copyOf(prefixes), List.copyOf(globs));
    }

    boolean holds(String abs) {
      for (String p : prefixes) {
        if (abs.equals(p) || abs.startsWith(p + "/")) {
          return true;
        }
      }
      Path path = Path.of(abs);
      for (PathMatcher m : globs) {
        if (m.matches(path)) {
          return true;
        }
      }
      return false;
    }

    /** Whether {@code abs} is kept or holds a kept path (so it cannot be deleted whole). */
    boolean holdsOrContains(String abs) {
      if (holds(abs)) {
        return true;
      }
      for (String p : prefixes) {
        if (p.startsWith(abs + "/")) {
          return true;
        }
      }
      return false;
    }
  }
}
