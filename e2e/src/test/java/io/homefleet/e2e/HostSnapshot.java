package io.homefleet.e2e;

import java.io.IOException;
import java.io.InputStream;
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
 *
 * <p>Files are hashed as streams up to {@link #HASHED_UP_TO} bytes; larger ones (a machine image
 * may hold multi-gigabyte files under {@code /opt}, which no byte array can hold) are described by
 * size and change time instead: any write, chmod or rename onto the path moves its ctime, and no
 * program can set ctime back.
 */
final class HostSnapshot {
  private static final Set<String> ACCOUNT_FILES = Set.of("/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow",
      "/etc/passwd-", "/etc/group-", "/etc/shadow-", "/etc/gshadow-", "/etc/subuid", "/etc/subgid", "/etc/subuid-",
      "/etc/subgid-");

  static final long HASHED_UP_TO = 4L << 20;

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
    if (a.size() > HASHED_UP_TO) {
      return "file " + head + " " + a.lastModifiedTime() + " size " + a.size() + " ctime "
          + Files.getAttribute(p, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
    }
    try (InputStream in = Files.newInputStream(p)) {
      MessageDigest sha = sha256();
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
      return "file " + head + " " + a.lastModifiedTime() + " " + HexFormat.of().formatHex(sha.digest());
    }
  }

  private static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
