package io.homefleet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault case 23: 1,000 agents (simulated in this JVM, each a real enrolled identity with its own
 * mTLS connection and session stream) connected to a real controller process, which is killed
 * with SIGKILL and started again. The test passes when every one of them is back and answers a
 * task (BenchMain waits at most five minutes, and a task that does not come back fails the run),
 * with the restarted controller accepting at most 100 new connections a second ({@code
 * max_connection_rate}; the log says when the cap held connections back).
 * How long the storm took is printed, not asserted: that figure belongs in bench/README.md.
 */
class ReconnectStormIT {
  @Test
  void thousandAgents_controllerKilledAndRestarted_allBackAndAnswering(@TempDir Path dir) throws Exception {
    System.setProperty("bench.settleSeconds", "1");
    System.setProperty("bench.idleSeconds", "1");
    System.setProperty("bench.warmUpRuns", "0");
    // Accepting capped below what this machine could take, so that the cap is part of the storm.
    System.setProperty("bench.maxConnectionRate", "100");
    Map<String, Object> r = BenchMain.fanout(BenchSmokeIT.ROOT, dir, 1000, 1, true);
    System.out.println("[ReconnectStormIT] " + r.get("row") + " storm_reconnect_attempts="
        + r.get("storm_reconnect_attempts") + " storm_accept_capped=" + r.get("storm_accept_capped"));
    assertThat(r).containsKeys("storm_all_back_and_ran_ms", "storm_reconnect_attempts");
    // The restarted controller held new connections back at max_connection_rate, and all still came back.
    assertThat(r).containsEntry("storm_accept_capped", true);
    assertThat(r.get("row").toString()).startsWith("| 1000 |").doesNotContain("null");
  }
}
