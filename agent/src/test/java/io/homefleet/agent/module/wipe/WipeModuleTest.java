package io.homefleet.agent.module.wipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.agent.config.HostRole;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.Run;
import io.homefleet.agent.module.file.PosixAttrs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wipe on a root of a test's own: the tree, data and guard logic (packages and users need a real host: WipeIT). */
class WipeModuleTest {
  @TempDir
  Path dir;
  Path root;
  Path state;
  Baseline baseline;
  Clock clock = Clock.fixed(Instant.parse("2026-12-08T03:00:00Z"), ZoneOffset.UTC);

  @BeforeEach
  void bake() throws Exception {
    root = BaselineTest.image(dir.resolve("root"));
    Files.createDirectories(root.resolve("home/alice"));
    Files.writeString(root.resolve("home/alice/.profile"), "# profile\n");
    Files.createDirectories(root.resolve("srv"));
    Files.createDirectories(root.resolve("tmp"));
    state = Files.createDirectories(root.resolve("var/lib/homefleet-agent"));
    Path bdir = WipeModule.baselineDir(state);
    baseline = Baseline.record(root, List.of("/etc"), bdir.resolve("objects"), Instant.now());
    baseline.write(Baseline.manifest(bdir));
    HostRole.write(state, "sandbox");
  }

  WipeModule wipe() {
    return new WipeModule(root, state, clock);
  }

  Outcome run(Map<String, Object> args, boolean check) throws Exception {
    return Run.of(wipe(), args).check(check).diff().workDir(dir.resolve("work")).go();
  }

  /** Everything a user could add to the image. */
  void dirty() throws Exception {
    Files.writeString(root.resolve("etc/added.conf"), "new\n");
    Files.createDirectories(root.resolve("etc/new.d/sub"));
    Files.writeString(root.resolve("etc/new.d/sub/x"), "x\n");
    Files.writeString(root.resolve("etc/foo.conf"), "foo=2\n");
    PosixAttrs.setMode(root.resolve("etc/bar.conf"), 0600);
    Files.delete(root.resolve("etc/old.d/a"));
    Files.delete(root.resolve("etc/old.d"));
    Files.delete(root.resolve("etc/localtime"));
    Files.createSymbolicLink(root.resolve("etc/localtime"), Path.of("/usr/share/zoneinfo/Europe/Berlin"));
    Files.createSymbolicLink(root.resolve("etc/systemd/system/multi-user.target.wants/probe.service"),
        Path.of("/lib/systemd/system/probe.service"));
    Files.writeString(root.resolve("srv/data.db"), "rows\n");
    Files.createDirectories(root.resolve("srv/app/cache"));
    Files.writeString(root.resolve("tmp/scratch"), "s\n");
    Files.writeString(root.resolve("home/alice/notes.txt"), "mine\n");
    // Per-host and the agent's own: never listed, never touched.
    Files.createDirectories(root.resolve("etc/homefleet"));
    Files.writeString(root.resolve("etc/homefleet/enroll.yaml"), "host: s1\n");
    Files.createDirectories(root.resolve("etc/ssh"));
    Files.writeString(root.resolve("etc/ssh/ssh_host_ed25519_key"), "k\n");
    Files.writeString(root.resolve("etc/hostname"), "s1\n");
    Files.writeString(state.resolve("identity.pem"), "id\n");
  }

