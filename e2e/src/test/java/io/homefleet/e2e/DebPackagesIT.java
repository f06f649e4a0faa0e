package io.homefleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian packages' whole cycle on this machine's own dpkg, for real: {@code dpkg -i} of the
 * built homefleet-agent and homefleet-controller, the installed controller and agent started as
 * their units start them (the agent enrolls), {@code dpkg -i} of a rebuilt higher version (the
 * identity and a changed conffile stay; the agent reconnects without a token), then
 * {@code dpkg --purge} (nothing the packages made is left). No systemd runs here, so the units'
 * ExecStart lines are run the way systemd would run them; lintian checks both packages.
 *
 * <p>It installs into the real root, so it refuses to start when a homefleet package, the
 * controller's user or the packages' directories are already there (it would upgrade and purge
 * what someone else installed), and removes all it installed in a {@code finally}.
 */
class DebPackagesIT {
  private static final Path TARGET = Fleet.ROOT.resolve("packaging/target");
  private static final List<String> PACKAGES = List.of("homefleet-agent", "homefleet-controller");
  private static final Path AGENT_STATE = Path.of("/var/lib/homefleet-agent");
  private static final Path DATA = Path.of("/var/lib/homefleet");
  private static final Path ETC = Path.of("/etc/homefleet");
  private static final Path AGENT_YAML = ETC.resolve("agent.yaml");
  private static final Duration DPKG_TIME = Duration.ofMinutes(3);
  /** The controller's JVM's perf data, which the test's /tmp gets and the unit's private one would. */
  private static final Path HSPERFDATA = Path.of("/tmp/hsperfdata_homefleet");

  /** Logs, the rebuilt packages and every command's output files (one per class: the helpers are static). */
  @TempDir
  static Path tmp;

  private final List<Process> processes = new ArrayList<>();

