package io.homefleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.homefleet.e2e.netns.CommandResult;
import io.homefleet.e2e.netns.DebianRoot;
import io.homefleet.e2e.netns.Phases;
import io.homefleet.e2e.netns.TestController;
import io.homefleet.e2e.netns.TestHost;
import io.homefleet.e2e.netns.TestHosts;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18's wipe, for real, in the debootstrap Debian 12 root of {@link BakeIT} (the same cached
 * root): provision.sh bakes it (and records the baseline); the test then installs two packages of
 * its own (one with a conffile and an enabled unit), adds a user, and adds, changes and removes
 * files in /etc, /srv, /home and /tmp. Through a real controller, the sandbox role's play in check
 * mode lists exactly those changes (the test's own before/after comparison of the root is the
 * oracle) and refuses a second, prod-role host in the same play; the play for real puts the root
 * back to the baseline (packages, users, groups, /etc), empties the data paths and gives the host a
 * new machine-id; a second check is in sync. An ad-hoc wipe without --confirm-wipe is refused.
 */
class WipeIT {
  private static final String SANDBOX = "sandbox-1";
  private static final String PROD = "prod-1";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** What the wipe keeps in /etc by default (WipeModule.PER_HOST): the oracle leaves them out too. */
  private static final List<String> PER_HOST = List.of("/etc/homefleet", "/etc/machine-id", "/etc/ssh/ssh_host_*",
      "/etc/hostname", "/etc/hosts", "/etc/resolv.conf");

