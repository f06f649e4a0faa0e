package io.homefleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates that renew and certificates that expire, with real processes and short
 * lifetimes: a running agent renews at about 2/3 of its certificate's life and keeps working;
 * an agent whose certificate expired while it was stopped reports it and exits non-zero.
 */
class CertificateLifecycleIT {

  @Test
  void runningAgentRenews_thenStoppedAgentExpires_andSaysWhatToDo(@TempDir Path tmp) throws Exception {
    try (Fleet fleet = new Fleet(tmp)) {
      Fleet.Result init = fleet.cli("ca", "init", "--data-dir", fleet.dataDir.toString(), "--listen",
          "127.0.0.1:" + fleet.port, "--agent-cert-lifetime", "30s", "--metrics-listen", "off");
      assertThat(init.exitCode()).as(init.all()).isZero();
      fleet.startController();
      String[] t = fleet.token("short-1", "sandbox");
      Path cfg = fleet.agentConfig("short-1", t[0], t[1]);
      fleet.startAgent("short-1", cfg);
      fleet.awaitOnline(Duration.ofSeconds(60), "short-1");
      String serial1 = Fleet.jsonField(fleet.cli("hosts", "show", "short-1", "--json").stdout(), "cert_serial");

      // 30 s certificates renew about 20 s after issue; the agent reconnects with the new one.
      Fleet.waitForLog(fleet.agentLog("short-1"), "certificate renewed", Duration.ofSeconds(45), null);
      fleet.awaitOnline(Duration.ofSeconds(30), "short-1");
      String serial2 = Fleet.jsonField(fleet.cli("hosts", "show", "short-1", "--json").stdout(), "cert_serial");
      assertThat(serial2).isNotEqualTo(serial1);
      Fleet.Result run = fleet.cli("run", "short-1", "-a", "echo still-here");
      assertThat(run.exitCode()).as(run.all()).isZero();
      assertThat(run.stdout()).contains("still-here");

      // Stop it for longer than the certificate lives: on start it reports expiry and exits 3.
      fleet.stopAgent("short-1");
      Thread.sleep(32_000);
      Fleet.Result status = fleet.agentCli("status", "--config", cfg.toString());
      assertThat(status.exitCode()).as(status.all()).isEqualTo(3);
      assertThat(status.stdout()).contains("health: expired", "homefleet token create --host short-1");
      Process p = fleet.startAgent("short-1", cfg);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(3);
      assertThat(Files.readString(fleet.agentLog("short-1")))
          .contains("the agent certificate expired at", "Issue a new token with 'homefleet token create --host short-1");
    }
  }
}
