package io.homefleet.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TelemetryConfigTest {
  private static final String BASE = "controller: a:1\nhost: h\nca_fingerprint: \"" + AgentConfigTest.FP + "\"\n";

  private static Path write(Path dir, String telemetry) throws Exception {
    Path f = dir.resolve("agent.yaml");
    Files.writeString(f, BASE + telemetry);
    return f;
  }

  @Test
  void load_withoutSection_isOff(@TempDir Path dir) throws Exception {
    TelemetryConfig t = AgentConfig.load(write(dir, "")).telemetry();
    assertThat(t.enabled()).isFalse();
    assertThat(t).isEqualTo(TelemetryConfig.OFF);
  }

  @Test
  void load_withEmptySection_servesOnLoopbackWithHostMetrics(@TempDir Path dir) throws Exception {
    TelemetryConfig t = AgentConfig.load(write(dir, "telemetry:\n")).telemetry();
    assertThat(t.enabled()).isTrue();
    assertThat(t.prometheus()).contains(new TelemetryConfig.Listen("127.0.0.1", 9109));
    assertThat(t.hostMetrics()).isTrue();
    assertThat(t.influx()).isEmpty();
  }

  @Test
  void load_withEveryField_keepsThem(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("influx.token"), "s3cret\n");
    TelemetryConfig t = AgentConfig.load(write(dir, "telemetry:\n  prometheus: '[::]:9200'\n  host_metrics: false\n"
        + "  influx:\n    url: https://influx.lab:8086\n    org: lab\n    bucket: fleet\n    token_file: influx.token\n"
        + "    interval: 10s\n")).telemetry();
    assertThat(t.prometheus()).contains(new TelemetryConfig.Listen("::", 9200));
    assertThat(t.hostMetrics()).isFalse();
    TelemetryConfig.Influx i = t.influx().orElseThrow();
    assertThat(i.url()).isEqualTo(URI.create("https://influx.lab:8086"));
    assertThat(i.v2()).isTrue();
    assertThat(i.token()).contains("s3cret");
    assertThat(i.interval()).isEqualTo(Duration.ofSeconds(10));

    TelemetryConfig v1 = AgentConfig.load(write(dir, "telemetry:\n  prometheus: off\n  influx:\n"
        + "    url: http://10.0.0.5:8186\n    db: homefleet\n    username: u\n    password: p\n")).telemetry();
    assertThat(v1.prometheus()).isEmpty();
    assertThat(v1.influx().orElseThrow().v2()).isFalse();
    assertThat(v1.influx().orElseThrow().db()).contains("homefleet");
    assertThat(v1.influx().orElseThrow().interval()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void load_whenWrong_namesFileLineFieldAndFix(@TempDir Path dir) throws Exception {
    Path f = write(dir, "telemetry:\n  promethus: 127.0.0.1:9109\n");
    assertThatThrownBy(() -> AgentConfig.load(f)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(f + ":5:3: telemetry: unknown field 'promethus'").hasMessageContaining("prometheus");
    assertThatThrownBy(() -> AgentConfig.load(write(dir, "telemetry:\n  prometheus: 9109\n")))
        .hasMessageContaining(":5:15: telemetry.prometheus: '9109' is not HOST:PORT")
        .hasMessageContaining("'prometheus: off'");
    assertThatThrownBy(() -> AgentConfig.load(write(dir, "telemetry: yes\n")))
        .hasMessageContaining("telemetry: expected 'field: value' pairs");
    assertThatThrownBy(() -> AgentConfig.load(write(dir, "telemetry:\n  host_metrics: maybe\n")))
        .hasMessageContaining("telemetry.host_metrics: expected true or false");
    assertThatThrownBy(() -> AgentConfig.load(write(dir, "telemetry:\n  influx:\n    db: x\n")))
        .hasMessageContaining("telemetry.influx.url: missing");
    assertThatThrownBy(() -> AgentConfig.load(write(dir, "telemetry:\n  influx:\n    url: influx.lab:8086\n    db: x\n")))
        .hasMessageContaining("telemetry.influx.url: 'influx.lab:8086' is not an http:// or https:// URL");
    assertThatThrownBy(() -> AgentConfig.load(write(dir, "telemetry:\n  influx:\n    url: http://i:8086\n")))
        .hasMessageContaining("telemetry.influx.db: missing");
    assertThatThrownBy(() -> AgentConfig.load(write(dir, "telemetry:\n  influx:\n    url: http://i:8086\n"
        + "    org: lab\n    bucket: b\n"))).hasMessageContaining("InfluxDB 2 needs org, bucket and token");
    assertThatThrownBy(() -> AgentConfig.load(write(dir, "telemetry:\n  influx:\n    url: http://i:8086\n"
        + "    db: x\n    interval: soon\n"))).hasMessageContaining("telemetry.influx.interval: 'soon' is not a duration");
    assertThatThrownBy(() -> AgentConfig.load(write(dir, "telemetry:\n  influx:\n    url: http://i:8086\n"
        + "    db: x\n    token_file: missing.token\n"))).hasMessageContaining("telemetry.influx.token_file: cannot read");
  }
}