  @Test
  void checkMode_listsExactlyWhatWouldGo_andChangesNothing() throws Exception {
    dirty();
    // A package, a user and a group the baseline lacks (check mode only reads dpkg's database and passwd).
    Files.writeString(root.resolve("var/lib/dpkg/status"), "Package: cowsay\nStatus: install ok installed\n"
        + "Architecture: all\nVersion: 3.03\n\n", java.nio.file.StandardOpenOption.APPEND);
    Files.writeString(root.resolve("etc/passwd"), "bob:x:1001:1001::/home/bob:/bin/sh\n",
        java.nio.file.StandardOpenOption.APPEND);
    Files.writeString(root.resolve("etc/group"), "bob:x:1001:\n", java.nio.file.StandardOpenOption.APPEND);
    Files.createDirectories(root.resolve("home/bob"));
    Map<String, Baseline.Entry> before = Baseline.scan(root, root.resolve("etc"), null);

    Outcome o = run(Map.of(), true);

    assertThat(o.status()).isEqualTo(Outcome.Status.CHANGED);
    Map<String, Object> d = o.data();
    assertThat(d.get("packages_purged")).isEqualTo(List.of("cowsay"));
    assertThat(d.get("users_removed")).isEqualTo(List.of("bob"));
    assertThat(d.get("groups_removed")).isEqualTo(List.of("bob"));
    assertThat(d.get("services_disabled")).isEqualTo(List.of("multi-user.target.wants/probe.service"));
    // The top-most added path only; passwd and group changed with bob; the per-host files are not listed.
    assertThat(d.get("files_removed")).isEqualTo(List.of("/etc/added.conf", "/etc/new.d",
        "/etc/systemd/system/multi-user.target.wants/probe.service"));
    assertThat(d.get("files_restored")).isEqualTo(List.of("/etc/bar.conf", "/etc/foo.conf", "/etc/group",
        "/etc/localtime", "/etc/passwd"));
    assertThat(d.get("files_recreated")).isEqualTo(List.of("/etc/old.d"));
    // bob's home goes with bob (userdel -r), alice's (a baseline user) is reset to /etc/skel.
    assertThat(d.get("data_removed")).isEqualTo(List.of("/srv/app", "/srv/data.db", "/tmp/scratch"));
    assertThat(d.get("homes_reset")).isEqualTo(List.of("/home/alice"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> diffs = (List<Map<String, Object>>) d.get("diff");
    assertThat(diffs).anySatisfy(df -> {
      assertThat(df).containsEntry("before_header", "/etc/foo.conf (content)").containsEntry("before", "foo=2\n")
          .containsEntry("after", "foo=1\n");
    });
    assertThat(diffs).anySatisfy(df -> assertThat(df).containsEntry("before_header", "packages (installed)")
        .containsEntry("before", Map.of("present", List.of("cowsay"))));

    // Nothing moved.
    assertThat(Baseline.scan(root, root.resolve("etc"), null)).isEqualTo(before);
    assertThat(root.resolve("srv/data.db")).exists();
    assertThat(root.resolve("home/alice/notes.txt")).exists();
  }

  @Test
  void apply_putsTheTreeBackToTheBaseline_emptiesData_keepsIdentity_thenIsInSync() throws Exception {
    dirty();
    Outcome o = run(Map.of(), false);
    assertThat(o.status()).as(o.msg()).isEqualTo(Outcome.Status.CHANGED);

    Map<String, Baseline.Entry> etc = Baseline.scan(root, root.resolve("etc"), null);
    etc.keySet().removeIf(p -> p.startsWith("/etc/homefleet") || p.startsWith("/etc/ssh") || p.equals("/etc/hostname"));
    Map<String, Baseline.Entry> want = new HashMap<>(baseline.files());
    assertThat(etc).isEqualTo(want);
    assertThat(root.resolve("etc/foo.conf")).hasContent("foo=1");
    assertThat(Files.readSymbolicLink(root.resolve("etc/localtime"))).isEqualTo(Path.of("/usr/share/zoneinfo/UTC"));
    assertThat(root.resolve("etc/old.d/a")).hasContent("a");
    try (var s = Files.list(root.resolve("srv")); var t = Files.list(root.resolve("tmp"))) {
      assertThat(s).isEmpty();
      assertThat(t).isEmpty();
    }
    try (var h = Files.list(root.resolve("home/alice"))) {
      assertThat(h.map(p -> p.getFileName().toString())).containsExactly(".profile");
    }
    assertThat(PosixAttrs.read(root.resolve("home/alice/.profile"), false).uid()).isEqualTo(1000);
    assertThat(root.resolve("etc/homefleet/enroll.yaml")).hasContent("host: s1");
    assertThat(root.resolve("etc/ssh/ssh_host_ed25519_key")).exists();
    assertThat(state.resolve("identity.pem")).exists();
    assertThat(state.resolve(WipeModule.STAMP)).hasContent(clock.instant().toString());

    Outcome again = run(Map.of(), false);
    assertThat(again.status()).as(again.data().toString()).isEqualTo(Outcome.Status.OK);
    assertThat(again.msg()).isEqualTo("the host is its baseline");
  }

  @Test
  void aRoleThatIsNotAllowed_isRefused_beforeAnythingIsLookedAt() throws Exception {
    dirty();
    HostRole.write(state, "prod");
    assertThatThrownBy(() -> run(Map.of(), false)).hasMessageContaining("this host's role is 'prod'")
        .hasMessageContaining("only hosts of role sandbox may be wiped").hasMessageContaining("nothing was wiped");
    assertThat(root.resolve("srv/data.db")).exists();
    assertThat(root.resolve("etc/added.conf")).exists();
    // Allowed in so many words, it runs.
    assertThat(run(Map.of("allowed_roles", List.of("prod")), true).status()).isEqualTo(Outcome.Status.CHANGED);
  }

  @Test
  void noRecordedRole_orNoBaseline_isRefused() throws Exception {
    Files.delete(HostRole.file(state));
    assertThatThrownBy(() -> run(Map.of(), true)).hasMessageContaining("this host's role is not known");
    HostRole.write(state, "sandbox");
    assertThatThrownBy(() -> run(Map.of("baseline", dir.resolve("none/manifest.json").toString()), true))
        .hasMessageContaining("no baseline").hasMessageContaining("homefleet-agent baseline record");
  }

  @Test
  void everyDays_beforeItIsDue_isInSync_andSaysWhen() throws Exception {
    dirty();
    Files.writeString(state.resolve(WipeModule.STAMP), clock.instant().minus(Duration.ofDays(3)) + "\n");
    Outcome o = run(Map.of("every_days", 7), false);
    assertThat(o.status()).isEqualTo(Outcome.Status.OK);
    assertThat(o.msg()).contains("every_days=7").contains("due after 2026-12-12T02:00:00Z");
    assertThat(root.resolve("srv/data.db")).exists();
    // Due within the hour's slack: it runs.
    Files.writeString(state.resolve(WipeModule.STAMP), clock.instant().minus(Duration.ofDays(7)).plusSeconds(600) + "\n");
    assertThat(run(Map.of("every_days", 7), false).status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(root.resolve("srv/data.db")).doesNotExist();
  }

  @Test
  void reenroll_withoutATokenInTheEnrollFile_isRefused_andNothingIsWiped() throws Exception {
    dirty();
    assertThatThrownBy(() -> run(Map.of("reenroll", true), false)).hasMessageContaining("reenroll: true needs a token in")
        .hasMessageContaining("Nothing was wiped");
    assertThat(root.resolve("srv/data.db")).exists();
    Files.writeString(root.resolve("etc/homefleet/enroll.yaml"), "host: s1\ntoken: hf1." + "a".repeat(43) + "\n");
    Outcome o = run(Map.of("reenroll", true), false);
    assertThat(o.status()).as(o.msg()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(state.resolve("identity.pem")).doesNotExist();
  }

  @Test
  void regenerateMachineId_writesANewId_andLeavesItOutOfTheTreeRestore() throws Exception {
    Files.writeString(root.resolve("etc/machine-id"), "");
    Outcome o = run(Map.of("regenerate_machine_id", true), false);
    assertThat(o.status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(o.data()).containsEntry("machine_id", "regenerated");
    assertThat(Files.readString(root.resolve("etc/machine-id"))).matches("[0-9a-f]{32}\n");
  }

  @Test
  void regenerateHostKeys_removesTheOldKeys_andSshKeygenMakesNewOnes() throws Exception {
    Files.createDirectories(root.resolve("etc/ssh"));
    Files.writeString(root.resolve("etc/ssh/ssh_host_ed25519_key"), "old\n");
    Files.writeString(root.resolve("etc/ssh/sshd_config"), "PermitRootLogin no\n");
    // The root's own ssh-keygen is this machine's, run with -f ROOT as for an image.
    Files.createDirectories(root.resolve("usr/bin"));
    Files.createSymbolicLink(root.resolve("usr/bin/ssh-keygen"), Path.of("/usr/bin/ssh-keygen"));
    Outcome o = run(Map.of("regenerate_host_keys", true, "exclude", List.of("/etc/ssh/sshd_config")), false);
    assertThat(o.data()).as(o.msg()).containsEntry("host_keys", "regenerated (ssh-keygen -A)");
    assertThat(Files.readString(root.resolve("etc/ssh/ssh_host_ed25519_key"))).startsWith("-----BEGIN OPENSSH PRIVATE KEY");
    assertThat(root.resolve("etc/ssh/ssh_host_ed25519_key.pub")).exists();
    assertThat(root.resolve("etc/ssh/sshd_config")).hasContent("PermitRootLogin no");
  }

  @Test
  void badDataPath_isAnErrorNamingTheArgument() {
    assertThatThrownBy(() -> run(Map.of("data_paths", List.of("/")), true))
        .hasMessageContaining("data_paths: '/' must be an absolute directory other than /");
    assertThatThrownBy(() -> run(Map.of("data_paths", List.of("srv")), true)).hasMessageContaining("data_paths: 'srv'");
    assertThatThrownBy(() -> run(Map.of("exclude", List.of("etc/x")), true)).hasMessageContaining("exclude: 'etc/x' must be");
  }
}
