package io.homefleet.agent.module.mount;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Commands;
import io.homefleet.agent.exec.Diff;
import io.homefleet.agent.exec.Plan;
import io.homefleet.agent.exec.StateModule;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.file.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * ansible.posix's {@code mount} (ansible-core 2.14 redirects {@code mount} there) as it runs on
 * Linux: the fstab line ({@code src path fstype opts dump passno}, spaces, ampersands and
 * backslashes escaped as {@code \040}, {@code \046}, {@code \134}), and the mount itself with
 * mount(8) and umount(8) ({@code -T FSTAB} for another fstab than /etc/fstab). Whether a path is
 * mounted is the collection's test: a mount point by device and inode, or a destination in
 * /proc/self/mountinfo.
 */
public final class MountModule implements StateModule {
  private static final List<String> CHECKED = List.of("src", "fstype", "opts", "dump", "passno");
  private static final String ETC_FSTAB = "/etc/fstab";

  @Override
  public String name() {
    return "mount";
  }

  /** The task's arguments after the collection's defaults and its {@code boot}/{@code noauto} rule. */
  private record Params(String state, String name, String src, String fstype, String opts, String dump,
      String passno, String fstab, String boot, boolean backup, List<String> warnings) {
    Map<String, String> escaped() {
      Map<String, String> m = new HashMap<>();
      m.put("src", src == null ? null : escape(src));
      m.put("name", escape(name));
      m.put("fstype", fstype == null ? null : escape(fstype));
      m.put("opts", escape(opts));
      m.put("dump", escape(dump));
      m.put("passno", escape(passno));
      return m;
    }
  }

  /** A new fstab text, whether it differs, and (for the collection's rollback) the old one. */
  private record Edit(String before, String after, boolean changed) {}

