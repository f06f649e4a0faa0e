package io.homefleet.agent.module.file;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ansible's {@code stat}: facts about a path under {@code stat} ({@code exists}, {@code mode},
 * {@code isdir}, {@code checksum}, ...). Reads only, so check mode is the same as a run.
 */
public final class StatModule implements Module {
  @Override
  public String name() {
    return "stat";
  }

  @Override
  public Outcome run(Map<String, Object> raw, TaskContext ctx) throws TaskException {
    Args a = Args.of(name(), raw);
    Path path = Path.of(a.required("path"));
    boolean follow = a.bool("follow", false);
    boolean getChecksum = a.bool("get_checksum", true);
    String algorithm = a.choice("checksum_algorithm", "sha1", "md5", "sha1", "sha224", "sha256", "sha384", "sha512");
    Map<String, Object> stat = new LinkedHashMap<>();
    LinkOption[] opts = follow ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
    if (!Files.exists(path, opts)) {
      stat.put("exists", false);
      return Outcome.result(false, "", Map.of("stat", stat));
    }
    try {
      Map<String, Object> u = Files.readAttributes(path, "unix:*", opts);
      int mode = (Integer) u.get("mode");
      stat.put("exists", true);
      stat.put("path", path.toString());
      stat.put("mode", Modes.format(mode));
      stat.put("isdir", u.get("isDirectory"));
      stat.put("ischr", (mode & 0170000) == 0020000);
      stat.put("isblk", (mode & 0170000) == 0060000);
      stat.put("isreg", u.get("isRegularFile"));
      stat.put("isfifo", (mode & 0170000) == 0010000);
      stat.put("islnk", u.get("isSymbolicLink"));
      stat.put("issock", (mode & 0170000) == 0140000);
      int uid = (Integer) u.get("uid");
      int gid = (Integer) u.get("gid");
      stat.put("uid", uid);
      stat.put("gid", gid);
      stat.put("size", u.get("size"));
      stat.put("inode", u.get("ino"));
      stat.put("dev", u.get("dev"));
      stat.put("nlink", u.get("nlink"));
      stat.put("atime", seconds((FileTime) u.get("lastAccessTime")));
      stat.put("mtime", seconds((FileTime) u.get("lastModifiedTime")));
      stat.put("ctime", seconds((FileTime) u.get("ctime")));
      stat.put("wusr", (mode & 0200) != 0);
      stat.put("rusr", (mode & 0400) != 0);
      stat.put("xusr", (mode & 0100) != 0);
      stat.put("wgrp", (mode & 020) != 0);
      stat.put("rgrp", (mode & 040) != 0);
      stat.put("xgrp", (mode & 010) != 0);
      stat.put("woth", (mode & 02) != 0);
      stat.put("roth", (mode & 04) != 0);
      stat.put("xoth", (mode & 01) != 0);
      stat.put("isuid", (mode & 04000) != 0);
      stat.put("isgid", (mode & 02000) != 0);
      stat.put("pw_name", PosixAttrs.userName(uid));
      stat.put("gr_name", PosixAttrs.groupName(gid));
      stat.put("readable", Files.isReadable(path));
      stat.put("writeable", Files.isWritable(path));
      stat.put("executable", Files.isExecutable(path));
      if (Files.isSymbolicLink(path)) {
        Path target = Files.readSymbolicLink(path);
        // A dangling link has no real path; Ansible then gives the resolved, nonexistent one.
        stat.put("lnk_source", Files.exists(path) ? path.toRealPath().toString()
            : path.toAbsolutePath().getParent().resolve(target).normalize().toString());
        stat.put("lnk_target", target.toString());
      }
      if (getChecksum && Files.isRegularFile(path, opts) && Files.isReadable(path)) {
        stat.put("checksum", AtomicFiles.digest(path, algorithm));
      }
    } catch (IOException e) {
      throw a.error("cannot stat " + path + ": " + e.getMessage());
    }
    return Outcome.result(false, "", Map.of("stat", stat));
  }

  private static double seconds(FileTime t) {
    return t.toMillis() / 1000.0;
  }
}
