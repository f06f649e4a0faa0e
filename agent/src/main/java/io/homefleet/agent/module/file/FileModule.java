package io.homefleet.agent.module.file;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Diff;
import io.homefleet.agent.exec.Plan;
import io.homefleet.agent.exec.StateModule;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Ansible's {@code file}: a path's kind ({@code file}, {@code directory}, {@code link},
 * {@code hard}, {@code touch}, {@code absent}) and its mode, owner and group, optionally
 * {@code recurse}d over a directory.
 */
public final class FileModule implements StateModule {
  @Override
  public String name() {
    return "file";
  }

  @Override
  public Plan plan(Map<String, Object> raw, TaskContext ctx) throws TaskException {
    Args a = Args.of(name(), raw);
    Path path = Path.of(a.required("path"));
    FileAttrs attrs = FileAttrs.of(a);
    boolean recurse = a.bool("recurse", false);
    boolean force = a.bool("force", false);
    boolean follow = a.bool("follow", true);
    String prev = kind(path);
    String state = a.choice("state", null, "absent", "directory", "file", "hard", "link", "touch");
    if (state == null) {
      state = !prev.equals("absent") ? (prev.equals("hard") ? "file" : prev) : recurse ? "directory" : "file";
    }
    if (recurse && !state.equals("directory")) {
      throw a.error("recurse option requires state to be 'directory'");
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("path", path.toString());
    data.put("state", state);
    return switch (state) {
      case "absent" -> absent(path, prev, data);
      case "file" -> file(a, path, prev, attrs, follow, data);
      case "directory" -> directory(a, path, prev, attrs, recurse, data);
      case "touch" -> touch(a, path, prev, attrs, data);
      case "link" -> link(a, path, prev, force, data, false);
      case "hard" -> link(a, path, prev, force, data, true);
      default -> throw new IllegalStateException(state);
    };
  }

  /** What is at {@code path}: absent, file, directory, link or hard (a regular file with more than one link). */
  static String kind(Path path) throws TaskException {
    try {
      if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        return "absent";
      }
      if (Files.isSymbolicLink(path)) {
        return "link";
      }
      if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        return "directory";
      }
      Integer nlink = (Integer) Files.getAttribute(path, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
      return nlink > 1 ? "hard" : "file";
    } catch (IOException e) {
      throw new TaskException("file", "cannot stat " + path + ": " + e.getMessage());
    }
  }

  private static Diff stateDiff(Path path, String before, String after) {
    return Diff.attrs(path.toString(), Map.of("path", path.toString(), "state", before),
        Map.of("path", path.toString(), "state", after));
  }

  private Plan absent(Path path, String prev, Map<String, Object> data) {
    if (prev.equals("absent")) {
      return Plan.inSync(data);
    }
    return new Plan.Drift(stateDiff(path, prev, "absent"), data, () -> {
      try {
        deleteTree(path);
      } catch (IOException e) {
        throw new TaskException(name(), "rmtree failed: " + e.getMessage());
      }
      return Map.of();
    });
  }

