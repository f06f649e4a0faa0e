package io.homefleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.homefleet.controller.telemetry.ControllerMetrics;
import io.homefleet.controller.telemetry.FleetTelemetry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The lab's site.yml with the monitoring role passes {@code homefleet play --syntax-check}, and
 * the fleet dashboard queries only metric names the controller or the agents export: the
 * controller's from a real {@link ControllerMetrics} scrape, the agents' from docs/telemetry.md
 * (whose agent names {@code FleetTelemetryIT} checks against real agents).
 */
class MonitoringRoleTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path DASHBOARD = ROOT.resolve("playbooks/roles/monitoring/files/homefleet-fleet.json");

  @Test
  void siteYml_withTheMonitoringRole_passesSyntaxCheck() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = HomefleetMain.run(new PrintWriter(out, true), new PrintWriter(err, true), "play", "--syntax-check",
        ROOT.resolve("playbooks/site.yml").toString());
    assertThat(rc).as(err.toString()).isZero();
    assertThat(Files.readString(ROOT.resolve("playbooks/site.yml"))).contains("role: monitoring");
    assertThat(ROOT.resolve("playbooks/roles/monitoring/tasks/main.yml")).exists();
  }

  /** Field names the dashboard's InfluxQL queries read (Telegraf's prometheus input, metric_version 2). */
  static Set<String> dashboardMetrics() throws Exception {
    JsonNode dash = new ObjectMapper().readTree(DASHBOARD.toFile());
    Set<String> names = new TreeSet<>();
    Pattern field = Pattern.compile("(?:mean|last|max|min|sum)\\(\"([a-zA-Z0-9_]+)\"\\)");
    for (JsonNode panel : dash.get("panels")) {
      for (JsonNode target : panel.get("targets")) {
        String q = target.get("query").asText();
        assertThat(q).as("panel %s", panel.get("title")).contains("FROM \"prometheus\"");
        Matcher m = field.matcher(q);
        assertThat(m.find()).as("no metric in %s", q).isTrue();
        do {
          names.add(m.group(1));
        } while (m.find());
      }
    }
    return names;
  }

  /** The agent metric names docs/telemetry.md lists for the dashboard. */
  static Set<String> documentedAgentMetrics() throws Exception {
    String doc = Files.readString(ROOT.resolve("docs/telemetry.md"));
    int from = doc.indexOf("### The agents' metrics the dashboard and the CLI use");
    assertThat(from).isNotNegative();
    String section = doc.substring(from, doc.indexOf("`homefleet hosts` and `homefleet top` look", from));
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^\\| `([a-z0-9_]+)` \\|").matcher(section);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  @Test
  void dashboard_queriesOnlyExportedNames() throws Exception {
    Set<String> exported = new TreeSet<>(documentedAgentMetrics());
    try (ControllerMetrics metrics = new ControllerMetrics(new ControllerMetrics.Sources(() -> 0, () -> 0, Map::of,
        new FleetTelemetry(Clock.systemUTC())))) {
      metrics.enrollment(io.grpc.Status.Code.OK);
      Matcher m = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]").matcher(metrics.scrape());
      while (m.find()) {
        exported.add(m.group(1));
      }
    }
    Set<String> queried = dashboardMetrics();
    assertThat(queried).contains("system_cpu_usage", "homefleet_agents_connected", "homefleet_enrollments_total");
    assertThat(exported).containsAll(queried);
  }
}