  @Test
  void sandbox_checkListsExactlyTheChanges_wipeRestoresTheBaseline_prodRefuses(@TempDir Path tmp) throws Exception {
    Phases phases = new Phases("WipeIT");
    Path deb = DebPackagesIT.built("homefleet-agent");
    try (DebianRoot root = DebianRoot.copy(tmp.resolve("image"))) {
      phases.done("Debian 12 root (cache, or debootstrap + Java)");
      CommandResult provision = root.provision(Fleet.ROOT.resolve("packer/scripts"), "dev", deb);
      assertThat(provision.exitCode()).as(provision.all()).isZero();
      assertThat(provision.stdout()).contains("baseline: ");
      phases.done("provision.sh (the bake, with the baseline)");

      // The clean image, as the test sees it.
      String packagesBefore = packages(root);
      String passwdBefore = Files.readString(root.file("/etc/passwd"));
      String groupBefore = Files.readString(root.file("/etc/group"));
      SortedMap<String, String> etcBefore = snapshot(root);

      // What a sandbox's user does to it.
      Path debs = Files.createDirectories(tmp.resolve("debs"));
      Path lib = probeDeb(debs, "wipe-probe-lib", "", Map.of("usr/share/wipe-probe-lib/README", "lib\n"));
      Path probe = probeDeb(debs, "wipe-probe", "Depends: wipe-probe-lib\n", Map.of(
          "etc/wipe-probe.conf", "probe=1\n",
          "usr/bin/wipe-probe", "#!/bin/sh\necho probe\n",
          "usr/lib/systemd/system/wipe-probe.service",
          "[Unit]\nDescription=wipe probe\n[Service]\nExecStart=/usr/bin/wipe-probe\n[Install]\nWantedBy=multi-user.target\n"));
      Files.copy(lib, root.file("/tmp/wipe-probe-lib.deb"));
      Files.copy(probe, root.file("/tmp/wipe-probe.deb"));
      for (String[] cmd : List.of(new String[] {"dpkg", "-i", "/tmp/wipe-probe-lib.deb", "/tmp/wipe-probe.deb"},
          new String[] {"systemctl", "enable", "wipe-probe.service"}, new String[] {"useradd", "-m", "wipetest"})) {
        CommandResult r = root.run(Duration.ofMinutes(2), cmd);
        assertThat(r.exitCode()).as(String.join(" ", cmd) + ": " + r.all()).isZero();
      }
      Files.writeString(root.file("/etc/wipe-added.conf"), "added\n");
      Files.createDirectories(root.file("/etc/wipe-added.d"));
      Files.writeString(root.file("/etc/wipe-added.d/one.conf"), "1\n");
      Files.writeString(root.file("/etc/issue"), "changed by a user\n");
      Files.delete(root.file("/etc/issue.net"));
      Files.createDirectories(root.file("/srv/app"));
      Files.writeString(root.file("/srv/app/data.db"), "rows\n");
      Files.writeString(root.file("/home/wipetest/notes.txt"), "mine\n");
      Files.writeString(root.file("/tmp/scratch"), "s\n");
      phases.done("the sandbox used: 2 packages, a unit, a user, /etc, /srv, /home, /tmp");

      try (TestHosts net = TestHosts.create(tmp.resolve("net"), SANDBOX, PROD);
          TestController controller = TestController.start(net, tmp.resolve("controller"))) {
        boot(root, controller, net.host(SANDBOX), "sandbox", "/etc/homefleet", "homefleet-agent", tmp);
        // A second agent in the same root with a prod token: the role, not the image, decides.
        boot(root, controller, net.host(PROD), "prod", "/opt/prod-agent", null, tmp);
        controller.awaitStatus(Duration.ofSeconds(120), "online", SANDBOX, PROD);
        assertThat(root.file("/var/lib/homefleet-agent/role")).hasContent("sandbox");
        phases.done("both agents enrolled (sandbox, prod)");

        // An ad-hoc wipe must name its target twice.
        CommandResult adhoc = controller.cli("run", SANDBOX, "-m", "wipe");
        assertThat(adhoc.exitCode()).as(adhoc.all()).isEqualTo(1);
        assertThat(adhoc.stderr()).contains("--confirm-wipe " + SANDBOX);
        assertThat(root.file("/srv/app/data.db")).exists();
        // In check mode it needs none, and lists the same changes.
        CommandResult adhocCheck = controller.cli("run", SANDBOX, "-m", "wipe", "-C");
        assertThat(adhocCheck.exitCode()).as(adhocCheck.all()).isZero();
        assertThat(adhocCheck.stdout()).contains(SANDBOX + " | CHANGED");
        assertThat(root.file("/srv/app/data.db")).exists();

        Path play = Files.createDirectories(tmp.resolve("play"));
        copyTree(Fleet.ROOT.resolve("playbooks/roles/sandbox"), play.resolve("roles/sandbox"));
        Files.writeString(play.resolve("wipe.yml"), "- hosts: all\n  gather_facts: false\n"
            + "  vars:\n    sandbox_wipe_regenerate_machine_id: true\n  roles:\n    - sandbox\n");
        // every_days 0: compare now, though the last wipe is minutes old.
        Files.writeString(play.resolve("verify.yml"), "- hosts: " + SANDBOX + "\n  gather_facts: false\n"
            + "  vars:\n    sandbox_wipe_every_days: 0\n  roles:\n    - sandbox\n");
        Path inv = Files.writeString(tmp.resolve("hosts.yml"), "all:\n  hosts:\n    " + SANDBOX + ":\n    " + PROD
            + ":\n");

        // Check mode: exactly what the test changed, as its own comparison of the root finds it.
        SortedMap<String, String> etcNow = snapshot(root);
        CommandResult check = controller.cli("play", play.resolve("wipe.yml").toString(), "-i", inv.toString(),
            "--check", "--diff", "--json");
        assertThat(check.exitCode()).as(check.all() + controller.logs()).isEqualTo(2);
        JsonNode sandbox = wipeResult(check.stdout(), SANDBOX);
        assertThat(sandbox.path("changed").asBoolean()).as(sandbox.toString()).isTrue();
        assertThat(strings(sandbox, "packages_purged")).containsExactly("wipe-probe", "wipe-probe-lib");
        assertThat(strings(sandbox, "users_removed")).containsExactly("wipetest");
        assertThat(strings(sandbox, "groups_removed")).containsExactly("wipetest");
        assertThat(strings(sandbox, "services_disabled")).containsExactly("multi-user.target.wants/wipe-probe.service");
        assertThat(strings(sandbox, "files_removed")).isEqualTo(List.copyOf(topMost(added(etcBefore, etcNow))));
        assertThat(strings(sandbox, "files_removed")).contains("/etc/wipe-added.conf", "/etc/wipe-added.d",
            "/etc/wipe-probe.conf", "/etc/systemd/system/multi-user.target.wants/wipe-probe.service");
        assertThat(strings(sandbox, "files_restored")).isEqualTo(List.copyOf(changed(etcBefore, etcNow)));
        assertThat(strings(sandbox, "files_restored")).contains("/etc/issue", "/etc/passwd", "/etc/group");
        assertThat(strings(sandbox, "files_recreated")).isEqualTo(List.copyOf(topMost(added(etcNow, etcBefore))))
            .containsExactly("/etc/issue.net");
        assertThat(strings(sandbox, "data_removed")).isEqualTo(entries(root, "/srv", "/tmp"));
        assertThat(strings(sandbox, "homes_reset")).isEmpty();
        assertThat(sandbox.path("machine_id").asText()).isEqualTo("regenerated");
        assertThat(sandbox.path("diff").toString()).contains("changed by a user");
        JsonNode prod = wipeResult(check.stdout(), PROD);
        assertThat(prod.path("failed").asBoolean()).as(prod.toString()).isTrue();
        assertThat(prod.path("msg").asText()).contains("this host's role is 'prod'", "nothing was wiped");
        // Check mode changed nothing.
        assertThat(snapshot(root)).isEqualTo(etcNow);
        assertThat(root.file("/srv/app/data.db")).exists();
        phases.done("check mode through the controller (both hosts)");

        CommandResult wipe = controller.cli("play", play.resolve("wipe.yml").toString(), "-i", inv.toString(),
            "--json");
        assertThat(wipe.exitCode()).as(wipe.all()).isEqualTo(2);
        JsonNode done = wipeResult(wipe.stdout(), SANDBOX);
        assertThat(done.path("failed").asBoolean()).as(done.toString()).isFalse();
        assertThat(done.path("changed").asBoolean()).isTrue();
        phases.done("the wipe");

        // The root is its baseline again: packages, accounts, /etc; the data paths are empty.
        assertThat(packages(root)).isEqualTo(packagesBefore);
        assertThat(Files.readString(root.file("/etc/passwd"))).isEqualTo(passwdBefore);
        assertThat(Files.readString(root.file("/etc/group"))).isEqualTo(groupBefore);
        assertThat(snapshot(root)).isEqualTo(etcBefore);
        assertThat(root.file("/home/wipetest")).doesNotExist();
        assertThat(entries(root, "/srv", "/tmp")).isEmpty();
        assertThat(Files.readString(root.file("/etc/machine-id"))).matches("[0-9a-f]{32}\n");
        // The agent kept its identity and its enroll file: it is still online, and in sync now.
        assertThat(root.file("/var/lib/homefleet-agent/identity.pem")).exists();
        CommandResult again = controller.cli("play", play.resolve("verify.yml").toString(), "-i", inv.toString(),
            "--check", "--json");
        assertThat(again.exitCode()).as(again.all()).isZero();
        JsonNode inSync = wipeResult(again.stdout(), SANDBOX);
        assertThat(inSync.path("changed").asBoolean()).as(inSync.toString()).isFalse();
        assertThat(inSync.path("msg").asText()).isEqualTo("the host is its baseline");
        phases.done("the root equals the baseline; a second check is in sync");
      }
    }
  }

