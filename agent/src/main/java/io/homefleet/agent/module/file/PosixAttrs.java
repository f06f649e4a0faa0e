package io.homefleet.agent.module.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The unix attributes of a path (mode bits incl. setuid/sticky, uid/gid), read and set; user and
 * group names from /etc/passwd and /etc/group.
 */
public record PosixAttrs(int mode, int uid, int gid, long size, boolean isDir, boolean isLink, boolean isRegular,
    FileTime mtime) {

  public static PosixAttrs read(Path p, boolean follow) throws IOException {
    LinkOption[] opts = follow ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
    Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size,isDirectory,isSymbolicLink,"
        + "isRegularFile,lastModifiedTime", opts);
    return new PosixAttrs((Integer) a.get("mode") & 07777, (Integer) a.get("uid"), (Integer) a.get("gid"),
        (Long) a.get("size"), (Boolean) a.get("isDirectory"), (Boolean) a.get("isSymbolicLink"),
        (Boolean) a.get("isRegularFile"), (FileTime) a.get("lastModifiedTime"));
  }

  /** Sets the permission bits, setuid, setgid and sticky included (not through a symlink). */
  public static void setMode(Path p, int mode) throws IOException {
    Files.setAttribute(p, "unix:mode", mode & 07777, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Resolves a user name or numeric uid to a uid, from /etc/passwd (users from other name
   * services are not seen; a homelab's are local).
   */
  public static int uid(String owner) throws IOException {
    return id(owner, "passwd", "user");
  }

  public static int gid(String group) throws IOException {
    return id(group, "group", "group");
  }

  /** The name for a numeric id, or the id itself when nobody has it. */
  public static String userName(int uid) throws IOException {
    return name(uid, "passwd");
  }

  public static String groupName(int gid) throws IOException {
    return name(gid, "group");
  }

  private static int id(String name, String db, String kind) throws IOException {
    if (name.matches("\\d+")) {
      return Integer.parseInt(name);
    }
    Integer id = Database.of(db).ids.get(name);
    if (id == null) {
      throw new IOException("failed to look up " + kind + " '" + name + "' (not in /etc/" + db + ")");
    }
    return id;
  }

  private static String name(int id, String db) throws IOException {
    String name = Database.of(db).names.get(id);
    return name != null ? name : Integer.toString(id);
  }

  /**
   * One parse of /etc/passwd or /etc/group, kept while the file is the same one (its inode,
   * modification time and size): a play's file tasks look names up several times per task, and
   * the user and group modules replace the file when they change it. First entry wins both ways,
   * as a scan from the top finds it.
   */
  private record Database(Object key, Map<String, Integer> ids, Map<Integer, String> names) {
    private static final Map<String, Database> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    static Database of(String db) throws IOException {
      Path file = Path.of("/etc/" + db);
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      Object key = java.util.List.of(Objects.requireNonNullElse(a.fileKey(), ""), a.lastModifiedTime(), a.size());
      Database d = CACHE.get(db);
      if (d != null && d.key.equals(key)) {
        return d;
      }
      Map<String, Integer> ids = new HashMap<>();
      Map<Integer, String> names = new HashMap<>();
      for (String line : Files.readAllLines(file)) {
        String[] f = line.split(":", -1);
        if (f.length > 2) {
          try {
            int id = Integer.parseInt(f[2]);
            ids.putIfAbsent(f[0], id);
            names.putIfAbsent(id, f[0]);
          } catch (NumberFormatException e) {
            // not an entry (a comment, or a broken line): a scan would not match it either
          }
        }
      }
      d = new Database(key, ids, names);
      CACHE.put(db, d);
      return d;
    }
  }

  public static void chown(Path p, int uid, int gid) throws IOException {
    Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
  }

  /** The view, for code that needs more. */
  static PosixFileAttributeView view(Path p) {
    return Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
  }
}
