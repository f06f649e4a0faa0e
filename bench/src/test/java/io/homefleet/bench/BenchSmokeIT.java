package io.homefleet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the benchmarks from rotting: each runs end to end at a tiny size. No timing is asserted
 * (timings belong in bench/README.md, measured on a quiet machine), only that every figure is
 * produced and every task answered.
 */
class BenchSmokeIT {
  static final Path ROOT = Path.of(System.getProperty("homefleet.root", "..")).toAbsolutePath().normalize();

  @Test
  void fanout_smallFleet_producesEveryFigure(@TempDir Path dir) throws Exception {
    System.setProperty("bench.settleSeconds", "1");
    System.setProperty("bench.idleSeconds", "1");
    Map<String, Object> r = BenchMain.fanout(ROOT, dir, 20, 2, true);
    assertThat(r).containsKeys("enroll_per_s", "connect_all_ms", "run_p50_ms", "run_p99_ms", "host_result_p99_ms",
        "controller_idle_cpu_pct", "controller_rss_mib", "controller_heap_used_mib", "storm_all_back_and_ran_ms", "row");
    assertThat(Double.parseDouble(r.get("controller_heap_used_mib").toString())).isPositive();
    assertThat(r.get("row").toString()).startsWith("| 20 |").doesNotContain("null");
  }

  @Test
  void agent_realProcess_producesEveryFigure(@TempDir Path dir) throws Exception {
    System.setProperty("bench.settleSeconds", "1");
    System.setProperty("bench.idleSeconds", "2");
    Map<String, Object> r = AgentFootprint.measure(ROOT, dir, 3);
    assertThat(r).containsKeys("first_start_enroll_connect_ms", "start_to_connected_ms", "ping_task_p50_ms",
        "agent_idle_cpu_pct", "agent_idle_rss_mib", "row");
    assertThat(Double.parseDouble(r.get("agent_idle_rss_mib").toString())).isPositive();
    assertThat(r.get("row").toString()).doesNotContain("null");
  }

  @Test
  void agentWork_realProcessAfterPlays_producesEveryFigure(@TempDir Path dir) throws Exception {
    System.setProperty("bench.settleSeconds", "1");
    System.setProperty("bench.playWorkerIdle", "1s");
    Map<String, Object> r = AgentAfterWork.measure(ROOT, dir, 1, java.util.List.of(2));
    System.clearProperty("bench.playWorkerIdle");
    assertThat(r).containsKeys("rss_mib_fresh", "rss_mib_quickstart", "rss_mib_plays_2", "rss_mib_peak_plays_2",
        "workers_gone_s_plays_2", "status_plays_2", "bench_play_nochange_wall_ms_p50",
        "bench_play_nochange_agent_cpu_ms_p50", "row");
    assertThat(Double.parseDouble(r.get("rss_mib_peak_plays_2").toString()))
        .as("agent and play worker together during the plays, more than the agent alone after them")
        .isGreaterThan(Double.parseDouble(r.get("rss_mib_plays_2").toString()));
    assertThat(Double.parseDouble(r.get("rss_mib_plays_2").toString())).isPositive();
    assertThat(r.get("row").toString()).doesNotContain("null");
  }

  @Test
  void render_producesEveryFigure() throws Exception {
    Map<String, Object> r = RenderCost.measure(ROOT, 2);
    assertThat(r).containsKeys("first_round_cpu_us_per_render", "render_cpu_us_per_render", "row");
    assertThat(Double.parseDouble(r.get("render_cpu_us_per_render").toString())).isPositive();
  }
}
