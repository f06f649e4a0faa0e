package io.homefleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.controller.config.ControllerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ca init} writes the fleet endpoint's address into controller.yaml: on by default, off when asked. */
class CaInitMetricsTest {
  @TempDir
  Path dir;

  private final StringWriter err = new StringWriter();

  private int caInit(String... extra) {
    String[] args = new String[6 + extra.length];
    System.arraycopy(new String[] {"--home", dir.resolve("home").toString(), "ca", "init", "--data-dir",
        dir.resolve("data").toString()}, 0, args, 0, 6);
    System.arraycopy(extra, 0, args, 6, extra.length);
    return HomefleetMain.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
  }

  @Test
  void byDefault_theEndpointIsOnLoopback9464() throws Exception {
    assertThat(caInit()).as(err.toString()).isZero();
    Path yaml = dir.resolve("data").resolve(ControllerConfig.FILE_NAME);
    assertThat(Files.readString(yaml)).contains("metrics_listen: 127.0.0.1:9464\n");
    ControllerConfig c = ControllerConfig.load(yaml);
    assertThat(c.metricsEnabled()).isTrue();
    assertThat(c.metricsHost() + ":" + c.metricsPort()).isEqualTo(ControllerConfig.DEFAULT_METRICS_LISTEN);
  }

  @Test
  void off_isWrittenAndServesNothing() throws Exception {
    assertThat(caInit("--metrics-listen", "off")).as(err.toString()).isZero();
    assertThat(ControllerConfig.load(dir.resolve("data").resolve(ControllerConfig.FILE_NAME)).metricsEnabled()).isFalse();
  }

  @Test
  void badAddress_exitsTwoNamingTheFieldAndCreatesNothing() {
    assertThat(caInit("--metrics-listen", "localhost")).isEqualTo(2);
    assertThat(err.toString()).contains("homefleet: ca init: metrics_listen: 'localhost' is not HOST:PORT"
        + " (example: 127.0.0.1:9464, the default; off serves no metrics); nothing was created");
    assertThat(dir.resolve("data").resolve("pki")).doesNotExist();
    assertThat(dir.resolve("data").resolve(ControllerConfig.FILE_NAME)).doesNotExist();
    assertThat(dir.resolve("home")).doesNotExist();
  }
}
