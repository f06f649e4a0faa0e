package io.homefleet.controller.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.controller.config.ControllerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fleet endpoint as the controller serves it: on when asked, and a taken port stops the start cleanly. */
class ControllerServerMetricsTest {
  @TempDir
  Path dir;

  @Test
  void metricsOn_servesTheControllersOwnMetrics() throws Exception {
    ControllerPki.initCa(dir.resolve("pki"), "controller", List.of("localhost", "127.0.0.1"));
    try (ControllerServer s = new ControllerServer(ControllerConfig.defaults(dir, "127.0.0.1:0", "127.0.0.1:0"),
        Clock.systemUTC()).start()) {
      assertThat(s.metricsPort()).isPositive();
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + s.metricsPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("homefleet_agents_connected 0");
    }
  }

  @Test
  void metricsPortTaken_startFailsNamingTheField_andLetsGoOfEverything() throws Exception {
    ControllerPki.initCa(dir.resolve("pki"), "controller", List.of("localhost", "127.0.0.1"));
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ControllerConfig config = ControllerConfig.defaults(dir, "127.0.0.1:0", "127.0.0.1:" + taken.getLocalPort());
      ControllerServer refused = new ControllerServer(config, Clock.systemUTC());
      assertThatThrownBy(refused::start).isInstanceOf(IOException.class)
          .hasMessageStartingWith("metrics_listen 127.0.0.1:" + taken.getLocalPort() + ": ")
          .hasMessageEndingWith("(another process on that port? set metrics_listen in controller.yaml to another"
              + " HOST:PORT, or to off)");
      assertThat(refused.port()).as("no agents' port was opened").isEqualTo(-1);
      refused.close();
    }
    // The data directory's lock and store went with it: a controller starts on it at once.
    try (ControllerServer again = new ControllerServer(ControllerConfig.defaults(dir, "127.0.0.1:0", "off"),
        Clock.systemUTC()).start()) {
      assertThat(again.port()).isPositive();
      assertThat(again.metricsPort()).isEqualTo(-1);
    }
  }
}
