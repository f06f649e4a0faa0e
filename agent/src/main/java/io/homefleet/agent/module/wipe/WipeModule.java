package io.homefleet.agent.module.wipe;

import io.homefleet.agent.config.ConfigException;
import io.homefleet.agent.config.EnrollFile;
import io.homefleet.agent.config.HostRole;
import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Commands;
import io.homefleet.agent.exec.Diff;
import io.homefleet.agent.exec.Plan;
import io.homefleet.agent.exec.StateModule;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.file.AtomicFiles;
import io.homefleet.agent.module.file.PosixAttrs;
import io.homefleet.pki.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * {@code wipe}: returns the host to the baseline recorded at bake time ({@link Baseline}). It
 * disables the units that were enabled, purges the packages that were added, removes the users
 * and groups that were added (with their homes), restores what changed in the recorded trees and
 * deletes what was added there, empties the data paths ({@code /home/*} back to /etc/skel,
 * {@code /srv}, {@code /var/lib/docker}, {@code /tmp}) and, when asked, makes a new machine-id and
 * new SSH host keys. The agent's identity survives (its state dir and /etc/homefleet are never
 * touched) unless {@code reenroll} asks for a new one.
 *
 * <p>Guard rail: it runs only on a host whose role, as the controller assigned it at enrollment
 * (recorded in the state dir on every connect), is in {@code allowed_roles} (default
 * {@code sandbox}); anywhere else it fails before looking at anything. Check mode lists every
 * package, user, group, unit and path it would remove or restore, in the result and the diff.
 */
public final class WipeModule implements StateModule {
  static final List<String> DATA_PATHS = List.of("/home/*", "/srv", "/var/lib/docker", "/tmp");
  /**
   * Per-host files a clone makes its own at first boot (cloud-init, systemd): a wipe leaves them,
   * or the host would lose its name, its address resolution or its identity.
   */
  static final List<String> PER_HOST = List.of("/etc/homefleet", "/etc/machine-id", "/etc/ssh/ssh_host_*",
      "/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/var/lib/dbus/machine-id");
  /** A schedule fires at about the same time each day: an hour's slack keeps "every 7 days" from slipping a day. */
  static final Duration SCHEDULE_SLACK = Duration.ofHours(1);
  static final String STAMP = "wipe.last";

  private final Path root;
  private final Path stateDir;
  private final Clock clock;

  /** The module of an agent whose state dir is {@code stateDir}, on this machine's root. */
  public WipeModule(Path stateDir) {
    this(Path.of("/"), stateDir, Clock.systemUTC());
  }

  WipeModule(Path root, Path stateDir, Clock clock) {
    this.root = root;
    this.stateDir = stateDir;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "wipe";
  }

  /** The baseline directory of an agent's state dir. */
  public static Path baselineDir(Path stateDir) {
    return stateDir.resolve("baseline");
  }

  @Override
  public Plan plan(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), raw);
    List<String> allowed = a.has("allowed_roles") ? a.list("allowed_roles") : List.of("sandbox");
    Optional<String> role;
    try {
      role = HostRole.read(stateDir);
    } catch (IOException e) {
      throw a.error("cannot read this host's role from " + HostRole.file(stateDir) + ": " + e.getMessage());
    }
    if (role.isEmpty()) {
      throw a.error("this host's role is not known (" + HostRole.file(stateDir) + " is missing; the agent writes it"
          + " when it connects to the controller): nothing was wiped");
    }
    if (!allowed.contains(role.get())) {
      throw a.error("this host's role is '" + role.get() + "', and only hosts of role " + String.join(", ", allowed)
          + " may be wiped (allowed_roles): nothing was wiped. Wipe only sandbox-like hosts; to allow this role, say"
          + " so in the task (allowed_roles: [" + role.get() + "])");
    }
    Path manifest = a.str("baseline").map(Path::of).orElse(Baseline.manifest(baselineDir(stateDir)));
    Baseline b;
    try {
      b = Baseline.read(manifest);
    } catch (IOException e) {
      throw a.error(e.getMessage());
    }
    Path objects = manifest.toAbsolutePath().getParent().resolve("objects");
    List<String> dataPaths = a.has("data_paths") ? a.list("data_paths") : DATA_PATHS;
    for (String p : dataPaths) {
      if (!p.startsWith("/") || p.equals("/") || p.equals("/*") || p.contains("..")) {
        throw a.error("data_paths: '" + p + "' must be an absolute directory other than / (DIR, or DIR/* for homes)");
      }
    }
    boolean machineId = a.bool("regenerate_machine_id", false);
    boolean hostKeys = a.bool("regenerate_host_keys", false);
    boolean reenroll = a.bool("reenroll", false);
    long everyDays = a.integer("every_days").orElse(0L);
    if (everyDays < 0) {
      throw a.error("every_days: " + everyDays + " must be 0 (wipe whenever run) or more");
    }
    Path enrollFile = Baseline.resolve(root, a.str("enroll_file", "/etc/homefleet/enroll.yaml"));
    if (reenroll) {
      requireToken(a, enrollFile);
    }

    Map<String, Object> data = new LinkedHashMap<>();
    data.put("role", role.get());
    data.put("baseline", manifest.toString());
    data.put("baseline_recorded_at", b.recordedAt());
    Optional<Instant> last = lastWipe();
    last.ifPresent(t -> data.put("last_wipe", t.toString()));
    if (everyDays > 0 && last.isPresent()) {
      Instant due = last.get().plus(Duration.ofDays(everyDays)).minus(SCHEDULE_SLACK);
      if (clock.instant().isBefore(due)) {
        data.put("msg", "last wiped at " + last.get() + "; every_days=" + everyDays + ": the next wipe is due after "
            + due);
        return Plan.inSync(data);
      }
    }

    List<String> keepList = new ArrayList<>(PER_HOST);
    keepList.add(stateDir.toAbsolutePath().toString());
    keepList.add(manifest.toAbsolutePath().getParent().toString());
    keepList.add(ctx.workDir().toAbsolutePath().toString());
    ctx.bundleDir().ifPresent(d -> keepList.add(d.toAbsolutePath().toString()));
    for (String p : a.list("exclude")) {
      if (!p.startsWith("/")) {
        throw a.error("exclude: '" + p + "' must be an absolute path or glob, e.g. /etc/ssh/sshd_config");
      }
      keepList.add(p);
    }
    // A work dir of "/" would keep everything: only real subdirectories are kept.
    Changes.Keep keep = Changes.Keep.of(keepList.stream().map(p -> inRoot(p)).filter(p -> !p.equals("/")).toList());
    Changes c;
    try {
      c = Changes.of(b, root, dataPaths, keep);
    } catch (IOException | java.nio.file.InvalidPathException e) {
      throw a.error("cannot compare this host with its baseline: " + e.getMessage() + encodingHint());
    }
    if (c.packagesAdded().contains("homefleet-agent")) {
      throw a.error("the baseline " + manifest + " has no homefleet-agent package: it was recorded before the agent was"
          + " installed, and a wipe would remove the agent. Record it again after installing the agent");
    }
    putLists(data, c);
    data.put("packages_changed", c.packagesChanged());
    data.put("packages_missing", List.copyOf(c.packagesMissing()));
    if (machineId) {
      data.put("machine_id", "regenerated");
    }
    if (hostKeys) {
      data.put("host_keys", "regenerated");
    }
    if (reenroll) {
      data.put("reenroll", "the agent enrolls again with the token in " + enrollFile + " when it restarts");
    }
    if (c.none() && !machineId && !hostKeys && !reenroll) {
      data.put("msg", "the host is its baseline");
      return Plan.inSync(data);
    }
    data.put("msg", summary(c));
    List<Diff> diffs = diffs(c, b, objects);
    return new Plan.Drift(diffs, data, () -> apply(a, ctx, c, b, objects, dataPaths, keep, machineId, hostKeys,
        reenroll));
  }

  private void requireToken(Args a, Path enrollFile) throws TaskException {
    try {
      if (EnrollFile.read(enrollFile).token().isEmpty()) {
        throw a.error("reenroll: true needs a token in " + enrollFile + " (token: ...), minted with 'homefleet token"
            + " create --host HOST --role ROLE': without one the host could not come back. Nothing was wiped");
      }
    } catch (ConfigException e) {
      throw a.error("reenroll: true needs an enroll file with a token: " + e.getMessage() + ". Nothing was wiped");
    }
  }

  /** The last wipe's time from the state dir, if one is recorded. */
  private Optional<Instant> lastWipe() {
    Path f = stateDir.resolve(STAMP);
    try {
      return Files.isRegularFile(f) ? Optional.of(Instant.parse(Files.readString(f).strip())) : Optional.empty();
    } catch (IOException | java.time.format.DateTimeParseException e) {
      // An unreadable stamp counts as no wipe yet: the wipe runs and writes a good one.
      return Optional.empty();
    }
  }

  /** A path of the image as a path under this module's root ({@code /etc} stays {@code /etc} on a real host). */
  private String inRoot(String p) {
    Path abs = Path.of(p).toAbsolutePath();
    if (root.equals(Path.of("/"))) {
      return abs.toString();
    }
    // Agent paths (the state dir, a work dir) are real paths: under a test's root they map back to image paths.
    return abs.startsWith(root) ? Baseline.absolute(root, abs) : abs.toString();
  }

  private static void putLists(Map<String, Object> data, Changes c) {
    data.put("packages_purged", List.copyOf(c.packagesAdded()));
    data.put("services_disabled", List.copyOf(c.servicesAdded()));
    data.put("users_removed", List.copyOf(c.usersAdded()));
    data.put("groups_removed", List.copyOf(c.groupsAdded()));
    data.put("files_removed", List.copyOf(c.filesAdded()));
    data.put("files_restored", List.copyOf(c.filesChanged().keySet()));
    data.put("files_recreated", List.copyOf(c.filesMissing()));
    data.put("data_removed", List.copyOf(c.dataRemoved()));
    data.put("homes_reset", List.copyOf(c.homesReset()));
  }

  private static String summary(Changes c) {
    return "wipe: " + c.packagesAdded().size() + " package(s) purged, " + c.servicesAdded().size()
        + " unit(s) disabled, " + c.usersAdded().size() + " user(s) and " + c.groupsAdded().size()
        + " group(s) removed, " + (c.filesAdded().size() + c.filesChanged().size() + c.filesMissing().size())
        + " path(s) of the baseline trees put back, " + c.dataRemoved().size() + " data path(s) emptied, "
        + c.homesReset().size() + " home(s) reset";
  }

  /** One before/after per kind of change, and a content diff for each changed text file. */
  private List<Diff> diffs(Changes c, Baseline b, Path objects) {
    List<Diff> out = new ArrayList<>();
    list(out, "packages (installed)", c.packagesAdded());
    list(out, "enabled units (/etc/systemd/system)", c.servicesAdded());
    list(out, "users", c.usersAdded());
    list(out, "groups", c.groupsAdded());
    list(out, "paths added to the baseline trees", c.filesAdded());
    list(out, "data paths", c.dataRemoved());
    if (!c.filesMissing().isEmpty()) {
      out.add(Diff.attrs("paths of the baseline that are gone", Map.of("missing", List.copyOf(c.filesMissing())),
          Map.of("missing", List.of())));
    }
    if (!c.homesReset().isEmpty()) {
      out.add(Diff.attrs("homes", Map.of("homes", List.copyOf(c.homesReset())), Map.of("homes", "/etc/skel's")));
    }
    for (Map.Entry<String, String> e : c.filesChanged().entrySet()) {
      Baseline.Entry was = b.files().get(e.getKey());
      Path now = Baseline.resolve(root, e.getKey());
      try {
        if ("file".equals(was.type()) && Files.isRegularFile(now, LinkOption.NOFOLLOW_LINKS)
            && !AtomicFiles.digest(now, "sha256").equals(was.sha256())) {
          out.add(Diff.text(e.getKey(), AtomicFiles.diffText(Files.readAllBytes(now)),
              AtomicFiles.diffText(Baseline.content(objects, was.sha256()))));
          continue;
        }
      } catch (IOException ex) {
        // Shown as attributes below; the apply reports an unreadable baseline content itself.
      }
      String[] beforeAfter = e.getValue().split(" -> ", 2);
      out.add(Diff.attrs(e.getKey(), Map.of("path", e.getKey(), "state", beforeAfter.length > 1 ? beforeAfter[1] : ""),
          Map.of("path", e.getKey(), "state", beforeAfter[0])));
    }
    return out;
  }

  private static void list(List<Diff> out, String header, SortedSet<String> items) {
    if (!items.isEmpty()) {
      out.add(Diff.attrs(header, Map.of("present", List.copyOf(items)), Map.of("present", List.of())));
    }
  }

  private Map<String, Object> apply(Args a, TaskContext ctx, Changes c, Baseline b, Path objects,
      List<String> dataPaths, Changes.Keep keep, boolean machineId, boolean hostKeys, boolean reenroll)
      throws TaskException, InterruptedException {
    Map<String, Object> learnt = new LinkedHashMap<>();
    boolean live = root.equals(Path.of("/"));
    // Units first, while their unit files are still there to disable.
    for (String link : c.servicesAdded()) {
      String unit = link.substring(link.indexOf('/') + 1);
      List<String> argv = live && Files.isDirectory(Path.of("/run/systemd/system"))
          ? List.of("systemctl", "disable", "--now", unit) : List.of("systemctl", "--root=" + root, "disable", unit);
      try {
        Commands.Result r = Commands.run(ctx, argv);
        if (!r.ok()) {
          ctx.log().info("wipe: {}; removing its link instead", r.describe());
        }
      } catch (TaskException e) {
        // No systemctl (a root without systemd): the link below is all "enabled" means there.
        ctx.log().info("wipe: {}; removing its link instead", e.getMessage());
      }
      try {
        Files.deleteIfExists(Baseline.resolve(root, "/etc/systemd/system/" + link));
      } catch (IOException e) {
        throw a.error("cannot remove " + link + " from /etc/systemd/system: " + e.getMessage());
      }
    }
    if (!c.packagesAdded().isEmpty()) {
      if (!live) {
        throw a.error("packages can only be purged on the agent's own root");
      }
      List<String> argv = new ArrayList<>(List.of("apt-get", "purge", "-y", "-q"));
      // Every package that came after the baseline is listed, dependencies too: nothing is left for
      // autoremove, and autoremove would also take what the baseline itself had marked automatic.
      argv.addAll(c.packagesAdded());
      Commands.Result r = Commands.run(ctx, argv, Map.of("DEBIAN_FRONTEND", "noninteractive"), null);
      if (!r.ok()) {
        throw a.error("purging the added packages failed: " + r.describe());
      }
    }
    for (String user : c.usersAdded()) {
      List<String> argv = new ArrayList<>(List.of("userdel", "-r"));
      if (!live) {
        argv.addAll(List.of("-R", root.toString()));
      }
      argv.add(user);
      Commands.Result r = Commands.run(ctx, argv);
      // 12: the home was not there to remove; the user is gone all the same.
      if (!r.ok() && r.rc() != 12) {
        throw a.error("removing user " + user + " failed: " + r.describe());
      }
    }
    try {
      for (String group : c.groupsAdded()) {
        if (Baseline.accounts(root, "etc/group").containsKey(group)) {
          List<String> argv = new ArrayList<>(List.of("groupdel"));
          if (!live) {
            argv.addAll(List.of("-R", root.toString()));
          }
          argv.add(group);
          Commands.Result r = Commands.run(ctx, argv);
          if (!r.ok()) {
            throw a.error("removing group " + group + " failed: " + r.describe());
          }
        }
      }
      // Purging and userdel changed the trees again (conffiles, ld.so.cache, passwd): compare anew, put back all.
      Changes after = Changes.of(b, root, List.of(), keep);
      restoreTrees(after, b, objects);
      List<String> also = new ArrayList<>();
      also.addAll(after.filesAdded());
      also.addAll(after.filesChanged().keySet());
      also.addAll(after.filesMissing());
      also.removeAll(c.filesAdded());
      also.removeAll(c.filesChanged().keySet());
      also.removeAll(c.filesMissing());
      if (!also.isEmpty()) {
        learnt.put("files_also_restored", also);
      }
      Changes data = Changes.of(b, root, dataPaths, keep);
      for (String p : data.dataRemoved()) {
        delete(Baseline.resolve(root, p));
      }
      Map<String, String> homes = Changes.homes(root, b);
      for (String home : data.homesReset()) {
        resetHome(home, homes);
      }
      if (machineId) {
        newMachineId();
      }
      if (hostKeys) {
        learnt.put("host_keys", newHostKeys(ctx, a));
      }
      if (reenroll) {
        Files.deleteIfExists(stateDir.resolve("identity.pem"));
        Files.deleteIfExists(stateDir.resolve("ca.crt"));
        if (live && Files.isDirectory(Path.of("/run/systemd/system"))) {
          Commands.run(ctx, List.of("systemctl", "--no-block", "restart", "homefleet-agent.service"));
          learnt.put("reenroll", "the agent restarts and enrolls again with the token in its enroll file");
        } else {
          learnt.put("reenroll", "identity removed: the agent enrolls again when it is next started");
        }
      }
      Files.createDirectories(stateDir);
      SecureFiles.writePrivate(stateDir.resolve(STAMP), clock.instant().toString() + "\n");
    } catch (IOException | java.nio.file.InvalidPathException e) {
      throw a.error("wipe stopped part-way: " + e.getMessage() + encodingHint() + "; run it again to finish (it picks"
          + " up from the host as it is)");
    }
    return learnt;
  }

  /** Why a file name could not be read: the JVM decodes names in the locale's charset. */
  static String encodingHint() {
    String jnu = System.getProperty("sun.jnu.encoding", "");
    return jnu.equalsIgnoreCase("UTF-8") ? "" : " (this JVM reads file names as " + jnu + ", not UTF-8: start the"
        + " agent with LC_CTYPE=C.UTF-8, as /usr/bin/homefleet-agent does when no UTF-8 locale is set)";
  }

  /** Deletes what was added, then puts back the missing and changed paths, parents before children. */
  private void restoreTrees(Changes c, Baseline b, Path objects) throws IOException {
    for (String p : c.filesAdded()) {
      delete(Baseline.resolve(root, p));
    }
    TreeMap<String, Baseline.Entry> todo = new TreeMap<>();
    for (String p : c.filesChanged().keySet()) {
      todo.put(p, b.files().get(p));
    }
    for (String p : c.filesMissing()) {
      // A missing directory comes back with everything the baseline had under it.
      b.files().subMap(p, p + Character.MAX_VALUE).forEach((k, v) -> {
        if (k.equals(p) || k.startsWith(p + "/")) {
          todo.put(k, v);
        }
      });
    }
    for (Map.Entry<String, Baseline.Entry> e : todo.entrySet()) {
      restore(Baseline.resolve(root, e.getKey()), e.getValue(), objects);
    }
    // Directory modes last: a restored read-only directory would refuse its own children.
    for (Map.Entry<String, Baseline.Entry> e : todo.descendingMap().entrySet()) {
      if (e.getValue().type().equals("dir")) {
        Path d = Baseline.resolve(root, e.getKey());
        PosixAttrs.chown(d, e.getValue().uid(), e.getValue().gid());
        PosixAttrs.setMode(d, e.getValue().mode());
      }
    }
  }

  private void restore(Path p, Baseline.Entry want, Path objects) throws IOException {
    boolean exists = Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    PosixAttrs have = exists ? PosixAttrs.read(p, false) : null;
    switch (want.type()) {
      case "dir" -> {
        if (exists && !have.isDir()) {
          delete(p);
        }
        Files.createDirectories(p);
      }
      case "link" -> {
        if (exists) {
          delete(p);
        }
        Files.createSymbolicLink(p, Path.of(want.target()));
        PosixAttrs.chown(p, want.uid(), want.gid());
      }
      case "file" -> {
        if (exists && !have.isRegular()) {
          delete(p);
        }
        AtomicFiles.write(p, Baseline.content(objects, want.sha256()));
        PosixAttrs.chown(p, want.uid(), want.gid());
        PosixAttrs.setMode(p, want.mode());
      }
      default -> {
        // Devices and fifos are not recreated; their owner and mode are.
        if (exists) {
          PosixAttrs.chown(p, want.uid(), want.gid());
          PosixAttrs.setMode(p, want.mode());
        }
      }
    }
  }

  /** Empties a baseline user's home and fills it from /etc/skel, owned by the user. */
  private void resetHome(String home, Map<String, String> homes) throws IOException {
    Path dir = Baseline.resolve(root, home);
    String user = homes.entrySet().stream().filter(e -> e.getValue().equals(home)).map(Map.Entry::getKey).findFirst()
        .orElseThrow();
    int uid = -1;
    int gid = -1;
    for (String line : Files.readAllLines(root.resolve("etc/passwd"), StandardCharsets.UTF_8)) {
      String[] f = line.split(":", -1);
      if (f.length >= 4 && f[0].equals(user)) {
        uid = Integer.parseInt(f[2]);
        gid = Integer.parseInt(f[3]);
      }
    }
    try (var children = Files.list(dir)) {
      for (Path c : children.toList()) {
        delete(c);
      }
    }
    Path skel = root.resolve("etc/skel");
    if (!Files.isDirectory(skel)) {
      return;
    }
    int fu = uid;
    int fg = gid;
    Files.walkFileTree(skel, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
        Path to = dir.resolve(skel.relativize(d).toString());
        if (!d.equals(skel)) {
          Files.copy(d, to, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
          PosixAttrs.chown(to, fu, fg);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
        Path to = dir.resolve(skel.relativize(f).toString());
        Files.copy(f, to, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        PosixAttrs.chown(to, fu, fg);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private void newMachineId() throws IOException {
    byte[] id = new byte[16];
    new java.security.SecureRandom().nextBytes(id);
    Path f = root.resolve("etc/machine-id");
    AtomicFiles.write(f, (HexFormat.of().formatHex(id) + "\n").getBytes(StandardCharsets.US_ASCII));
    PosixAttrs.setMode(f, 0444);
    // D-Bus's own copy would keep the old id; Debian links it to /etc/machine-id.
    Path dbus = root.resolve("var/lib/dbus/machine-id");
    if (Files.isRegularFile(dbus, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(dbus);
    }
  }

  private String newHostKeys(TaskContext ctx, Args a) throws IOException, TaskException, InterruptedException {
    Path ssh = root.resolve("etc/ssh");
    if (Files.isDirectory(ssh)) {
      try (var keys = Files.list(ssh)) {
        for (Path k : keys.filter(k -> k.getFileName().toString().startsWith("ssh_host_")).toList()) {
          Files.delete(k);
        }
      }
    }
    if (!Files.isExecutable(root.resolve("usr/bin/ssh-keygen"))) {
      return "removed; ssh-keygen is not installed, so none were made (sshd is not installed either)";
    }
    Files.createDirectories(ssh);
    List<String> argv = root.equals(Path.of("/")) ? List.of("ssh-keygen", "-A")
        : List.of("ssh-keygen", "-A", "-f", root.toString());
    Commands.Result r = Commands.run(ctx, argv);
    if (!r.ok()) {
      throw a.error("making new SSH host keys failed: " + r.describe());
    }
    return "regenerated (ssh-keygen -A)";
  }

  /** Removes a path; a directory with everything under it, links never followed. */
  private static void delete(Path p) throws IOException {
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      SecureFiles.deleteTree(p);
    } else {
      Files.deleteIfExists(p);
    }
  }
}