  @Override
  public Plan plan(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), raw);
    Params p = params(a);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("name", p.name());
    data.put("opts", p.opts());
    data.put("dump", p.dump());
    data.put("passno", p.passno());
    data.put("fstab", p.fstab());
    data.put("boot", p.boot());
    if (p.src() != null) {
      data.put("src", p.src());
    }
    if (p.fstype() != null) {
      data.put("fstype", p.fstype());
    }
    data.put("backup_file", "");
    if (!p.warnings().isEmpty()) {
      data.put("warnings", p.warnings());
    }
    Path fstab = Path.of(p.fstab());
    if (!p.state().equals("ephemeral") && !Files.exists(fstab)) {
      // The collection creates a missing fstab (and its directory) before anything else, check mode included.
      try {
        Files.createDirectories(fstab.toAbsolutePath().getParent());
        Files.createFile(fstab);
      } catch (IOException e) {
        throw a.error("Failed to open " + p.fstab() + " due to " + e.getMessage());
      }
    }
    Path path = Path.of(p.name());
    Map<String, String> mounts = linuxMounts();
    return switch (p.state()) {
      case "absent", "absent_from_fstab" -> {
        Edit e = unset(a, p);
        if (!e.changed()) {
          yield Plan.inSync(data);
        }
        boolean umount = p.state().equals("absent");
        yield new Plan.Drift(Diff.text(p.fstab(), e.before(), e.after()), data, () -> {
          write(a, p, e.after());
          if (umount) {
            if (mounted(path, mounts, null)) {
              Commands.Result r = Commands.run(ctx, List.of("umount", p.name()));
              if (!r.ok()) {
                throw TaskException.asAnsible("Error unmounting " + p.name() + ": " + r.stdout() + r.stderr());
              }
            }
            try {
              if (Files.exists(path)) {
                if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                  throw new IOException("Not a directory: '" + p.name() + "'");
                }
                Files.delete(path);
              }
            } catch (IOException e2) {
              throw TaskException.asAnsible("Error rmdir " + p.name() + ": " + e2.getMessage());
            }
          }
          return Map.of();
        });
      }
      case "unmounted" -> mounted(path, mounts, null)
          ? new Plan.Drift(state(p.name(), "mounted", "unmounted"), data, () -> {
            Commands.Result r = Commands.run(ctx, List.of("umount", p.name()));
            if (!r.ok()) {
              throw TaskException.asAnsible("Error unmounting " + p.name() + ": " + r.stdout() + r.stderr());
            }
            return Map.of();
          })
          : Plan.inSync(data);
      case "present" -> {
        Edit e = set(a, p);
        yield e.changed() ? new Plan.Drift(Diff.text(p.fstab(), e.before(), e.after()), data,
            () -> Map.of("backup_file", write(a, p, e.after()))) : Plan.inSync(data);
      }
      case "remounted" -> new Plan.Drift(state(p.name(), "mounted", "remounted"), data, () -> {
        Commands.Result r = remount(ctx, p);
        if (!r.ok()) {
          throw TaskException.asAnsible("Error remounting " + p.name() + ": " + r.stdout() + r.stderr());
        }
        return Map.of();
      });
      default -> mountedPlan(a, p, ctx, path, mounts, data);
    };
  }

  /** {@code mounted} and {@code ephemeral}: the fstab line (not for ephemeral), then mount or remount. */
  private Plan mountedPlan(Args a, Params p, TaskContext ctx, Path path, Map<String, String> mounts,
      Map<String, Object> data) throws TaskException, InterruptedException {
    boolean ephemeral = p.state().equals("ephemeral");
    Edit e = ephemeral ? new Edit("", "", false) : set(a, p);
    boolean isMounted = mounted(path, mounts, p.src());
    List<Diff> diffs = new ArrayList<>();
    if (e.changed()) {
      diffs.add(Diff.text(p.fstab(), e.before(), e.after()));
    }
    boolean remount;
    if (isMounted) {
      if (ephemeral) {
        if (!sameSource(ctx, p, path, mounts)) {
          throw TaskException.asAnsible("Ephemeral mount point is already mounted with a different source than the "
              + "specified one. Failing in order to prevent an unwanted unmount or override operation. Try replacing "
              + "this command with a \"state: unmounted\" followed by a \"state: ephemeral\", or use a different "
              + "destination path.");
        }
        remount = true;
      } else {
        remount = e.changed();
      }
      if (!remount) {
        return Plan.inSync(data);
      }
      diffs.add(state(p.name(), "mounted", "remounted"));
    } else {
      remount = false;
      diffs.add(state(p.name(), "unmounted", "mounted"));
    }
    return new Plan.Drift(diffs, data, () -> {
      List<Path> created = mkdirs(path);
      String backup = e.changed() ? write(a, p, e.after()) : "";
      Commands.Result r = remount ? remount(ctx, p) : Commands.run(ctx, mountArgv(p, List.of("mount")));
      if (!r.ok()) {
        // The collection puts fstab back and removes the directories it made, so a broken line does not outlive the task.
        if (e.changed()) {
          write(a, new Params(p.state(), p.name(), p.src(), p.fstype(), p.opts(), p.dump(), p.passno(), p.fstab(),
              p.boot(), false, p.warnings()), e.before());
        }
        for (int i = created.size() - 1; i >= 0; i--) {
          try {
            Files.deleteIfExists(created.get(i));
          } catch (IOException ignored) {
            // As the collection: a directory that cannot go stays.
          }
        }
        throw TaskException.asAnsible("Error mounting " + p.name() + ": " + r.stdout() + r.stderr());
      }
      return Map.of("backup_file", backup);
    });
  }

  private static Params params(Args a) throws TaskException {
    String state = a.required("state");
    if (List.of("mounted", "present", "ephemeral").contains(state)) {
      List<String> missing = new ArrayList<>();
      for (String k : List.of("src", "fstype")) {
        if (!a.has(k)) {
          missing.add(k);
        }
      }
      if (!missing.isEmpty()) {
        throw TaskException.asAnsible("state is " + state + " but all of the following are missing: "
            + String.join(", ", missing));
      }
    }
    List<String> warnings = new ArrayList<>();
    String opts = a.str("opts", "defaults");
    String boot = "yes";
    List<String> split = new ArrayList<>(Arrays.asList(opts.split(",", -1)));
    if (split.contains("noauto")) {
      warnings.add("Ignore the 'boot' due to 'opts' contains 'noauto'.");
    } else if (!a.bool("boot", true)) {
      boot = "no";
      if (split.contains("defaults")) {
        warnings.add("Ignore the 'boot' due to 'opts' contains 'defaults'.");
      } else {
        split.add("noauto");
        opts = String.join(",", split);
      }
    }
    return new Params(state, a.required("path"), a.str("src").orElse(null), a.str("fstype").orElse(null), opts,
        a.str("dump", "0"), a.str("passno", "0"), a.str("fstab", ETC_FSTAB), boot, a.bool("backup", false), warnings);
  }

  /** The collection's _escape_fstab. */
  static String escape(String v) {
    return v.replace("\\", "\\134").replace(" ", "\\040").replace("&", "\\046");
  }

  /** The collection's _set_mount_save_old: the task's line in place of the first that names the path, or at the end. */
  private static Edit set(Args a, Params p) throws TaskException {
    String old = read(a, p);
    Map<String, String> want = p.escaped();
    StringBuilder out = new StringBuilder();
    boolean exists = false;
    boolean changed = false;
    for (String line : lines(old)) {
      if (!line.endsWith("\n")) {
        line += "\n";
      }
      String[] f = line.strip().isEmpty() ? new String[0] : line.strip().split("\\s+");
      if (f.length < 4 || f.length > 6 || f[0].startsWith("#") || !matches(f, want, p.src())) {
        out.append(line);
        continue;
      }
      exists = true;
      // A field the line leaves out is Python's int 0 there, never equal to the string the task gives.
      Map<String, String> ld = new HashMap<>(Map.of("src", f[0], "name", f[1], "fstype", f[2], "opts", f[3]));
      ld.put("dump", f.length > 4 ? f[4] : null);
      ld.put("passno", f.length > 5 ? f[5] : null);
      for (String k : CHECKED) {
        if (!Objects.equals(ld.get(k), want.get(k))) {
          ld.put(k, want.get(k));
          changed = true;
        }
      }
      out.append(changed ? line(ld) : line);
    }
    if (!exists) {
      out.append(line(want));
      changed = true;
    }
    return new Edit(old, out.toString(), changed);
  }

  /** The collection's unset_mount: every six-field line naming the path goes. */
  private static Edit unset(Args a, Params p) throws TaskException {
    String old = read(a, p);
    String name = escape(p.name());
    StringBuilder out = new StringBuilder();
    boolean changed = false;
    for (String line : lines(old)) {
      String[] f = line.strip().isEmpty() ? new String[0] : line.strip().split("\\s+");
      if (f.length != 6 || f[0].startsWith("#") || !matches(f, Map.of("name", name), p.src())) {
        out.append(line);
        continue;
      }
      changed = true;
    }
    return new Edit(old, out.toString(), changed);
  }

  /** The line names the path; for swap ({@code none}) the source must match too. */
  private static boolean matches(String[] f, Map<String, String> want, String src) {
    if (!f[1].equals(want.get("name"))) {
      return false;
    }
    return src == null || !(f[1].equals("none") && f[2].equals("swap") && !f[0].equals(src));
  }

  private static String line(Map<String, String> ld) {
    return ld.get("src") + " " + ld.get("name") + " " + ld.get("fstype") + " " + ld.get("opts") + " "
        + (ld.get("dump") == null ? "0" : ld.get("dump")) + " " + (ld.get("passno") == null ? "0" : ld.get("passno"))
        + "\n";
  }

  private static List<String> lines(String text) {
    return text.isEmpty() ? List.of() : Arrays.asList(text.split("(?<=\n)"));
  }

  private static String read(Args a, Params p) throws TaskException {
    try {
      return Files.readString(Path.of(p.fstab()), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw a.error("could not read " + p.fstab() + ": " + e.getMessage());
    }
  }

  /** write_fstab: the backup first when asked; returns its path or "". */
  private static String write(Args a, Params p, String text) throws TaskException {
    Path fstab = Path.of(p.fstab());
    try {
      String backup = p.backup() ? AtomicFiles.backup(fstab).toString() : "";
      AtomicFiles.write(fstab, text.getBytes(StandardCharsets.UTF_8));
      return backup;
    } catch (IOException e) {
      throw a.error("could not write " + p.fstab() + ": " + e.getMessage());
    }
  }

  private static Diff state(String path, String before, String after) {
    return Diff.attrs(path, Map.of("path", path, "state", before), Map.of("path", path, "state", after));
  }

  /** mount(8)'s arguments after {@code head}: {@code -T FSTAB} or, for ephemeral, the whole mount on the command line. */
  private static List<String> mountArgv(Params p, List<String> head) {
    List<String> argv = new ArrayList<>(head);
    if (!p.state().equals("ephemeral")) {
      if (!p.fstab().equals(ETC_FSTAB)) {
        argv.addAll(List.of("-T", p.fstab()));
      }
    } else {
      argv.addAll(List.of("-t", p.fstype()));
      if (!p.opts().equals("defaults")) {
        argv.addAll(List.of("-o", p.opts()));
      }
      argv.add(p.src());
    }
    argv.add(p.name());
    return argv;
  }

  /** The collection's remount: {@code mount -o remount[,OPTS]}, else umount and mount. */
  private static Commands.Result remount(TaskContext ctx, Params p) throws TaskException, InterruptedException {
    boolean withOpts = p.state().equals("remounted") && !p.opts().equals("defaults");
    Commands.Result r = Commands.run(ctx, mountArgv(p, List.of("mount", "-o",
        withOpts ? "remount," + p.opts() : "remount")));
    if (r.ok()) {
      return r;
    }
    if (withOpts) {
      throw TaskException.asAnsible("Options were specified with remounted, but the remount command failed. Failing "
          + "in order to prevent an unexpected mount result. Try replacing this command with a \"state: unmounted\" "
          + "followed by a \"state: mounted\" using the full desired mount options instead.");
    }
    r = Commands.run(ctx, List.of("umount", p.name()));
    return r.ok() ? Commands.run(ctx, mountArgv(p, List.of("mount"))) : r;
  }

  /** mkdir -p that remembers what it made, so a failed mount can take them away again. */
  private static List<Path> mkdirs(Path path) throws TaskException {
    List<Path> created = new ArrayList<>();
    Path cur = path.isAbsolute() ? path.getRoot() : Path.of("");
    try {
      for (Path part : path) {
        cur = cur.resolve(part);
        if (!Files.exists(cur)) {
          Files.createDirectory(cur);
          created.add(cur);
        }
      }
    } catch (IOException e) {
      throw TaskException.asAnsible("Error making dir " + path + ": " + e.getMessage());
    }
    return created;
  }

  /** ismount(path), or is_bind_mounted: the destination in mountinfo (with {@code src}, mounted from it). */
  private static boolean mounted(Path path, Map<String, String> mounts, String src) {
    if (isMountPoint(path)) {
      return true;
    }
    String dest = path.toString();
    return mounts.containsKey(dest) && (src == null || mounts.get(dest).equals(src));
  }

  /** The collection's ismount: a different device than its parent, or the same inode (the root). */
  static boolean isMountPoint(Path path) {
    try {
      if (Files.isSymbolicLink(path) || !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
      Path parent = path.resolve("..").toRealPath();
      Object dev1 = Files.getAttribute(path, "unix:dev", LinkOption.NOFOLLOW_LINKS);
      Object dev2 = Files.getAttribute(parent, "unix:dev", LinkOption.NOFOLLOW_LINKS);
      if (!dev1.equals(dev2)) {
        return true;
      }
      return Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS)
          .equals(Files.getAttribute(parent, "unix:ino", LinkOption.NOFOLLOW_LINKS));
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** _is_same_mount_src: a bind mount of {@code src}, or {@code mount -v} listing src on the path. */
  private static boolean sameSource(TaskContext ctx, Params p, Path path, Map<String, String> mounts)
      throws TaskException, InterruptedException {
    if (p.src().equals(mounts.get(path.toString()))) {
      return true;
    }
    Commands.Result r = Commands.run(ctx, List.of("mount", "-v"));
    if (r.stdout().isBlank()) {
      throw TaskException.asAnsible("Unable to retrieve mount info with command 'mount -v'");
    }
    for (String line : r.stdout().strip().split("\n")) {
      String[] f = line.split("\\s+");
      if (f.length > 2 && f[0].equals(p.src()) && f[2].equals(p.name())) {
        return true;
      }
    }
    return false;
  }

  /** get_linux_mounts: destination to source, a bind mount's source being the directory it shows. */
  private static Map<String, String> linuxMounts() {
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
    } catch (IOException e) {
      return Map.of();
    }
    record Info(int parent, String root, String dst, String src) {}
    Map<Integer, Info> byId = new LinkedHashMap<>();
    for (String line : lines) {
      String[] f = line.strip().split("\\s+");
      if (f.length < 7) {
        continue;
      }
      byId.put(Integer.parseInt(f[0]), new Info(Integer.parseInt(f[1]), f[3], f[4], f[f.length - 2]));
    }
    Map<String, String> out = new HashMap<>();
    for (Info m : byId.values()) {
      Info parent = byId.get(m.parent());
      String src = m.src();
      if (m.parent() != 1 && parent != null) {
        String root = m.root();
        if (parent.root().length() > 1 && root.startsWith(parent.root() + "/")) {
          root = root.substring(parent.root().length());
        }
        src = parent.dst().equals("/") ? root : parent.dst() + root;
      }
      out.put(m.dst(), src);
    }
    return out;
  }
}
