package io.homefleet.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.homefleet.agent.config.AgentConfig;
import io.homefleet.pki.CertificateAuthority;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the agent pushes, as an InfluxDB (or Telegraf's influxdb_listener) receives it: a real
 * HTTP server on loopback records each request. Prints the bytes of one push (bench/README.md).
 */
class InfluxPushTest {
  record Request(String method, String pathAndQuery, String authorization, int wireBytes, String body) {}

  private HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    server.createContext("/", ex -> {
      byte[] wire = ex.getRequestBody().readAllBytes();
      InputStream in = new ByteArrayInputStream(wire);
      if ("gzip".equals(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
        in = new GZIPInputStream(in);
      }
      requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().toString(),
          ex.getRequestHeaders().getFirst("Authorization"), wire.length,
          new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      ex.sendResponseHeaders(ex.getRequestURI().getPath().equals("/query") ? 200 : 204, -1);
      ex.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void push_v1_createsTheDatabaseThenWritesLineProtocolWithTheHostTag(@TempDir Path dir) throws Exception {
    AgentConfig cfg = TelemetryTest.enrolled(dir, CertificateAuthority.create("lab", Duration.ofDays(1)),
        "telemetry:\n  prometheus: off\n  influx:\n    url: " + url() + "\n    db: homefleet\n");
    try (Telemetry t = new Telemetry(cfg, "1", Path.of("/proc"))) {
      t.push();
      t.push();
    }
    assertThat(requests.get(0).pathAndQuery()).startsWith("/query?").contains("CREATE+DATABASE");
    List<Request> writes = requests.stream().filter(r -> r.pathAndQuery().startsWith("/write")).toList();
    assertThat(writes).hasSizeGreaterThanOrEqualTo(2);
    Request w = writes.get(writes.size() - 1);
    assertThat(w.method()).isEqualTo("POST");
    assertThat(w.pathAndQuery()).contains("db=homefleet");
    assertThat(w.body()).containsPattern("(?m)^homefleet_host_memory_total_bytes,host=web-1,metric_type=gauge"
        + " value=[1-9][0-9.]* \\d+$");
    assertThat(w.body()).containsPattern("(?m)^homefleet_host_cpu_seconds,cpu=cpu-total,host=web-1,"
        + "mode=idle,metric_type=counter value=");
    assertThat(w.body()).containsPattern("(?m)^homefleet_host_filesystem_size_bytes,device=[^,]+,fstype=[^,]+,"
        + "host=web-1,mountpoint=/,metric_type=gauge value=[1-9]");
    System.out.printf("influx push: %d bytes on the wire (gzip), %d bytes of line protocol, %d lines%n",
        w.wireBytes(), w.body().getBytes(StandardCharsets.UTF_8).length, w.body().lines().count());
  }

  @Test
  void push_v2_writesToTheBucketWithTheToken(@TempDir Path dir) throws Exception {
    AgentConfig cfg = TelemetryTest.enrolled(dir, CertificateAuthority.create("lab", Duration.ofDays(1)),
        "telemetry:\n  prometheus: off\n  host_metrics: false\n  influx:\n    url: " + url()
            + "\n    org: lab\n    bucket: fleet\n    token: s3cret\n");
    try (Telemetry t = new Telemetry(cfg, "1", Path.of("/proc"))) {
      t.push();
    }
    Request w = requests.get(requests.size() - 1);
    assertThat(w.pathAndQuery()).startsWith("/api/v2/write?").contains("org=lab", "bucket=fleet");
    assertThat(w.authorization()).isEqualTo("Token s3cret");
    assertThat(w.body()).contains("homefleet_agent_info,host=web-1").doesNotContain("homefleet_host_");
  }
}
