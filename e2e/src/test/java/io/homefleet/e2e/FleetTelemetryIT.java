package io.homefleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Telemetry over the session, end to end with real processes: a controller with its fleet
 * endpoint on (the default; {@code ca init --metrics-listen 127.0.0.1:0} here) and two agents; the agents' snapshots arrive, the controller's /metrics
 * shows each host's samples with its {@code host} label next to the controller's own metrics and
 * passes {@code promtool check metrics} (Debian's {@code prometheus} package); {@code homefleet
 * hosts} and {@code homefleet top} show CPU, memory and disk; a host that leaves is dropped.
 */
class FleetTelemetryIT {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void agentsTelemetry_reachesFleetEndpointAndCli(@TempDir Path tmp) throws Exception {
    Path promtool = Path.of("/usr/bin/promtool");
    assertThat(promtool).as("promtool is missing: apt-get install -y prometheus").isExecutable();
    try (Fleet fleet = new Fleet(tmp)) {
      fleet.init();
      fleet.startController();

      String[] a = fleet.token("tele-a", "dev");
      String[] b = fleet.token("tele-b", "sandbox");
      fleet.startAgent("tele-a", fleet.agentConfig("tele-a", a[0], a[1]));
      fleet.startAgent("tele-b", fleet.agentConfig("tele-b", b[0], b[1]));
      fleet.awaitOnline(Duration.ofSeconds(60), "tele-a", "tele-b");

      URI uri = fleet.metricsUrl();
      String body = awaitScrape(uri, Duration.ofSeconds(30), fleet,
          s -> s.contains("system_cpu_usage{host=\"tele-a\"}") && s.contains("system_cpu_usage{host=\"tele-b\"}"));

      // Every agent sample carries its host; the agents' meters arrived under their Prometheus names.
      for (String host : new String[] {"tele-a", "tele-b"}) {
        assertThat(body).contains("disk_total_bytes{host=\"" + host + "\",path=\"/\"}",
            "jvm_memory_used_bytes{area=\"heap\",host=\"" + host + "\"", "process_uptime_seconds{host=\"" + host + "\"}");
        assertThat(value(body, "system_memory_limit_bytes\\{host=\"" + host + "\"\\}")).isGreaterThan(1 << 20);
      }
      // The controller's own metrics, without a host label.
      assertThat(value(body, "homefleet_agents_connected")).isEqualTo(2.0);
      assertThat(value(body, "homefleet_enrollments_total\\{outcome=\"ok\"\\}")).isEqualTo(2.0);
      assertThat(value(body, "homefleet_sessions_opened_total")).isGreaterThanOrEqualTo(2.0);
      assertThat(body).contains("homefleet_runs{state=\"succeeded\"}", "homefleet_store_write_queue ",
          "jvm_memory_used_bytes{area=\"heap\",id=");
      // One family per name: the agents' JVM samples joined the controller's family.
      assertThat(Pattern.compile("(?m)^# TYPE jvm_memory_used_bytes ").matcher(body).results().count()).isEqualTo(1);

      // Every name the fleet dashboard queries is in the real scrape; the agents' ones (docs/telemetry.md) per host.
      String dashboard = Files.readString(Fleet.ROOT.resolve("playbooks/roles/monitoring/files/homefleet-fleet.json"));
      Matcher field = Pattern.compile("(?:mean|last|max|min|sum)\\(\\\\\"([a-zA-Z0-9_]+)\\\\\"\\)").matcher(dashboard);
      int queried = 0;
      while (field.find()) {
        queried++;
        assertThat(body).as("dashboard metric %s", field.group(1)).containsPattern("(?m)^" + field.group(1) + "[{ ]");
      }
      assertThat(queried).isGreaterThan(5);
      String doc = Files.readString(Fleet.ROOT.resolve("docs/telemetry.md"));
      String agentNames = doc.substring(doc.indexOf("### The agents' metrics the dashboard"),
          doc.indexOf("`homefleet hosts` and `homefleet top` look"));
      Matcher documented = Pattern.compile("(?m)^\\| `([a-z0-9_]+)` \\|").matcher(agentNames);
      int names = 0;
      while (documented.find()) {
        names++;
        assertThat(body).as("documented agent metric %s", documented.group(1))
            .containsPattern("(?m)^" + documented.group(1) + "\\{[^}]*host=\"tele-b\"");
      }
      assertThat(names).isGreaterThan(5);

      Path scrape = tmp.resolve("scrape.txt");
      Files.writeString(scrape, body);
      Path checkOut = tmp.resolve("promtool.out");
      Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true)
          .redirectInput(scrape.toFile()).redirectOutput(checkOut.toFile()).start();
      assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(check.exitValue()).as("promtool check metrics:\n%s\non:\n%s", Files.readString(checkOut), body)
          .isZero();

      // hosts: the usage columns, filled from the telemetry.
      Fleet.Result hosts = fleet.cli("hosts");
      assertThat(hosts.exitCode()).as(hosts.all()).isZero();
      assertThat(hosts.stdout()).containsPattern("NAME +ROLE +STATUS +LAST SEEN +CPU +MEM +DISK");
      assertThat(hosts.stdout()).containsPattern("(?m)^tele-a +dev +online +now +\\d+% +\\d+% +\\d+% ");
      assertThat(hosts.stdout()).containsPattern("(?m)^tele-b +sandbox +online +now +\\d+% +\\d+% +\\d+% ");

      // top, once and as JSON.
      Fleet.Result top = fleet.cli("top", "--once", "--sort", "name");
      assertThat(top.exitCode()).as(top.all()).isZero();
      assertThat(top.stdout()).contains("2 host(s), 2 online, 2 reporting telemetry");
      assertThat(top.stdout()).containsPattern("(?m)^tele-a +online +\\d+% +[0-9.]+ +\\d+% +[0-9.]+[KMGT]/[0-9.]+[KMGT] ");
      Fleet.Result topJson = fleet.cli("top", "--json");
      assertThat(topJson.exitCode()).as(topJson.all()).isZero();
      assertThat(topJson.stdout()).contains("\"name\" : \"tele-a\"", "\"name\" : \"tele-b\"", "\"disk_mount\" : \"/\"");
      Fleet.Result topTwice = fleet.cli("top", "--count", "2", "--interval", "1", "tele-a");
      assertThat(topTwice.exitCode()).as(topTwice.all()).isZero();
      assertThat(Pattern.compile("homefleet top - 1 host").matcher(topTwice.stdout()).results().count()).isEqualTo(2);

      // A host that leaves is dropped from the endpoint; the other stays.
      fleet.stopAgent("tele-b");
      String after = awaitScrape(uri, Duration.ofSeconds(30), fleet, s -> !s.contains("host=\"tele-b\""));
      assertThat(after).contains("system_cpu_usage{host=\"tele-a\"}");
      assertThat(value(after, "homefleet_sessions_closed_total")).isGreaterThanOrEqualTo(1.0);
    }
  }

  private static String awaitScrape(URI uri, Duration timeout, Fleet fleet, Predicate<String> done) {
    String[] last = {""};
    Waits.until("the fleet endpoint's scrape", timeout, Duration.ofMillis(500), null, () -> {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
      last[0] = r.body();
      return done.test(last[0]);
    }, () -> last[0] + "\n" + fleet.logs());
    return last[0];
  }

  private static double value(String body, String seriesRegex) {
    Matcher m = Pattern.compile("(?m)^" + seriesRegex + " (\\S+)$").matcher(body);
    assertThat(m.find()).as("no series %s in:\n%s", seriesRegex, body).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
