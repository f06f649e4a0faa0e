package io.homefleet.agent.module.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;

/** The unix attributes of a path (mode bits incl. setuid/sticky, uid/gid and their names), read and set. */
public record PosixAttrs(int mode, int uid, int gid, String owner, String group, long size, boolean isDir,
    boolean isLink, boolean isRegular, FileTime mtime) {

  public static PosixAttrs read(Path p, boolean follow) throws IOException {
    LinkOption[] opts = follow ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
    Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,owner,group,size,isDirectory,isSymbolicLink,"
        + "isRegularFile,lastModifiedTime", opts);
    return new PosixAttrs((Integer) a.get("mode") & 07777, (Integer) a.get("uid"), (Integer) a.get("gid"),
        ((UserPrincipal) a.get("owner")).getName(), ((GroupPrincipal) a.get("group")).getName(), (Long) a.get("size"),
        (Boolean) a.get("isDirectory"), (Boolean) a.get("isSymbolicLink"), (Boolean) a.get("isRegularFile"),
        (FileTime) a.get("lastModifiedTime"));
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
    for (String line : Files.readAllLines(Path.of("/etc/" + db))) {
      String[] f = line.split(":", -1);
      if (f.length > 2 && f[0].equals(name)) {
        return Integer.parseInt(f[2]);
      }
    }
    throw new IOException("failed to look up " + kind + " '" + name + "' (not in /etc/" + db + ")");
  }

  private static String name(int id, String db) throws IOException {
    for (String line : Files.readAllLines(Path.of("/etc/" + db))) {
      String[] f = line.split(":", -1);
      if (f.length > 2 && f[2].equals(Integer.toString(id))) {
        return f[0];
      }
    }
    return Integer.toString(id);
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
