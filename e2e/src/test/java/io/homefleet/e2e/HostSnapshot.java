package io.homefleet.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a check-mode run must leave as it was: type, mode, owner, group, mtime and SHA-256 of
 * every file under the given paths (directories are walked; link targets, not contents, for
 * symlinks). Taken before and after, compared with {@code equals}.
 *
 * <p>The account files ({@code /etc/passwd}, {@code group}, {@code shadow}, {@code gshadow} and
 * their {@code -} backups) are compared by their lines, leaving out accounts named
 * {@code hf-test*}: the agent's {@code UserModuleTest}, which may run at the same time on this
 * machine (other worktrees), creates and deletes those.
 */
final class HostSnapshot {
  private static final Set<String> ACCOUNT_FILES = Set.of("/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow",
      "/etc/passwd-", "/etc/group-", "/etc/shadow-", "/etc/gshadow-", "/etc/subuid", "/etc/subgid", "/etc/subuid-",
      "/etc/subgid-");

  private HostSnapshot() {}

  static Map<String, String> take(List<String> paths) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (String w : paths) {
      Path root = Path.of(w);
      if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
        out.put(w, "absent");
        continue;
      }
      if (Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
        try (Stream<Path> s = Files.walk(root)) {
          for (Path p : s.toList()) {
            out.put(p.toString(), describe(p));
          }
        }
      } else {
        out.put(w, describe(root));
      }
    }
    return out;
  }

  /** The entries that differ, as "path: before => after". */
  static List<String> differences(Map<String, String> before, Map<String, String> after) {
    TreeMap<String, String> all = new TreeMap<>(before);
    after.forEach(all::putIfAbsent);
    return all.keySet().stream().filter(k -> !String.valueOf(before.get(k)).equals(String.valueOf(after.get(k))))
        .map(k -> k + ": " + before.getOrDefault(k, "absent") + " => " + after.getOrDefault(k, "absent")).toList();
  }

  private static String describe(Path p) throws IOException {
    PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    String head = PosixFilePermissions.toString(a.permissions()) + " " + a.owner().getName() + ":"
        + a.group().getName();
    if (a.isSymbolicLink()) {
      return "link " + head + " -> " + Files.readSymbolicLink(p);
    }
    if (a.isDirectory()) {
      return "dir " + head;
    }
    if (ACCOUNT_FILES.contains(p.toString())) {
      return "accounts " + head + " " + sha256(Files.readAllLines(p).stream().filter(l -> !l.startsWith("hf-test"))
          .map(l -> l.replaceAll(",?hf-test[0-9a-z-]*", "")).sorted().collect(Collectors.joining("\n")).getBytes());
    }
    return "file " + head + " " + a.lastModifiedTime() + " " + sha256(Files.readAllBytes(p));
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
