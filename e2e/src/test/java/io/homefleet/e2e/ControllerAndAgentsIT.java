package io.homefleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The foundation end to end with real processes: a controller and two agents enroll, connect and
 * run a command; the controller is SIGKILLed and restarted on the same data dir and the agents
 * come back by themselves; an agent restarted without a token reuses its identity.
 */
class ControllerAndAgentsIT {

  @Test
  void enrollRunRestartReconnectReuseIdentity(@TempDir Path tmp) throws Exception {
    try (Fleet fleet = new Fleet(tmp)) {
      fleet.init();
      fleet.startController();

      String[] a = fleet.token("agent-a", "dev");
      String[] b = fleet.token("agent-b", "sandbox");
      Path cfgA = fleet.agentConfig("agent-a", a[0], a[1]);
      Path cfgB = fleet.agentConfig("agent-b", b[0], b[1]);
      fleet.startAgent("agent-a", cfgA);
      fleet.startAgent("agent-b", cfgB);
      fleet.awaitOnline(Duration.ofSeconds(60), "agent-a", "agent-b");

      // Key files are private, and the pending enrollment key is gone.
      Path stateA = cfgA.getParent().resolve("state");
      assertThat(Files.getPosixFilePermissions(stateA.resolve("identity.pem")))
          .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
              java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
      assertThat(stateA.resolve("enroll.key")).doesNotExist();

      // First ad-hoc command: every host answers, the CLI exits 0.
      Fleet.Result run1 = fleet.cli("run", "all", "-m", "command", "-a", "uname -a");
      assertThat(run1.exitCode()).as(run1.all()).isZero();
      assertThat(run1.stdout()).contains("agent-a | CHANGED | rc=0", "agent-b | CHANGED | rc=0", "Linux");

      // The run is persisted with per-host results.
      Fleet.Result runs = fleet.cli("runs", "--json");
      assertThat(runs.exitCode()).as(runs.all()).isZero();
      Matcher id = Pattern.compile("\"id\" : \"([0-9a-f]+)\"").matcher(runs.stdout());
      assertThat(id.find()).as(runs.stdout()).isTrue();
      Fleet.Result show = fleet.cli("runs", "show", id.group(1));
      assertThat(show.exitCode()).as(show.all()).isZero();
      assertThat(show.stdout()).contains("succeeded", "agent-a | CHANGED | rc=0", "agent-b | CHANGED | rc=0");

      // Facts arrived with the hello.
      Fleet.Result facts = fleet.cli("hosts", "show", "agent-a", "--json");
      assertThat(facts.exitCode()).as(facts.all()).isZero();
      assertThat(facts.stdout()).contains("\"kernel\"", "\"cpu_count\"", "\"role\" : \"dev\"", "\"suite\" : \"e2e\"");
      String serialBefore = Fleet.jsonField(facts.stdout(), "cert_serial");

      // SIGKILL the controller; restart it on the same data dir; agents reconnect on their own.
      fleet.killController();
      fleet.startController();
      fleet.awaitOnline(Duration.ofSeconds(60), "agent-a", "agent-b");
      Fleet.Result run2 = fleet.cli("run", "all", "-m", "shell", "-a", "echo second-run $((20+22))");
      assertThat(run2.exitCode()).as(run2.all()).isZero();
      assertThat(run2.stdout()).contains("agent-a | CHANGED", "agent-b | CHANGED", "second-run 42");

      // Both runs survived the restart in the store.
      Fleet.Result runs2 = fleet.cli("runs", "--json");
      assertThat(Pattern.compile("\"state\" : \"succeeded\"").matcher(runs2.stdout()).results().count()).isEqualTo(2);

      // Restart agent-a with no token at all: it must reuse its stored identity.
      fleet.stopAgent("agent-a");
      Path noToken = fleet.agentConfig("agent-a", null, a[1]);
      assertThat(Files.readString(noToken)).doesNotContain("token:");
      String logBefore = Files.readString(fleet.agentLog("agent-a"));
      fleet.startAgent("agent-a", noToken);
      fleet.awaitOnline(Duration.ofSeconds(60), "agent-a");
      String logAfter = Files.readString(fleet.agentLog("agent-a")).substring(logBefore.length());
      assertThat(logAfter).contains("connected to").doesNotContain("enrolled as");
      Fleet.Result facts2 = fleet.cli("hosts", "show", "agent-a", "--json");
      assertThat(Fleet.jsonField(facts2.stdout(), "cert_serial")).isEqualTo(serialBefore);
      Fleet.Result run3 = fleet.cli("run", "agent-a", "-a", "true");
      assertThat(run3.exitCode()).as(run3.all()).isZero();

      // A failing command: the host is FAILED, the CLI exits 2 (as ansible does).
      Fleet.Result failed = fleet.cli("run", "dev", "-m", "shell", "-a", "echo oops >&2; exit 7");
      assertThat(failed.exitCode()).as(failed.all()).isEqualTo(2);
      assertThat(failed.stdout()).contains("agent-a | FAILED | rc=7", "oops");

      // An agent that is down: UNREACHABLE, exit 4, and the others still run.
      fleet.stopAgent("agent-b");
      Fleet.Result unreachable = fleet.cli("run", "all", "-a", "true");
      assertThat(unreachable.exitCode()).as(unreachable.all()).isEqualTo(4);
      assertThat(unreachable.stdout()).contains("agent-b | UNREACHABLE!", "agent-a | CHANGED | rc=0");
      Fleet.Result hosts = fleet.cli("hosts");
      assertThat(hosts.stdout()).containsPattern("agent-b\\s+sandbox\\s+offline");

      // A target that matches nothing is an error, not an empty success.
      Fleet.Result nothing = fleet.cli("run", "no-such-role", "-a", "true");
      assertThat(nothing.exitCode()).isEqualTo(1);
      assertThat(nothing.stderr()).contains("no enrolled host matches 'no-such-role'");

      // Revocation: the live session is cut, the agent says why and exits 5; restarted, it is
      // refused in the handshake and exits 5 again instead of retrying for ever.
      Process agentA = fleet.agentProcess("agent-a");
      Fleet.Result revoke = fleet.cli("revoke", "agent-a", "--reason", "e2e");
      assertThat(revoke.exitCode()).as(revoke.all()).isZero();
      assertThat(revoke.stdout()).contains("live session closed");
      assertThat(agentA.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(agentA.exitValue()).isEqualTo(5);
      Process again = fleet.startAgent("agent-a", noToken);
      assertThat(again.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(again.exitValue()).isEqualTo(5);
      Fleet.Result agentStatus = fleet.agentCli("status", "--config", noToken.toString());
      assertThat(agentStatus.exitCode()).as(agentStatus.all()).isEqualTo(5);
      assertThat(agentStatus.stdout()).contains("health: revoked", "homefleet token create --host agent-a");
      assertThat(fleet.cli("hosts").stdout()).containsPattern("agent-a\\s+dev\\s+decommissioned");
    }
  }
}