  @Test
  void install_upgrade_purge_keepsIdentityAndConfig_thenLeavesNothing() throws Exception {
    refuseToTouchAnInstallOfSomeoneElse();
    Path agentDeb = built("homefleet-agent");
    Path controllerDeb = built("homefleet-controller");
    String version = field(agentDeb, "Version");
    assertThat(field(controllerDeb, "Version")).isEqualTo(version);
    String newer = version + "+upgrade1";
    Path agentDeb2 = withVersion(agentDeb, newer);
    Path controllerDeb2 = withVersion(controllerDeb, newer);
    assertThat(run("dpkg", "--compare-versions", newer, "gt", version).exitCode()).isZero();
    try {
      // Install: files, user, directories, conffiles, enabled units.
      ok("dpkg", "-i", agentDeb.toString(), controllerDeb.toString());
      assertInstalled(version);
      Map<String, List<String>> owned = new LinkedHashMap<>();
      for (String p : PACKAGES) {
        owned.put(p, List.of(ok("dpkg-query", "-L", p).stdout().split("\n")));
      }

      // The installed controller and agent, started as their units start them: the agent enrolls.
      int port = Fleet.freePort();
      ok(asController("/usr/bin/homefleet", "ca", "init", "--data-dir", DATA.toString(),
          "--listen", "127.0.0.1:" + port, "--metrics-listen", "off"));
      startController(port);
      Fleet.Result token = ok(asController("/usr/bin/homefleet", "token", "create", "--host", "deb-test",
          "--role", "sandbox", "--ttl", "10m"));
      // The admin's change to a conffile, which both the upgrade and the agent must keep.
      String agentYaml = Files.readString(AGENT_YAML) + "controller: 127.0.0.1:" + port + "\n"
          + "host: deb-test\n"
          + "token: " + Fleet.field(token.stdout(), "token") + "\n"
          + "ca_fingerprint: \"" + Fleet.field(token.stdout(), "ca_fingerprint") + "\"\n"
          + "reconnect_max: 2s\n";
      Files.writeString(AGENT_YAML, agentYaml);
      Process agent = startAgent();
      awaitOnline("deb-test");
      stopAll();
      Map<Path, String> identity = digests(AGENT_STATE.resolve("identity.pem"), AGENT_STATE.resolve("ca.crt"),
          DATA.resolve("pki/ca.key"), DATA.resolve("pki/ca.crt"), DATA.resolve("pki/server.key"),
          DATA.resolve("controller.yaml"), DATA.resolve(".homefleet/operator.key"));
      String uid = passwd()[2];
      assertThat(agent.exitValue()).as("the agent's exit on SIGTERM").isIn(0, 143);

      // Upgrade: a higher version of both; identity, state and the changed conffile stay.
      ok("dpkg", "-i", agentDeb2.toString(), controllerDeb2.toString());
      assertInstalled(newer);
      assertThat(Files.readString(AGENT_YAML)).isEqualTo(agentYaml);
      assertThat(digests(identity.keySet().toArray(Path[]::new))).isEqualTo(identity);
      assertThat(passwd()[2]).as("the homefleet user's uid").isEqualTo(uid);
      try (Stream<Path> etc = Files.list(ETC)) {
        assertThat(etc.map(p -> p.getFileName().toString())).as("no .dpkg-dist/.dpkg-old beside the conffiles")
            .containsExactlyInAnyOrder("agent.yaml", "agent.env", "controller.env");
      }
      // The agent needs its identity now: its token was used up by the enrollment.
      startController(port);
      startAgent();
      awaitOnline("deb-test");
      assertThat(digests(AGENT_STATE.resolve("identity.pem"))).containsEntry(AGENT_STATE.resolve("identity.pem"),
          identity.get(AGENT_STATE.resolve("identity.pem")));
      stopAll();

      // Purge: nothing the packages made is left; the user stays (postrm says why).
      ok("dpkg", "--purge", "homefleet-agent", "homefleet-controller");
      for (String p : PACKAGES) {
        assertThat(status(p)).as("dpkg's record of %s", p).isEmpty();
        for (String path : owned.get(p)) {
          if (path.contains("homefleet")) {
            assertThat(Path.of(path)).as("%s's %s", p, path).doesNotExist();
          }
        }
      }
      assertThat(ETC).doesNotExist();
      assertThat(DATA).doesNotExist();
      assertThat(AGENT_STATE).doesNotExist();
      assertThat(named("homefleet", Path.of("/etc/systemd/system"),
          Path.of("/var/lib/systemd/deb-systemd-helper-enabled"), Path.of("/var/lib/systemd/deb-systemd-helper-masked")))
          .as("unit symlinks and deb-systemd-helper's state").isEmpty();
      assertThat(passwd()[2]).as("the homefleet user, kept").isEqualTo(uid);
      // Less the JVM's perf-data directory of the controller this test ran: systemd gives the unit a
      // private /tmp (PrivateTmp=yes), this test does not.
      assertThat(ownedBy(Integer.parseInt(uid), Path.of("/etc"), Path.of("/var"), Path.of("/run"), Path.of("/tmp")))
          .as("files of the homefleet user").isSubsetOf(HSPERFDATA.toString());
    } finally {
      stopAll();
      cleanUp();
    }
  }

  @Test
  void lintian_findsNoErrorOrWarning() throws Exception {
    Fleet.Result r = run(Duration.ofMinutes(3), "lintian", "--fail-on", "error,warning", "--no-tag-display-limit",
        built("homefleet-agent").toString(), built("homefleet-controller").toString());
    assertThat(r.exitCode()).as(r.all()).isZero();
  }