  /** Starts an agent in the root for {@code host}, enrolled with a token of {@code role}. */
  private static void boot(DebianRoot root, TestController controller, TestHost host, String role, String configDir,
      String unit, Path tmp) throws IOException {
    TestController.Enrollment e = controller.token(host.name(), role);
    Files.createDirectories(root.file(configDir));
    Path enroll = root.file(configDir + "/enroll.yaml");
    Files.writeString(enroll, "controller: " + controller.address() + "\nhost: " + host.name() + "\ntoken: "
        + e.token() + "\nca_fingerprint: \"" + e.caFingerprint() + "\"\nrole: " + role + "\n");
    Files.setPosixFilePermissions(enroll, PosixFilePermissions.fromString("rw-------"));
    Path log = tmp.resolve(host.name() + ".log");
    if (unit != null) {
      root.startUnit(host, unit, log);
    } else {
      Files.writeString(root.file(configDir + "/agent.yaml"), "state_dir: state\n");
      root.start(host, Map.of(), List.of("/usr/bin/homefleet-agent", "run", "--config", configDir + "/agent.yaml"),
          log);
    }
  }

  /** The wipe task's result for {@code host} in a --json play document. */
  private static JsonNode wipeResult(String json, String host) throws IOException {
    JsonNode doc = JSON.readTree(json);
    for (JsonNode play : doc.path("plays")) {
      for (JsonNode task : play.path("tasks")) {
        if (task.path("task").path("name").asText().endsWith("wipe the sandbox back to its baseline")
            && task.path("hosts").has(host)) {
          return task.path("hosts").path(host);
        }
      }
    }
    throw new AssertionError("no wipe result for " + host + " in " + json);
  }

