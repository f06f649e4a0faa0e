package io.homefleet.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {
  static final String FP = "sha256:" + "AB:".repeat(31) + "AB";
  static final String TOKEN = "hf1." + "x".repeat(43);

  private static Path write(Path dir, String yaml) throws Exception {
    Path f = dir.resolve("agent.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void load_whenComplete_resolvesRelativeStateDirAndDefaults(@TempDir Path dir) throws Exception {
    AgentConfig c = AgentConfig.load(write(dir, "controller: ctl.lab:7443\nhost: web-1\ntoken: " + TOKEN
        + "\nca_fingerprint: \"" + FP.toLowerCase().replace("sha256:", "").replace(":", "") + "\"\nstate_dir: ./state\n"
        + "labels:\n  rack: a\n"));
    assertThat(c.controller()).isEqualTo("ctl.lab:7443");
    assertThat(c.hostName()).isEqualTo("web-1");
    assertThat(c.token()).contains(TOKEN);
    assertThat(c.caFingerprint()).isEqualTo(FP);
    assertThat(c.stateDir()).isEqualTo(dir.resolve("./state"));
    assertThat(c.labels()).containsEntry("rack", "a");
    assertThat(c.keepAliveTime()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.reconnectMax()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.playWorkerIdle()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void load_playWorkerIdle_isADuration_andABadOneIsNamedWithExamples(@TempDir Path dir) throws Exception {
    String base = "controller: a:1\nhost: h\nca_fingerprint: \"" + FP + "\"\n";
    assertThat(AgentConfig.load(write(dir, base + "play_worker_idle: 0s\n")).playWorkerIdle()).isZero();
    assertThat(AgentConfig.load(write(dir, base + "play_worker_idle: 10m\n")).playWorkerIdle())
        .isEqualTo(Duration.ofMinutes(10));
    assertThatThrownBy(() -> AgentConfig.load(write(dir, base + "play_worker_idle: soon\n")))
        .hasMessageContaining("play_worker_idle: 'soon' is not a duration (examples: 500ms, 30s, 5m, 1h)");
  }

  @Test
  void load_whenYamlBroken_namesFileLineAndColumn(@TempDir Path dir) throws Exception {
    Path f = write(dir, "controller: a:1\nca_fingerprint: [oops\n");
    assertThatThrownBy(() -> AgentConfig.load(f)).isInstanceOf(ConfigException.class)
        .hasMessageMatching("\\Q" + f + "\\E:\\d+:\\d+: .*");
  }

  @Test
  void load_whenUnknownKey_namesItsLineAndTheKnownKeys(@TempDir Path dir) throws Exception {
    Path f = write(dir, "controller: a:1\n\ntokn: x\n");
    assertThatThrownBy(() -> AgentConfig.load(f)).hasMessageStartingWith(f + ":3:1: unknown field 'tokn'")
        .hasMessageContaining("token_file");
  }

  @Test
  void load_whenControllerMissingOrNotHostPort_saysHowToFix(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> AgentConfig.load(write(dir, "ca_fingerprint: \"" + FP + "\"\n")))
        .hasMessageContaining("controller: missing");
    assertThatThrownBy(() -> AgentConfig.load(write(dir, "controller: ctl.lab\nca_fingerprint: \"" + FP + "\"\n")))
        .hasMessageContaining("controller: 'ctl.lab' is not HOST:PORT");
    assertThatThrownBy(() -> AgentConfig.load(write(dir, "controller: ctl.lab:99999\nca_fingerprint: \"" + FP + "\"\n")))
        .hasMessageContaining("is not HOST:PORT");
  }

  @Test
  void load_whenFingerprintBad_namesTheField(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> AgentConfig.load(write(dir, "controller: a:1\nca_fingerprint: sha256:12\n")))
        .hasMessageContaining("ca_fingerprint:").hasMessageContaining("not a SHA-256 fingerprint");
  }

  @Test
  void load_whenTokenMalformedOrBothTokenKinds_refuses(@TempDir Path dir) throws Exception {
    String base = "controller: a:1\nhost: h\nca_fingerprint: \"" + FP + "\"\n";
    assertThatThrownBy(() -> AgentConfig.load(write(dir, base + "token: abc\n")))
        .hasMessageContaining("token: malformed enrollment token");
    assertThatThrownBy(() -> AgentConfig.load(write(dir, base + "token: " + TOKEN + "\ntoken_file: t\n")))
        .hasMessageContaining("set one of them, not both");
  }

  @Test
  void load_whenTokenFileGiven_readsItRelativeToTheConfig(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("token"), TOKEN + "\n");
    AgentConfig c = AgentConfig.load(write(dir, "controller: a:1\nhost: h\nca_fingerprint: \"" + FP + "\"\ntoken_file: token\n"));
    assertThat(c.token()).contains(TOKEN);
  }

  @Test
  void load_whenKeepaliveBelowServerPermit_refusesWithReason(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> AgentConfig.load(write(dir, "controller: a:1\nhost: h\nca_fingerprint: \"" + FP
        + "\"\nkeepalive_time: 5s\n"))).hasMessageContaining("too_many_pings");
  }

  @Test
  void load_whenHostNameInvalid_refuses(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> AgentConfig.load(write(dir, "controller: a:1\nhost: Web_1!\nca_fingerprint: \"" + FP + "\"\n")))
        .hasMessageContaining("host: 'Web_1!' is not a valid host name");
  }

  @Test
  void load_whenFileMissingOrEmpty_saysSo(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> AgentConfig.load(dir.resolve("nope.yaml"))).hasMessageContaining("no such file");
    assertThatThrownBy(() -> AgentConfig.load(write(dir, ""))).hasMessageContaining("the file is empty");
  }

  @Test
  void load_labelsNotAMapping_namesFieldAndPlace(@TempDir Path dir) throws Exception {
    Path f = write(dir, "controller: ctl.lab:7443\nca_fingerprint: \"" + FP + "\"\nlabels: [a, b]\n");
    assertThatThrownBy(() -> AgentConfig.load(f)).hasMessageStartingWith(f + ":3:9: labels: expected 'key: value' pairs");
  }

  @Test
  void load_duplicateField_isRefusedWithItsPlace(@TempDir Path dir) throws Exception {
    Path f = write(dir, "controller: ctl.lab:7443\ncontroller: other:7443\n");
    assertThatThrownBy(() -> AgentConfig.load(f)).hasMessageStartingWith(f + ":2:1: controller: given twice");
  }
}
