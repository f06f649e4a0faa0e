package io.homefleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's state dir is private whatever the umask (issue 14): two real agents on loopback run
 * with {@code umask 000}, one starting on no state dir, one on a quickstart-style dir an older agent
 * left 0755 with a 0644 journal. Each enrolls, runs an ad-hoc command and a play whose tasks write
 * into the play's work dir and then look at the whole state dir from inside; afterwards the test
 * walks the state dirs: every directory 0700, every file 0600.
 */
class StateDirPermissionsIT {
  private static final String PLAY = """
      - hosts: all
        gather_facts: false
        tasks:
          - name: a file in the work dir by copy (mode 0644 for a new file, as in Ansible)
            copy: {content: "hi\\n", dest: "{{ playbook_dir }}/copied.txt"}
          - name: a directory and a file by a shell under umask 000
            shell: "mkdir -p '{{ playbook_dir }}/made' && echo hi > '{{ playbook_dir }}/made/shell.txt'"
          - name: nothing in the state dir other users can read, seen while the work dir exists
            shell: >-
              test -f '{{ playbook_dir }}/made/shell.txt' &&
              find '{{ state }}' \\( -type d ! -perm 0700 \\) -printf 'loose %m %p\\n'
              -o \\( -type f ! -perm 0600 \\) -printf 'loose %m %p\\n'
            register: loose
            failed_when: loose.rc != 0 or loose.stdout != ''
      """;

  @Test
  void agentUnderUmask000_stateDirIs0700_everyDir0700_everyFile0600_andAnOlderLooseDirIsTightened(@TempDir Path tmp)
      throws Exception {
    try (Fleet fleet = new Fleet(tmp)) {
      fleet.init();
      fleet.startController();
      String[] a = fleet.token("agent-a", "dev");
      String[] b = fleet.token("agent-b", "dev");
      Path cfgA = fleet.agentConfig("agent-a", a[0], a[1]);
      Path cfgB = fleet.agentConfig("agent-b", b[0], b[1]);
      Path stateA = cfgA.getParent().resolve("state");
      Path stateB = cfgB.getParent().resolve("state");

      // What an older agent left (the quickstart's ./state): the dir 0755, the journal 0644.
      Files.createDirectories(stateB.resolve("plays"));
      Files.setPosixFilePermissions(stateB, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setPosixFilePermissions(stateB.resolve("plays"), PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.writeString(stateB.resolve("journal"), "A old-task\n");
      Files.setPosixFilePermissions(stateB.resolve("journal"), PosixFilePermissions.fromString("rw-r--r--"));

      fleet.startAgentWithUmask("agent-a", cfgA, "000");
      fleet.startAgentWithUmask("agent-b", cfgB, "000");
      fleet.awaitOnline(Duration.ofSeconds(60), "agent-a", "agent-b");
      Fleet.waitForLog(fleet.agentLog("agent-b"), "took group and other access off", Duration.ofSeconds(10),
          fleet.agentProcess("agent-b"));
      assertThat(Files.readString(fleet.agentLog("agent-a"))).doesNotContain("took group and other access off");

      Fleet.Result run = fleet.cli("run", "all", "-m", "command", "-a", "echo hi");
      assertThat(run.exitCode()).as(run.all()).isZero();
      assertThat(run.stdout()).contains("agent-a | CHANGED | rc=0", "agent-b | CHANGED | rc=0");

      Path site = Files.writeString(tmp.resolve("site.yml"), PLAY);
      Path inv = Files.writeString(tmp.resolve("hosts.yml"), "all:\n  hosts:\n    agent-a:\n      state: " + stateA
          + "\n    agent-b:\n      state: " + stateB + "\n");
      Fleet.Result play = fleet.cli("play", site.toString(), "-i", inv.toString());
      assertThat(play.exitCode()).as("modes inside the state dirs during the play:\n%s", play.all()).isZero();
      assertThat(Recaps.recap(play.stdout(), "agent-a")).contains("failed=0");
      assertThat(Recaps.recap(play.stdout(), "agent-b")).contains("failed=0");

      // The status command, run as the same user, still reads the 0600 status file.
      Fleet.Result status = fleet.agentCli("status", "--config", cfgA.toString());
      assertThat(status.exitCode()).as(status.all()).isZero();
      assertThat(status.stdout()).contains("health: ok", "state=connected");

      for (Path state : List.of(stateA, stateB)) {
        assertThat(state.resolve("journal")).isRegularFile();
        assertThat(state.resolve("status.json")).isRegularFile();
        assertThat(state.resolve("identity.pem")).isRegularFile();
        assertThat(offenders(state)).as("paths in %s other users could read", state).isEmpty();
      }
    }
  }

  /** "MODE PATH" for every directory not 0700 and every file not 0600 under {@code root}, root included. */
  private static List<String> offenders(Path root) throws Exception {
    List<String> bad = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.toList()) {
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        String want = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "rwx------" : "rw-------";
        if (!mode.equals(want)) {
          bad.add(mode + " " + p);
        }
      }
    }
    return bad;
  }
}
