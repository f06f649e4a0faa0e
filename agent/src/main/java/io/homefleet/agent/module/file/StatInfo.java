package io.homefleet.agent.module.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What Ansible's {@code stat} and {@code find} both report of a path from its {@code lstat}
 * (or {@code stat}): {@code mode}, the kind flags, ids, size, inode, times as float seconds,
 * the nine permission flags, setuid/setgid, and the owner's and group's names.
 */
public final class StatInfo {
  private StatInfo() {}

  public static Map<String, Object> of(Path path, LinkOption... opts) throws IOException {
    Map<String, Object> u = Files.readAttributes(path, "unix:*", opts);
    int mode = (Integer) u.get("mode");
    int uid = (Integer) u.get("uid");
    int gid = (Integer) u.get("gid");
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("mode", Modes.format(mode));
    s.put("isdir", (mode & 0170000) == 0040000);
    s.put("ischr", (mode & 0170000) == 0020000);
    s.put("isblk", (mode & 0170000) == 0060000);
    s.put("isreg", (mode & 0170000) == 0100000);
    s.put("isfifo", (mode & 0170000) == 0010000);
    s.put("islnk", (mode & 0170000) == 0120000);
    s.put("issock", (mode & 0170000) == 0140000);
    s.put("uid", uid);
    s.put("gid", gid);
    s.put("size", u.get("size"));
    s.put("inode", u.get("ino"));
    s.put("dev", u.get("dev"));
    s.put("nlink", u.get("nlink"));
    s.put("atime", seconds((FileTime) u.get("lastAccessTime")));
    s.put("mtime", seconds((FileTime) u.get("lastModifiedTime")));
    s.put("ctime", seconds((FileTime) u.get("ctime")));
    s.put("wusr", (mode & 0200) != 0);
    s.put("rusr", (mode & 0400) != 0);
    s.put("xusr", (mode & 0100) != 0);
    s.put("wgrp", (mode & 020) != 0);
    s.put("rgrp", (mode & 040) != 0);
    s.put("xgrp", (mode & 010) != 0);
    s.put("woth", (mode & 02) != 0);
    s.put("roth", (mode & 04) != 0);
    s.put("xoth", (mode & 01) != 0);
    s.put("isuid", (mode & 04000) != 0);
    s.put("isgid", (mode & 02000) != 0);
    s.put("pw_name", PosixAttrs.userName(uid));
    s.put("gr_name", PosixAttrs.groupName(gid));
    return s;
  }

  /** Python's {@code st_mtime}: seconds plus nanoseconds as one double, computed as CPython does. */
  static double seconds(FileTime t) {
    Instant i = t.toInstant();
    return i.getEpochSecond() + i.getNano() * 1e-9;
  }
}