  private static List<String> strings(JsonNode result, String field) {
    List<String> out = new ArrayList<>();
    result.path(field).forEach(n -> out.add(n.asText()));
    return out;
  }

  /** {@code dpkg-query -W} in the root: every installed package and its version. */
  private static String packages(DebianRoot root) {
    CommandResult r = root.run(Duration.ofSeconds(30), "dpkg-query", "-W", "-f=${Package} ${Version} ${db:Status-Abbrev}\n");
    assertThat(r.exitCode()).as(r.all()).isZero();
    return r.stdout();
  }

  /**
   * The root's /etc as the test sees it (path: type, mode, owner, content digest or link target),
   * without the per-host paths a wipe keeps.
   */
  private static SortedMap<String, String> snapshot(DebianRoot root) throws IOException {
    List<PathMatcher> keep = PER_HOST.stream().map(p -> FileSystems.getDefault().getPathMatcher("glob:" + p)).toList();
    SortedMap<String, String> out = new TreeMap<>();
    Path etc = root.file("/etc");
    try (Stream<Path> walk = Files.walk(etc)) {
      for (Path p : walk.toList()) {
        String abs = "/" + root.path().relativize(p);
        Path ap = Path.of(abs);
        if (keep.stream().anyMatch(m -> m.matches(ap)) || PER_HOST.stream().anyMatch(k -> abs.startsWith(k + "/"))) {
          continue;
        }
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
        String what;
        if (Files.isSymbolicLink(p)) {
          what = "link " + Files.readSymbolicLink(p);
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          what = "dir";
        } else {
          what = "file " + sha256(Files.readAllBytes(p));
        }
        out.put(abs, what + " " + Integer.toOctalString((Integer) a.get("mode") & 07777) + " " + a.get("uid") + ":"
            + a.get("gid"));
      }
    }
    return out;
  }

  private static SortedSet<String> added(SortedMap<String, String> before, SortedMap<String, String> now) {
    SortedSet<String> out = new TreeSet<>(now.keySet());
    out.removeAll(before.keySet());
    return out;
  }

  private static SortedSet<String> changed(SortedMap<String, String> before, SortedMap<String, String> now) {
    SortedSet<String> out = new TreeSet<>();
    before.forEach((k, v) -> {
      if (now.containsKey(k) && !now.get(k).equals(v)) {
        out.add(k);
      }
    });
    return out;
  }

  /** The paths no other path of the set is a parent of. */
  private static SortedSet<String> topMost(SortedSet<String> paths) {
    SortedSet<String> out = new TreeSet<>();
    for (String p : paths) {
      if (paths.stream().noneMatch(q -> p.startsWith(q + "/"))) {
        out.add(p);
      }
    }
    return out;
  }

  /** The entries of the data directories, as absolute paths, sorted. */
  private static List<String> entries(DebianRoot root, String... dirs) throws IOException {
    List<String> out = new ArrayList<>();
    for (String d : dirs) {
      try (Stream<Path> s = Files.list(root.file(d))) {
        s.forEach(p -> out.add(d + "/" + p.getFileName()));
      }
    }
    return out.stream().sorted().toList();
  }

  /** A .deb built with dpkg-deb: {@code files} (path: content), a conffile for each under etc/. */
  private static Path probeDeb(Path dir, String name, String extraControl, Map<String, String> files)
      throws IOException, InterruptedException {
    Path pkg = dir.resolve(name);
    Files.createDirectories(pkg.resolve("DEBIAN"));
    Files.writeString(pkg.resolve("DEBIAN/control"), "Package: " + name + "\nVersion: 1.0\nArchitecture: all\n"
        + "Maintainer: homefleet tests <tests@homefleet.invalid>\n" + extraControl
        + "Description: a package WipeIT installs and the wipe purges\n");
    StringBuilder conffiles = new StringBuilder();
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path p = pkg.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue());
      if (f.getKey().startsWith("usr/bin/")) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      if (f.getKey().startsWith("etc/")) {
        conffiles.append('/').append(f.getKey()).append('\n');
      }
    }
    if (conffiles.length() > 0) {
      Files.writeString(pkg.resolve("DEBIAN/conffiles"), conffiles);
    }
    Path out = dir.resolve(name + ".deb");
    Process p = new ProcessBuilder("dpkg-deb", "--root-owner-group", "--build", pkg.toString(), out.toString())
        .redirectErrorStream(true).start();
    String said = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(said).isZero();
    return out;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  private static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
