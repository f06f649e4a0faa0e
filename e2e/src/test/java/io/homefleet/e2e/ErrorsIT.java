package io.homefleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input and missing peers give a clear message and a non-zero exit, through the real launchers. */
class ErrorsIT {

  @Test
  void malformedAgentConfig_namesFileLineColumn_exits2(@TempDir Path tmp) throws Exception {
    try (Fleet fleet = new Fleet(tmp)) {
      Path cfg = tmp.resolve("agent.yaml");
      Files.writeString(cfg, "controller: 127.0.0.1:7443\nca_fingerprint: [unclosed\ntoken: x\n");
      Fleet.Result r = fleet.agentCli("run", "--config", cfg.toString());
      assertThat(r.exitCode()).isEqualTo(2);
      assertThat(r.stderr()).containsPattern(Pattern.quote(cfg.toString()) + ":\\d+:\\d+: ");

      Files.writeString(cfg, "controller: 127.0.0.1:7443\ncontroler_port: 1\n");
      r = fleet.agentCli("run", "--config", cfg.toString());
      assertThat(r.exitCode()).isEqualTo(2);
      assertThat(r.stderr()).contains(cfg + ":2:1: unknown field 'controler_port'", "known fields:");

      Files.writeString(cfg, "controller: nowhere\nca_fingerprint: \"sha256:00\"\n");
      r = fleet.agentCli("run", "--config", cfg.toString());
      assertThat(r.exitCode()).isEqualTo(2);
      assertThat(r.stderr()).contains("controller: 'nowhere' is not HOST:PORT");

      r = fleet.agentCli("run", "--config", tmp.resolve("missing.yaml").toString());
      assertThat(r.exitCode()).isEqualTo(2);
      assertThat(r.stderr()).contains("missing.yaml: no such file");
    }
  }

  @Test
  void malformedOrUnknownToken_isRefusedClearly(@TempDir Path tmp) throws Exception {
    try (Fleet fleet = new Fleet(tmp)) {
      fleet.init();
      fleet.startController();
      String fp = fleet.token("web-1", "services")[1];
      // Malformed: refused by the agent's own config check, before any connection.
      Path cfg = fleet.agentConfig("web-1", "not-a-token", fp);
      Fleet.Result r = fleet.agentCli("enroll", "--config", cfg.toString(), "--timeout", "10");
      assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
      assertThat(r.stderr()).contains(cfg + ": token: malformed enrollment token");
      // Well-formed but unknown: refused by the controller, with its reason.
      cfg = fleet.agentConfig("web-1", "hf1." + "B".repeat(43), fp);
      r = fleet.agentCli("enroll", "--config", cfg.toString(), "--timeout", "10");
      assertThat(r.exitCode()).as(r.all()).isEqualTo(5);
      assertThat(r.stderr()).contains("the controller refused enrollment of 'web-1': unknown enrollment token");
      assertThat(cfg.getParent().resolve("state/identity.pem")).doesNotExist();
    }
  }

  @Test
  void unreachableController_agentAndCli_exitNonZeroWithMessage(@TempDir Path tmp) throws Exception {
    try (Fleet fleet = new Fleet(tmp)) {
      fleet.init(); // credentials exist, but no controller runs on fleet.port
      Path cfg = fleet.agentConfig("lonely-1", "hf1." + "A".repeat(43),
          "sha256:" + "00".repeat(32));
      Fleet.Result r = fleet.agentCli("enroll", "--config", cfg.toString(), "--timeout", "2");
      assertThat(r.exitCode()).as(r.all()).isEqualTo(4);
      assertThat(r.stderr()).contains("cannot reach the controller at 127.0.0.1:" + fleet.port);

      Fleet.Result cli = fleet.cli("hosts");
      assertThat(cli.exitCode()).as(cli.all()).isEqualTo(3);
      assertThat(cli.stderr()).contains("cannot reach the controller at 127.0.0.1:" + fleet.port);
    }
  }
}
