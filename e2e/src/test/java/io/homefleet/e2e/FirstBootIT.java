package io.homefleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * First boot as a baked image has it: the agent starts with an agent.yaml that names no controller
 * and no enroll file, waits quietly (saying so in its status), reports a malformed enroll file
 * once, waits again when the controller refuses the file's token, enrolls as soon as a good one
 * is written (as cloud-init would), removes the used token from disk, answers a ping, and after a
 * restart connects again from the rewritten file.
 */
class FirstBootIT {

  @Test
  void agentWaitsForItsEnrollFile_enrollsWhenItAppears_andLeavesNoTokenOnDisk(@TempDir Path tmp) throws Exception {
    try (Fleet fleet = new Fleet(tmp)) {
      fleet.init();
      fleet.startController();

      // The image's agent.yaml: no controller, no fingerprint, no token.
      Path dir = Files.createDirectories(tmp.resolve("agents/fb-1"));
      Path cfg = Files.writeString(dir.resolve("agent.yaml"), "host: fb-1\nstate_dir: ./state\nreconnect_max: 2s\n");
      Path enroll = dir.resolve("enroll.yaml");
      Process agent = fleet.startAgent("fb-1", cfg);
      Path log = fleet.agentLog("fb-1");

      Fleet.Result[] status = {null};
      Waits.until("status to say the agent waits for " + enroll, Duration.ofSeconds(30), Duration.ofMillis(200), agent,
          () -> {
            status[0] = fleet.agentCli("status", "--json", "--config", cfg.toString());
            return status[0].stdout().contains("\"state\" : \"waiting\"");
          }, () -> status[0].all() + fleet.logs());
      assertThat(status[0].exitCode()).as(status[0].all()).isEqualTo(1);
      assertThat(status[0].stdout()).contains("\"health\" : \"waiting\"", "\"enroll_file\" : \"" + enroll + "\"",
          "there is no enroll file " + enroll);
      Fleet.Result plain = fleet.agentCli("status", "--config", cfg.toString());
      assertThat(plain.stdout()).contains("health: waiting");

      // Two polls later: still waiting, and it said so once.
      Thread.sleep(4500);
      assertThat(agent.isAlive()).as(fleet.logs()).isTrue();
      assertThat(count(log, "there is no enroll file")).as(Files.readString(log)).isEqualTo(1);
      assertThat(dir.resolve("state/identity.pem")).doesNotExist();

      // A malformed file: the field and the fix, once; the agent goes on waiting.
      String[] t = fleet.token("fb-1", "prod");
      String controller = "127.0.0.1:" + fleet.port;
      Files.writeString(enroll, "controller: " + controller + "\ntoken: hf1.truncated\nca_fingerprint: \"" + t[1] + "\"\n");
      Fleet.waitForLog(log, "token: malformed enrollment token", Duration.ofSeconds(20), agent);
      Thread.sleep(2500);
      assertThat(count(log, "token: malformed enrollment token")).as(Files.readString(log)).isEqualTo(1);
      Fleet.Result bad = fleet.agentCli("status", "--json", "--config", cfg.toString());
      assertThat(bad.stdout()).contains("\"health\" : \"waiting\"", enroll + ":2:8: token: malformed enrollment token");

      // A well-formed file whose token the controller refuses (minted for another host): the agent
      // says why and waits for a new token there, instead of stopping.
      String[] other = fleet.token("fb-other", "prod");
      Files.writeString(enroll, "controller: " + controller + "\ntoken: " + other[0] + "\nca_fingerprint: \"" + t[1]
          + "\"\n");
      Fleet.waitForLog(log, "the controller refused the token in " + enroll, Duration.ofSeconds(30), agent);
      assertThat(Files.readString(log)).contains("bound to another host");
      Fleet.Result refused = fleet.agentCli("status", "--json", "--config", cfg.toString());
      assertThat(refused.stdout()).contains("\"state\" : \"waiting\"", "the controller refused the token in");

      // The corrected file, as cloud-init writes it (world-readable here: the agent makes it 0600).
      Files.writeString(enroll, "controller: " + controller + "\ntoken: " + t[0] + "\nca_fingerprint: \"" + t[1] + "\"\n"
          + "role: prod\nlabels:\n  cloud: init\n");
      Files.setPosixFilePermissions(enroll, PosixFilePermissions.fromString("rw-r--r--"));
      fleet.awaitOnline(Duration.ofSeconds(60), "fb-1");

      // The token is gone from every file the agent has, and the enroll file kept the rest, 0600.
      assertThat(filesHolding(dir, t[0])).as("files still holding the token").isEmpty();
      String rewritten = Files.readString(enroll);
      assertThat(rewritten).contains(controller, "role: prod", "cloud: init").doesNotContain("token:");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(enroll))).isEqualTo("rw-------");
      Fleet.Result ok = fleet.agentCli("status", "--json", "--config", cfg.toString());
      assertThat(ok.exitCode()).as(ok.all()).isZero();
      assertThat(ok.stdout()).contains("\"health\" : \"ok\"", "\"identity\" : \"fb-1\"");

      Fleet.Result ping = fleet.cli("run", "fb-1", "-m", "ping");
      assertThat(ping.exitCode()).as(ping.all()).isZero();
      assertThat(ping.stdout()).contains("fb-1 | OK");
      Fleet.Result hosts = fleet.cli("hosts", "show", "fb-1", "--json");
      assertThat(hosts.stdout()).contains("\"role\" : \"prod\"", "\"cloud\" : \"init\"");

      // A later boot: the same agent.yaml, the rewritten enroll file, the stored identity; no token.
      fleet.stopAgent("fb-1");
      fleet.startAgent("fb-1", cfg);
      Waits.until("fb-1 to connect again", Duration.ofSeconds(60), Duration.ofMillis(200), fleet.agentProcess("fb-1"),
          () -> count(log, "connected to") >= 2, fleet::logs);
    }
  }

  private static long count(Path log, String needle) throws Exception {
    return Pattern.compile(Pattern.quote(needle)).matcher(Files.readString(log)).results().count();
  }

  /** Every file under {@code dir} whose content holds {@code secret}. */
  private static List<Path> filesHolding(Path dir, String secret) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).filter(p -> {
        try {
          return new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1).contains(secret);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList();
    }
  }
}
