package io.homefleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6's acceptance, with real servers from Debian's packages on loopback: a Prometheus
 * scrapes a real agent process's {@code /metrics} and its query API returns sane host metrics;
 * {@code promtool check metrics} accepts a scrape; an InfluxDB 1.x receives the agent's pushes
 * and returns them to a query. Needs {@code prometheus} and {@code influxdb} installed.
 */
class TelemetryIT {

  @Test
  void prometheusScrapesTheAgent_andInfluxDbReceivesItsPushes(@TempDir Path tmp) throws Exception {
    int metricsPort = Fleet.freePort();
    int promPort = Fleet.freePort();
    int influxPort = Fleet.freePort();
    List<Process> servers = new ArrayList<>();
    try (Fleet fleet = new Fleet(tmp)) {
      // The servers start while the fleet does (each takes a few seconds).
      servers.add(startInfluxDb(tmp.resolve("influx"), influxPort));
      servers.add(startPrometheus(tmp.resolve("prometheus"), promPort, metricsPort));
      fleet.init();
      fleet.startController();
      String[] t = fleet.token("web-1", "dev");
      Path cfg = fleet.agentConfig("web-1", t[0], t[1]);
      Files.writeString(cfg, Files.readString(cfg) + "telemetry:\n"
          + "  prometheus: 127.0.0.1:" + metricsPort + "\n"
          + "  influx:\n"
          + "    url: http://127.0.0.1:" + influxPort + "\n"
          + "    db: homefleet\n"
          + "    interval: 2s\n");
      fleet.startAgent("web-1", cfg);
      fleet.awaitOnline(Duration.ofSeconds(60), "web-1");
      Fleet.Result run = fleet.cli("run", "web-1", "-m", "command", "-a", "true");
      assertThat(run.exitCode()).as(run.all()).isZero();

      // promtool accepts what the agent serves.
      String scrape = get("http://127.0.0.1:" + metricsPort + "/metrics");
      Path scrapeFile = tmp.resolve("scrape.txt");
      Files.writeString(scrapeFile, scrape);
      ProcessBuilder promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true)
          .redirectInput(scrapeFile.toFile());
      Process p = promtool.start();
      String verdict = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as("promtool check metrics:\n%s", verdict).isZero();
      System.out.printf("scrape: %d bytes, %d series%n", scrape.getBytes(StandardCharsets.UTF_8).length,
          scrape.lines().filter(l -> !l.startsWith("#")).count());

      // Prometheus scraped it: host metrics through the query API.
      String prom = "http://127.0.0.1:" + promPort;
      awaitBody(prom + "/api/v1/targets", "\"health\":\"up\"", Duration.ofSeconds(60));
      double total = promValue(prom, "homefleet_host_memory_total_bytes{host=\"web-1\"}");
      assertThat(total).isGreaterThan(64 << 20);
      assertThat(promValue(prom, "homefleet_host_memory_used_bytes{host=\"web-1\"}")).isPositive().isLessThan(total);
      assertThat(promValue(prom, "homefleet_host_cpus{host=\"web-1\"}"))
          .isEqualTo(Runtime.getRuntime().availableProcessors());
      assertThat(promValue(prom, "sum(homefleet_host_cpu_seconds_total{host=\"web-1\"})")).isPositive();
      assertThat(promValue(prom, "homefleet_host_uptime_seconds{host=\"web-1\"}")).isPositive();
      assertThat(promValue(prom, "homefleet_host_filesystem_size_bytes{host=\"web-1\",mountpoint=\"/\"}"))
          .isGreaterThan(promValue(prom, "homefleet_host_filesystem_avail_bytes{host=\"web-1\",mountpoint=\"/\"}"));
      assertThat(promValue(prom, "homefleet_host_network_receive_bytes_total{host=\"web-1\",device=\"lo\"}"))
          .isPositive();
      assertThat(promValue(prom, "homefleet_agent_session_connected{host=\"web-1\"}")).isEqualTo(1);
      assertThat(promValue(prom, "homefleet_agent_tasks_total{host=\"web-1\",module=\"command\",result=\"changed\"}"))
          .isEqualTo(1);
      assertThat(promValue(prom, "homefleet_agent_certificate_expiry_seconds{host=\"web-1\"}")).isPositive();

      // InfluxDB got the pushes: the same figures come back from InfluxQL.
      String influx = "http://127.0.0.1:" + influxPort;
      String q = influx + "/query?db=homefleet&q=" + URLEncoder.encode(
          "SELECT last(value) FROM homefleet_host_memory_total_bytes WHERE host='web-1'", StandardCharsets.UTF_8);
      String body = awaitBody(q, "\"values\"", Duration.ofSeconds(30));
      assertThat(firstValue(body)).isEqualTo(total);
      String load = awaitBody(influx + "/query?db=homefleet&q=" + URLEncoder.encode(
          "SELECT last(value) FROM homefleet_host_filesystem_size_bytes WHERE host='web-1' AND mountpoint='/'",
          StandardCharsets.UTF_8), "\"values\"", Duration.ofSeconds(30));
      assertThat(firstValue(load)).isPositive();
      // Counters are pushed as the count of each interval (Micrometer's step meters): they add up to the total.
      String sumTasks = influx + "/query?db=homefleet&q=" + URLEncoder.encode(
          "SELECT sum(value) FROM homefleet_agent_tasks WHERE host='web-1' AND module='command'",
          StandardCharsets.UTF_8);
      double[] sum = {0};
      Waits.until("one command task in InfluxDB", Duration.ofSeconds(30), Duration.ofMillis(500), null, () -> {
        String b = get(sumTasks);
        sum[0] = b.contains("\"values\"") ? firstValue(b) : 0;
        return sum[0] >= 1;
      }, () -> "sum " + sum[0]);
      assertThat(sum[0]).isEqualTo(1);
    } finally {
      for (Process s : servers) {
        s.destroy();
        if (!s.waitFor(10, TimeUnit.SECONDS)) {
          s.destroyForcibly();
        }
      }
    }
  }

  /** InfluxDB 1.x with BUILD-NOTES.md's minimal config: loopback, everything under {@code dir}. */
  static Process startInfluxDb(Path dir, int port) throws IOException {
    Files.createDirectories(dir);
    Path conf = dir.resolve("influxdb.conf");
    Files.writeString(conf, "reporting-disabled = true\n"
        + "bind-address = \"127.0.0.1:" + Fleet.freePort() + "\"\n"
        + "[meta]\n  dir = \"" + dir.resolve("meta") + "\"\n"
        + "[data]\n  dir = \"" + dir.resolve("data") + "\"\n  wal-dir = \"" + dir.resolve("wal") + "\"\n"
        + "[monitor]\n  store-enabled = false\n"
        + "[http]\n  bind-address = \"127.0.0.1:" + port + "\"\n  log-enabled = false\n"
        + "[ifql]\n  enabled = false\n");
    return new ProcessBuilder("influxd", "-config", conf.toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("influxd.log").toFile()).start();
  }

  /** Prometheus scraping {@code 127.0.0.1:target} every second, on loopback, storage under {@code dir}. */
  static Process startPrometheus(Path dir, int port, int target) throws IOException {
    Files.createDirectories(dir);
    Path conf = dir.resolve("prometheus.yml");
    Files.writeString(conf, "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        + "scrape_configs:\n  - job_name: homefleet-agent\n    static_configs:\n"
        + "      - targets: ['127.0.0.1:" + target + "']\n");
    return new ProcessBuilder("prometheus", "--config.file=" + conf, "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port).redirectErrorStream(true)
        .redirectOutput(dir.resolve("prometheus.log").toFile()).start();
  }

  static String get(String url) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
    c.setConnectTimeout(2000);
    c.setReadTimeout(10000);
    try (InputStream in = c.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Polls {@code url} until its body contains {@code needle}; returns that body. */
  static String awaitBody(String url, String needle, Duration timeout) {
    String[] last = {""};
    Waits.until("'" + needle + "' in " + url, timeout, Duration.ofMillis(500), null, () -> {
      try {
        last[0] = get(url);
      } catch (IOException e) {
        last[0] = e.toString();
      }
      return last[0].contains(needle);
    }, () -> "last: " + last[0]);
    return last[0];
  }

  /** The value of an instant query that must return exactly one series. */
  static double promValue(String prom, String query) throws Exception {
    String body = awaitBody(prom + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8),
        "\"value\"", Duration.ofSeconds(30));
    Matcher m = Pattern.compile("\"value\":\\[[0-9.]+,\"([^\"]+)\"\\]").matcher(body);
    assertThat(m.find()).as("%s: %s", query, body).isTrue();
    double value = Double.parseDouble(m.group(1));
    assertThat(m.find()).as("one series for %s: %s", query, body).isFalse();
    return value;
  }

  /** The value of the first row of an InfluxQL answer ({@code "values":[["time",value]]}). */
  static double firstValue(String body) {
    Matcher m = Pattern.compile("\"values\":\\[\\[\"[^\"]+\",([-0-9.e+E]+)\\]").matcher(body);
    assertThat(m.find()).as(body).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
