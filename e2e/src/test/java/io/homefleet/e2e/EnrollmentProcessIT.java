package io.homefleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent enrolls in a child process ({@code enroll --for-agent}) that keeps retrying while
 * the controller is away, ends with the agent however the agent ends, and leaves the agent an
 * identity to connect with.
 */
class EnrollmentProcessIT {

  @Test
  void agentEnrollsInAChild_thatRetriesUntilTheControllerComes_andDiesWithTheAgent(@TempDir Path tmp) throws Exception {
    try (Fleet fleet = new Fleet(tmp)) {
      fleet.init();
      fleet.startController();
      String[] a = fleet.token("enroll-a", "services");
      String[] b = fleet.token("enroll-b", "services");
      fleet.stopController();

      Process agentA = fleet.startAgent("enroll-a", fleet.agentConfig("enroll-a", a[0], a[1]));
      Process agentB = fleet.startAgent("enroll-b", fleet.agentConfig("enroll-b", b[0], b[1]));
      ProcessHandle childA = enrollChild(agentA, fleet);
      ProcessHandle childB = enrollChild(agentB, fleet);
      Path state = tmp.resolve("agents/enroll-a/state");
      assertThat(Files.readString(state.resolve("status.json"))).contains("\"state\":\"enrolling\"");
      // Retrying, not given up: the controller is away for longer than a few backoffs.
      Thread.sleep(3000);
      assertThat(childA.isAlive()).as(fleet.logs()).isTrue();
      assertThat(state.resolve("identity.pem")).doesNotExist();

      // SIGKILL: no shutdown hook runs; the child sees its standard input close and stops.
      agentB.destroyForcibly();
      Waits.until("enroll-b's enrollment process to end with its agent", Duration.ofSeconds(20),
          Duration.ofMillis(200), null, () -> !childB.isAlive(), fleet::logs);
      assertThat(tmp.resolve("agents/enroll-b/state/identity.pem")).doesNotExist();

      fleet.startController();
      fleet.awaitOnline(Duration.ofSeconds(60), "enroll-a");
      assertThat(childA.isAlive()).isFalse();
      assertThat(agentA.isAlive()).isTrue();
      assertThat(state.resolve("identity.pem")).exists();
      assertThat(agentA.toHandle().children().filter(EnrollmentProcessIT::isEnrollChild).toList()).isEmpty();
      Fleet.Result hosts = fleet.cli("hosts");
      assertThat(hosts.stdout()).contains("enroll-a").doesNotContain("enroll-b");
    }
  }

  /** The agent's enrollment child, once it runs. */
  private static ProcessHandle enrollChild(Process agent, Fleet fleet) {
    ProcessHandle[] found = {null};
    Waits.until("the agent's enrollment process", Duration.ofSeconds(30), Duration.ofMillis(100), agent, () -> {
      Optional<ProcessHandle> c = agent.toHandle().children().filter(EnrollmentProcessIT::isEnrollChild).findFirst();
      c.ifPresent(h -> found[0] = h);
      return c.isPresent();
    }, fleet::logs);
    return found[0];
  }

  private static boolean isEnrollChild(ProcessHandle h) {
    List<String> args = h.info().arguments().map(Arrays::asList).orElse(List.of());
    return args.contains("enroll") && args.contains("--for-agent");
  }
}