  /** Removes a file, link or whole directory (never following links out of it). */
  public static void deleteTree(Path path) throws IOException {
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> walk = Files.walk(path)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    } else {
      Files.deleteIfExists(path);
    }
  }

  private Plan file(Args a, Path path, String prev, FileAttrs attrs, boolean follow, Map<String, Object> data)
      throws TaskException {
    if (prev.equals("absent")) {
      throw a.error("file (" + path + ") is absent, cannot continue (use state=touch to create it)");
    }
    if (prev.equals("directory")) {
      throw a.error("file (" + path + ") is directory, cannot continue");
    }
    Path target = prev.equals("link") && follow ? resolveLink(path) : path;
    data.putAll(sizeOf(target));
    return attrs.plan(name(), target, FileAttrs.read(target), 0644, false);
  }

  private Plan directory(Args a, Path path, String prev, FileAttrs attrs, boolean recurse, Map<String, Object> data)
      throws TaskException {
    if (!prev.equals("absent") && !prev.equals("directory")
        && !(prev.equals("link") && Files.isDirectory(path))) {
      throw a.error(path + " already exists as a " + prev + " (remove it first, or use state=absent)");
    }
    List<Plan> parts = new ArrayList<>();
    if (prev.equals("absent")) {
      parts.add(new Plan.Drift(stateDiff(path, "absent", "directory"), Map.of(), () -> {
        try {
          // Each directory created on the way gets the asked-for attributes, as Ansible does.
          List<Path> created = new ArrayList<>();
          for (Path p = path.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
            created.add(0, p);
          }
          for (Path p : created) {
            Files.createDirectory(p);
            attrs.applyNow(name(), p, 0755, true);
          }
        } catch (IOException e) {
          throw new TaskException(name(), "cannot create directory " + path + ": " + e.getMessage());
        }
        return Map.of();
      }));
      data.putAll(attrs.plan(name(), path, Optional.empty(), 0755, true).data());
    } else {
      parts.add(attrs.plan(name(), path, FileAttrs.read(path), 0755, true));
      if (recurse && attrs.any()) {
        try (Stream<Path> walk = Files.walk(path)) {
          for (Path p : walk.skip(1).toList()) {
            if (!Files.isSymbolicLink(p)) {
              Plan sub = attrs.plan(name(), p, FileAttrs.read(p), 0644, Files.isDirectory(p));
              // Only the top directory's values are returned; the others only count as change.
              parts.add(sub instanceof Plan.Drift d ? new Plan.Drift(d.diffs(), Map.of(), d.apply())
                  : Plan.inSync(Map.of()));
            }
          }
        } catch (IOException e) {
          throw new TaskException(name(), "cannot walk " + path + ": " + e.getMessage());
        }
      }
    }
    return Plan.all(data, parts);
  }

  private Plan touch(Args a, Path path, String prev, FileAttrs attrs, Map<String, Object> data)
      throws TaskException {
    String mtime = a.str("modification_time", "now");
    String atime = a.str("access_time", "now");
    for (String t : List.of(mtime, atime)) {
      if (!t.equals("now") && !t.equals("preserve")) {
        throw a.error("modification_time/access_time other than 'now' or 'preserve' are not supported yet, got: " + t);
      }
    }
    if (!prev.equals("absent") && mtime.equals("preserve") && atime.equals("preserve")) {
      // Ansible's idempotent touch: an existing file keeps its times; only attributes can change.
      data.putAll(sizeOf(path));
      return attrs.plan(name(), path, FileAttrs.read(path), 0644, prev.equals("directory"));
    }
    // As in Ansible, touch updates the times of an existing file and so always reports a change.
    Map<String, Object> predicted = new LinkedHashMap<>(data);
    predicted.putAll(attrs.plan(name(), path, FileAttrs.read(path), 0644, prev.equals("directory")).data());
    return new Plan.Drift(stateDiff(path, prev, "touch"), predicted, () -> {
      try {
        if (prev.equals("absent")) {
          Files.createFile(path);
          PosixAttrs.setMode(path, 0644);
        } else {
          Files.setLastModifiedTime(path, FileTime.fromMillis(System.currentTimeMillis()));
        }
        attrs.applyNow(name(), path, 0644, prev.equals("directory"));
      } catch (IOException e) {
        throw new TaskException(name(), "cannot touch " + path + ": " + e.getMessage());
      }
      return Map.of();
    });
  }

  private Plan link(Args a, Path path, String prev, boolean force, Map<String, Object> data, boolean hard)
      throws TaskException {
    String src = a.required("src");
    Path srcPath = Path.of(src);
    Path resolvedSrc = srcPath.isAbsolute() ? srcPath : path.toAbsolutePath().getParent().resolve(srcPath);
    data.put("dest", path.toString());
    data.put("src", src);
    try {
      if (hard) {
        if (!Files.exists(srcPath)) {
          throw a.error("src does not exist: " + src);
        }
        if (!prev.equals("absent") && Files.isSameFile(path, srcPath) && !Files.isSymbolicLink(path)) {
          return Plan.inSync(data);
        }
      } else {
        if (prev.equals("link") && Files.readSymbolicLink(path).toString().equals(src)) {
          return Plan.inSync(data);
        }
        if (!Files.exists(resolvedSrc, LinkOption.NOFOLLOW_LINKS) && !force) {
          throw a.error("src file does not exist, use \"force=yes\" if you really want to create the link: "
              + resolvedSrc);
        }
      }
      if (prev.equals("directory") && (hard || !force || !isEmptyDir(path))) {
        throw a.error("refusing to convert from directory to " + (hard ? "hard link" : "symlink") + " for " + path);
      }
      if ((prev.equals("file") || prev.equals("hard")) && !force && !hard) {
        throw a.error("refusing to convert from file to symlink for " + path + " (use force=yes)");
      }
    } catch (IOException e) {
      throw new TaskException(name(), "cannot inspect " + path + ": " + e.getMessage());
    }
    String kind = hard ? "hard" : "link";
    return new Plan.Drift(stateDiff(path, prev, kind), data, () -> {
      try {
        Path tmp = path.resolveSibling("." + path.getFileName() + "." + ProcessHandle.current().pid() + ".hflink");
        Files.deleteIfExists(tmp);
        if (hard) {
          Files.createLink(tmp, srcPath);
        } else {
          Files.createSymbolicLink(tmp, srcPath);
        }
        if (prev.equals("directory")) {
          Files.delete(path);
        }
        Files.move(tmp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException e) {
        throw new TaskException(name(), path + " exists: " + e.getMessage());
      } catch (IOException e) {
        throw new TaskException(name(), "cannot create " + kind + " " + path + " -> " + src + ": " + e.getMessage());
      }
      return Map.of();
    });
  }

  private static boolean isEmptyDir(Path p) throws IOException {
    try (Stream<Path> s = Files.list(p)) {
      return s.findAny().isEmpty();
    }
  }

  private static Path resolveLink(Path path) throws TaskException {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      throw new TaskException("file", path + " is a dangling link: " + e.getMessage());
    }
  }

  private static Map<String, Object> sizeOf(Path p) throws TaskException {
    try {
      return Map.of("size", Files.size(p));
    } catch (IOException e) {
      throw new TaskException("file", "cannot stat " + p + ": " + e.getMessage());
    }
  }
}
