package io.homefleet.controller.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControllerConfigMetricsTest {
  @TempDir
  Path dir;

  private ControllerConfig load(String yaml) throws Exception {
    return ControllerConfig.load(Files.writeString(dir.resolve("controller.yaml"), yaml));
  }

  @Test
  void metricsListen_absent_isOnLoopback9464() throws Exception {
    ControllerConfig c = load("listen: 127.0.0.1:7443\n");
    assertThat(c.metricsEnabled()).isTrue();
    assertThat(c.metricsHost()).isEqualTo("127.0.0.1");
    assertThat(c.metricsPort()).isEqualTo(9464);
  }

  @Test
  void metricsListen_off_servesNone() throws Exception {
    ControllerConfig c = load("listen: 127.0.0.1:7443\nmetrics_listen: off\n");
    assertThat(c.metricsEnabled()).isFalse();
    assertThat(c.metricsPort()).isEqualTo(-1);
  }

  @Test
  void metricsListen_hostAndPort() throws Exception {
    ControllerConfig c = load("listen: 127.0.0.1:7443\nmetrics_listen: 127.0.0.1:9464\n");
    assertThat(c.metricsEnabled()).isTrue();
    assertThat(c.metricsHost()).isEqualTo("127.0.0.1");
    assertThat(c.metricsPort()).isEqualTo(9464);
  }

  @Test
  void metricsListen_withoutPort_namesTheFieldAndAnExample() {
    assertThatThrownBy(() -> load("metrics_listen: localhost\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("metrics_listen: 'localhost' is not HOST:PORT (example: 127.0.0.1:9464, the default;"
            + " off serves no metrics)");
  }

  @Test
  void maxConnectionRate_defaultCustomAndOff() throws Exception {
    assertThat(load("listen: 127.0.0.1:7443\n").maxConnectionRate()).isEqualTo(ControllerConfig.DEFAULT_MAX_CONNECTION_RATE);
    assertThat(load("max_connection_rate: 50\n").maxConnectionRate()).isEqualTo(50);
    assertThat(load("max_connection_rate: 0\n").maxConnectionRate()).isZero();
  }

  @Test
  void maxConnectionRate_negative_namesTheFieldAndTheRange() {
    assertThatThrownBy(() -> load("max_connection_rate: -5\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("max_connection_rate: must be between 1 and 100000 new connections per second, or 0");
  }
}
