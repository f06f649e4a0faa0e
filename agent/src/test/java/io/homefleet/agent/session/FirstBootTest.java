package io.homefleet.agent.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.agent.config.AgentConfig;
import io.homefleet.agent.status.AgentStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent without an identity waits for its enroll file, and retires the token once enrolled. */
class FirstBootTest {
  static final String FP = "sha256:" + "AB:".repeat(31) + "AB";
  static final String TOKEN = "hf1." + "x".repeat(43);
  static final String ENROLL = "controller: ctl.lab:7443\ntoken: " + TOKEN + "\nca_fingerprint: \"" + FP + "\"\n";

  @Test
  void check_whenTheConfigIsWholeButThereIsNoTokenNorIdentity_waitsForTheEnrollFile(@TempDir Path dir) throws Exception {
    Path cfg = Files.writeString(dir.resolve("agent.yaml"), "controller: ctl.lab:7443\nhost: web-1\nca_fingerprint: \""
        + FP + "\"\nstate_dir: ./state\n");
    AgentConfig.Waiting w = (AgentConfig.Waiting) FirstBoot.check(cfg);
    assertThat(w.malformed()).isFalse();
    assertThat(w.reason()).contains("no identity in " + dir.resolve("./state") + " and no enrollment token: waiting for "
        + dir.resolve("enroll.yaml") + " (cloud-init writes it)").contains("homefleet token create --host web-1");

    // With an identity there is nothing to wait for, token or not.
    Files.createDirectories(dir.resolve("state"));
    Files.writeString(dir.resolve("state/identity.pem"), "x");
    Files.writeString(dir.resolve("state/ca.crt"), "x");
    assertThat(FirstBoot.check(cfg)).isInstanceOf(AgentConfig.Ready.class);
  }

  @Test
  void await_waitsUntilTheEnrollFileAppears_sayingSoInTheStatus_thenReturnsItsConfig(@TempDir Path dir) throws Exception {
    Path cfg = Files.writeString(dir.resolve("agent.yaml"), "host: web-1\nstate_dir: ./state\n");
    CompletableFuture<AgentConfig> done = awaitInBackground(cfg);
    Path status = AgentStatus.file(dir.resolve("state"));
    awaitStatus(status, "\"state\":\"waiting\"");
    assertThat(Files.readString(status)).contains("there is no enroll file " + dir.resolve("enroll.yaml"));
    Thread.sleep(200);
    assertThat(done).isNotDone();

    Files.writeString(dir.resolve("enroll.yaml"), ENROLL);
    AgentConfig c = done.get(10, TimeUnit.SECONDS);
    assertThat(c.token()).contains(TOKEN);
    assertThat(c.controller()).isEqualTo("ctl.lab:7443");
  }

  @Test
  void await_whenTheEnrollFileIsMalformed_saysWhatIsWrong_andWaitsForACorrectedOne(@TempDir Path dir) throws Exception {
    Path cfg = Files.writeString(dir.resolve("agent.yaml"), "host: web-1\nstate_dir: ./state\n");
    Path enroll = Files.writeString(dir.resolve("enroll.yaml"), ENROLL.replace(TOKEN, "hf1.nope"));
    CompletableFuture<AgentConfig> done = awaitInBackground(cfg);
    Path status = AgentStatus.file(dir.resolve("state"));
    awaitStatus(status, "token: malformed enrollment token");
    Thread.sleep(200);
    assertThat(done).isNotDone();

    Files.writeString(enroll, ENROLL);
    assertThat(done.get(10, TimeUnit.SECONDS).token()).contains(TOKEN);
  }

  @Test
  void await_anErrorInAgentYaml_isThrownAtOnce(@TempDir Path dir) throws Exception {
    Path cfg = Files.writeString(dir.resolve("agent.yaml"), "contoller: x:1\n");
    assertThatThrownBy(() -> FirstBoot.await(cfg, Duration.ofMillis(20))).hasMessageContaining("unknown field 'contoller'");
  }

  @Test
  void retireToken_removesTheTokenFromTheEnrollFile_andLeavesAFileWithoutOneAlone(@TempDir Path dir) throws Exception {
    Path cfg = Files.writeString(dir.resolve("agent.yaml"), "host: web-1\nstate_dir: ./state\n");
    Path enroll = Files.writeString(dir.resolve("enroll.yaml"), ENROLL);
    AgentConfig c = AgentConfig.load(cfg);

    FirstBoot.retireToken(c, "web-1", Clock.systemUTC());

    assertThat(Files.readString(enroll)).doesNotContain(TOKEN).contains("ctl.lab:7443");
    String after = Files.readString(enroll);
    FirstBoot.retireToken(c, "web-1", Clock.systemUTC());
    assertThat(Files.readString(enroll)).isEqualTo(after);
  }

  /** {@link FirstBoot#await} on another thread, polling every 20 ms. */
  private static CompletableFuture<AgentConfig> awaitInBackground(Path cfg) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return FirstBoot.await(cfg, Duration.ofMillis(20));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static void awaitStatus(Path status, String needle) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!(Files.exists(status) && Files.readString(status).contains(needle))) {
      assertThat(System.nanoTime()).as("status %s to contain %s", status, needle).isLessThan(until);
      Thread.sleep(20);
    }
  }
}