  private void assertInstalled(String version) throws Exception {
    for (String p : PACKAGES) {
      assertThat(status(p)).as("%s's status", p).isEqualTo("install ok installed " + version);
    }
    for (String bin : List.of("homefleet", "homefleet-agent", "homefleet-controller")) {
      assertMode(Path.of("/usr/bin", bin), "root", "root", "rwxr-xr-x");
    }
    // Every jar the build put beside each jar, lib/telemetry and Bouncy Castle's included.
    assertThat(tree(Path.of("/usr/share/homefleet/agent/lib"))).isEqualTo(tree(Fleet.ROOT.resolve("agent/target/lib")))
        .contains("telemetry", "bcprov-jdk18on-1.87.jar");
    assertThat(tree(Path.of("/usr/share/homefleet/controller/lib")))
        .isEqualTo(tree(Fleet.ROOT.resolve("controller/target/lib")));
    assertThat(Path.of("/usr/share/homefleet/agent/homefleet-agent.jar")).isRegularFile();
    assertThat(Path.of("/usr/share/homefleet/controller/homefleet-controller.jar")).isRegularFile();
    // The class-data archives postinst wrote for this JDK: -Xshare:on refuses to start with one
    // the JVM cannot use (another JDK build, other jar paths), where the launcher's auto would not.
    for (String jsa : List.of("agent/homefleet-agent.jsa", "agent/homefleet-play.jsa",
        "controller/homefleet-controller.jsa")) {
      assertThat(Path.of("/usr/share/homefleet", jsa)).isRegularFile();
    }
    assertThat(ok("env", "JAVA_OPTS=-Xshare:on", "/usr/bin/homefleet-agent", "--help").exitCode()).isZero();
    assertThat(ok("env", "JAVA_OPTS=-Xshare:on", "/usr/bin/homefleet", "--help").exitCode()).isZero();
    assertThat(ok("java", "-Xshare:on", "-XX:SharedArchiveFile=/usr/share/homefleet/agent/homefleet-play.jsa", "-cp",
        "/usr/share/homefleet/agent/homefleet-agent.jar", "-version").exitCode()).isZero();
    for (String unit : List.of("homefleet-agent.service", "homefleet-controller.service")) {
      Path file = Path.of("/lib/systemd/system", unit);
      assertMode(file, "root", "root", "rw-r--r--");
      Path wants = Path.of("/etc/systemd/system/multi-user.target.wants", unit);
      assertThat(Files.isSymbolicLink(wants)).as("%s enabled", unit).isTrue();
      assertThat(Files.readSymbolicLink(wants)).isEqualTo(file);
    }
    assertThat(ok("dpkg-query", "-W", "-f", "${Conffiles}", "homefleet-agent").stdout())
        .contains("/etc/homefleet/agent.yaml", "/etc/homefleet/agent.env");
    assertThat(ok("dpkg-query", "-W", "-f", "${Conffiles}", "homefleet-controller").stdout())
        .contains("/etc/homefleet/controller.env");
    assertMode(AGENT_YAML, "root", "root", "rw-------");
    assertMode(ETC.resolve("controller.env"), "root", "root", "rw-r--r--");
    assertMode(AGENT_STATE, "root", "root", "rwx------");
    assertMode(DATA, "homefleet", "homefleet", "rwx------");
    String[] user = passwd();
    assertThat(Integer.parseInt(user[2])).as("a system uid").isBetween(100, 999);
    assertThat(user[5]).isEqualTo(DATA.toString());
    assertThat(user[6]).isEqualTo("/usr/sbin/nologin");
    assertThat(ok("getent", "group", "homefleet").stdout()).startsWith("homefleet:");
  }

