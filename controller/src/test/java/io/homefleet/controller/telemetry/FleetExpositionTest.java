package io.homefleet.controller.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FleetExpositionTest {
  private static final String CONTROLLER = """
      # HELP jvm_threads_live_threads The current number of live threads
      # TYPE jvm_threads_live_threads gauge
      jvm_threads_live_threads 20.0
      # HELP homefleet_sessions_opened_total Agent sessions opened.
      # TYPE homefleet_sessions_opened_total counter
      homefleet_sessions_opened_total 2.0
      """;

  private static long count(String text, String regex) {
    return Pattern.compile(regex, Pattern.MULTILINE).matcher(text).results().count();
  }

  @Test
  void render_putsEveryAgentSampleUnderItsHostAndOneFamilyPerName() {
    HostSnapshot a = new HostSnapshot("vm-a", 1, 2, List.of(
        Sample.gauge("jvm_threads_live_threads", Map.of(), "live threads", 11),
        Sample.counter("agent_tasks_total", Map.of("module", "command"), "", 3),
        Sample.summary("agent_task_duration_seconds", Map.of(), "task time", 2, 1.5, 1.0)));
    HostSnapshot b = new HostSnapshot("vm-b", 1, 2, List.of(
        Sample.gauge("jvm_threads_live_threads", Map.of(), "live threads", 12),
        Sample.counter("agent_tasks_total", Map.of("module", "copy"), "Tasks run.", 1)));

    String out = FleetExposition.render(CONTROLLER, List.of(a, b));

    assertThat(out).contains("""
        # HELP jvm_threads_live_threads The current number of live threads
        # TYPE jvm_threads_live_threads gauge
        jvm_threads_live_threads 20.0
        jvm_threads_live_threads{host="vm-a"} 11.0
        jvm_threads_live_threads{host="vm-b"} 12.0
        """);
    assertThat(out).contains("""
        # HELP agent_tasks_total Tasks run.
        # TYPE agent_tasks_total counter
        agent_tasks_total{host="vm-a",module="command"} 3.0
        agent_tasks_total{host="vm-b",module="copy"} 1.0
        """);
    assertThat(out).contains("""
        # TYPE agent_task_duration_seconds summary
        agent_task_duration_seconds_count{host="vm-a"} 2
        agent_task_duration_seconds_sum{host="vm-a"} 1.5
        """, """
        # TYPE agent_task_duration_seconds_max gauge
        agent_task_duration_seconds_max{host="vm-a"} 1.0
        """);
    assertThat(out).contains("homefleet_sessions_opened_total 2.0");
    assertThat(count(out, "^# TYPE ")).isEqualTo(5);
    assertThat(count(out, "^# HELP ")).isEqualTo(5);
  }

  @Test
  void render_leavesOutSamplesThatWouldMakeTheScrapeInvalid() {
    HostSnapshot a = new HostSnapshot("vm-a", 1, 2, List.of(
        // A counter under the name of the controller's gauge: another type, left out.
        Sample.counter("jvm_threads_live_threads", Map.of(), "", 3),
        // The same series twice: the first wins.
        Sample.gauge("g", Map.of("k", "v"), "", 1),
        Sample.gauge("g", Map.of("k", "v"), "", 2)));

    String out = FleetExposition.render(CONTROLLER, List.of(a));

    assertThat(out).doesNotContain("jvm_threads_live_threads{host=\"vm-a\"}");
    assertThat(count(out, "^g\\{")).isEqualTo(1);
    assertThat(out).contains("g{host=\"vm-a\",k=\"v\"} 1.0");
    // A family without a description still gets HELP text (promtool refuses one without).
    assertThat(out).contains("# HELP g g (no description given by its source)");
  }

  @Test
  void render_escapesLabelValuesAndHelp() {
    HostSnapshot a = new HostSnapshot("vm-a", 1, 2, List.of(
        Sample.gauge("g", Map.of("path", "C:\\x \"y\"\nz"), "line one\nback\\slash", 1)));
    String out = FleetExposition.render("", List.of(a));
    assertThat(out).contains("g{host=\"vm-a\",path=\"C:\\\\x \\\"y\\\"\\nz\"} 1.0");
    assertThat(out).contains("# HELP g line one\\nback\\\\slash");
  }

  @Test
  void render_withoutHosts_isTheControllersScrape() {
    assertThat(FleetExposition.render(CONTROLLER, List.of())).isEqualTo("""
        # HELP homefleet_sessions_opened_total Agent sessions opened.
        # TYPE homefleet_sessions_opened_total counter
        homefleet_sessions_opened_total 2.0
        # HELP jvm_threads_live_threads The current number of live threads
        # TYPE jvm_threads_live_threads gauge
        jvm_threads_live_threads 20.0
        """);
  }
}