  /** The controller as its unit runs it: the unit's ExecStart, as the unit's User, with that user's HOME. */
  private void startController(int port) throws IOException {
    List<String> cmd = asUser(unitValue("homefleet-controller", "User"));
    cmd.addAll(List.of(unitValue("homefleet-controller", "ExecStart").split(" ")));
    Process p = start(cmd, tmp.resolve("controller.log"));
    Waits.until("the installed controller listening on " + port, Duration.ofSeconds(60), Duration.ofMillis(200), p,
        () -> {
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
          } catch (IOException e) {
            return false;
          }
        }, () -> Files.readString(tmp.resolve("controller.log")));
  }

  /** The agent as its unit runs it: the unit's ExecStart, as root. */
  private Process startAgent() throws IOException {
    return start(List.of(unitValue("homefleet-agent", "ExecStart").split(" ")), tmp.resolve("agent.log"));
  }

  private Process start(List<String> cmd, Path log) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    processes.add(p);
    return p;
  }

  private void awaitOnline(String host) {
    Fleet.Result[] last = {null};
    Waits.until(host + " online", Duration.ofSeconds(60), Duration.ofMillis(300), null, () -> {
      last[0] = run(asController("/usr/bin/homefleet", "hosts", "--json"));
      return last[0].exitCode() == 0 && last[0].stdout().matches("(?s).*\"name\" : \"" + host
          + "\",\\s*\"role\" : \"[^\"]*\",\\s*\"status\" : \"online\".*");
    }, () -> (last[0] == null ? "" : last[0].all()) + "\n--- agent\n" + read(tmp.resolve("agent.log"))
        + "\n--- controller\n" + read(tmp.resolve("controller.log")));
  }

  /** SIGTERM to everything started, as systemd's stop does. */
  private void stopAll() throws InterruptedException {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    }
    processes.clear();
  }

  /** A command run as the controller's user, with its home (where 'ca init' puts the operator's credentials). */
  private static List<String> asController(String... cmd) {
    List<String> all = asUser("homefleet");
    all.addAll(List.of(cmd));
    return all;
  }

  /**
   * The start of a command line that runs as {@code user} with its groups and {@code HOME}, as
   * systemd's {@code User=} does; setpriv and env exec what follows, so the process is the command's own.
   */
  private static List<String> asUser(String user) {
    String home = ok("getent", "passwd", user).stdout().trim().split(":")[5];
    return new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups",
        "env", "HOME=" + home));
  }

  private static String unitValue(String unit, String key) throws IOException {
    return Files.readAllLines(Path.of("/lib/systemd/system", unit + ".service")).stream()
        .filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1).trim()).findFirst()
        .orElseThrow(() -> new AssertionError(unit + ".service has no " + key + "="));
  }

  private void refuseToTouchAnInstallOfSomeoneElse() throws Exception {
    assertThat(ok("id", "-u").stdout().trim()).as("DebPackagesIT installs packages with dpkg: run it as root").isEqualTo("0");
    for (String p : PACKAGES) {
      assertThat(status(p)).as("%s is on this machine already and this test did not install it: it would "
          + "upgrade and purge it. Purge it first (dpkg --purge %s) or run the test on another machine", p, p)
          .isEmpty();
    }
    assertThat(run("getent", "passwd", "homefleet").exitCode())
        .as("a user 'homefleet' exists already (a purged homefleet-controller keeps it); this test checks that the "
            + "package creates it: remove it first (deluser --system homefleet)").isNotZero();
    assertThat(run("getent", "group", "homefleet").exitCode())
        .as("a group 'homefleet' exists already; this test checks that the package creates it: remove it first "
            + "(delgroup --system homefleet)").isNotZero();
    for (Path p : List.of(ETC, DATA, AGENT_STATE, HSPERFDATA)) {
      assertThat(p).as("%s exists already; this test would purge it: move it away first", p).doesNotExist();
    }
  }

  /** Purges what this test installed and the user the package created (the refusal above made sure of both). */
  private void cleanUp() throws Exception {
    List<String> installed = new ArrayList<>();
    for (String p : PACKAGES) {
      if (!status(p).isEmpty()) {
        installed.add(p);
      }
    }
    if (!installed.isEmpty()) {
      List<String> purge = new ArrayList<>(List.of("dpkg", "--purge"));
      purge.addAll(installed);
      run(purge);
    }
    if (run("getent", "passwd", "homefleet").exitCode() == 0) {
      run("deluser", "--system", "homefleet");
    }
    if (run("getent", "group", "homefleet").exitCode() == 0) {
      run("delgroup", "--system", "--only-if-empty", "homefleet");
    }
    for (Path p : List.of(ETC, DATA, AGENT_STATE, HSPERFDATA)) {
      run("rm", "-rf", p.toString());
    }
  }

  /** The package's dpkg status and version, or "" when dpkg has no record of it (or only "not-installed"). */
  private static String status(String pkg) {
    Fleet.Result r = run("dpkg-query", "-W", "-f", "${Status} ${Version}", pkg);
    String s = r.stdout().trim();
    return r.exitCode() != 0 || s.startsWith("unknown ok not-installed") ? "" : s;
  }

  static Path built(String pkg) throws IOException {
    List<Path> debs;
    try (Stream<Path> s = Files.list(TARGET)) {
      debs = s.filter(p -> p.getFileName().toString().startsWith(pkg + "_") && p.toString().endsWith("_all.deb"))
          .toList();
    } catch (java.nio.file.NoSuchFileException e) {
      debs = List.of();
    }
    assertThat(debs).as("one %s .deb in %s; build it: (cd %s && mvn -B -q -o package -DskipTests), after a version "
        + "change with 'clean'", pkg, TARGET, Fleet.ROOT).hasSize(1);
    return debs.get(0);
  }

  private static String field(Path deb, String name) {
    return ok("dpkg-deb", "-f", deb.toString(), name).stdout().trim();
  }

  /** The same package with another version: unpacked, the control file's Version rewritten, packed again. */
  private static Path withVersion(Path deb, String version) throws IOException {
    String pkg = field(deb, "Package");
    Path tree = tmp.resolve(pkg + "-tree");
    ok("dpkg-deb", "-R", deb.toString(), tree.toString());
    Path control = tree.resolve("DEBIAN/control");
    String text = Files.readString(control).replaceFirst("(?m)^Version: .*$", "Version: " + version);
    Files.writeString(control, text);
    Path out = tmp.resolve(pkg + "_" + version + "_all.deb");
    ok("dpkg-deb", "--root-owner-group", "-b", tree.toString(), out.toString());
    return out;
  }

  private static String[] passwd() {
    return ok("getent", "passwd", "homefleet").stdout().trim().split(":");
  }

  private static void assertMode(Path p, String owner, String group, String mode) throws IOException {
    PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    assertThat(a.owner().getName() + ":" + a.group().getName() + " " + PosixFilePermissions.toString(a.permissions()))
        .as("owner, group and mode of %s", p).isEqualTo(owner + ":" + group + " " + mode);
  }

  /** Every path under {@code dir}, relative to it. */
  private static TreeSet<String> tree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static Map<Path, String> digests(Path... files) throws IOException, NoSuchAlgorithmException {
    Map<Path, String> out = new LinkedHashMap<>();
    for (Path f : files) {
      out.put(f, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
    }
    return out;
  }

  /** Paths under {@code roots} whose name contains {@code part}. */
  private static List<Path> named(String part, Path... roots) throws IOException {
    List<Path> found = new ArrayList<>();
    for (Path root : roots) {
      if (Files.isDirectory(root)) {
        try (Stream<Path> s = Files.walk(root)) {
          s.filter(p -> p.getFileName().toString().contains(part)).forEach(found::add);
        }
      }
    }
    return found;
  }

  /** Paths under {@code roots} (one file system each, as find -xdev) owned by {@code uid}. */
  private static List<String> ownedBy(int uid, Path... roots) {
    List<String> cmd = new ArrayList<>(List.of("find"));
    for (Path r : roots) {
      cmd.add(r.toString());
    }
    cmd.addAll(List.of("-xdev", "-uid", Integer.toString(uid)));
    String out = run(cmd).stdout().trim();
    return out.isEmpty() ? List.of() : List.of(out.split("\n"));
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "(no " + p + ")";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Fleet.Result ok(String... cmd) {
    return ok(List.of(cmd));
  }

  private static Fleet.Result ok(List<String> cmd) {
    Fleet.Result r = run(cmd);
    assertThat(r.exitCode()).as("%s%n%s", String.join(" ", cmd), r.all()).isZero();
    return r;
  }

  private static Fleet.Result run(String... cmd) {
    return run(List.of(cmd));
  }

  private static Fleet.Result run(List<String> cmd) {
    return run(DPKG_TIME, cmd.toArray(String[]::new));
  }

  private static Fleet.Result run(Duration timeout, String... cmd) {
    try {
      return Fleet.runCommand(tmp, timeout, List.of(cmd));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
