package io.homefleet.bench;

import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.Task;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskSink;
import io.homefleet.agent.module.PingModule;
import io.homefleet.agent.module.ansible.AnsibleModule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/** The measuring side of {@link ModulePaths}, in a JVM with the agent's class path. */
public final class ModulePathsChild {
  private static final int WARM_UP = 5;

  private ModulePathsChild() {}

  public static void main(String[] args) throws Exception {
    measure(Path.of(args[0]), Integer.parseInt(args[1])).forEach((k, v) -> System.out.println(k + "=" + v));
  }

  static Map<String, Object> measure(Path dir, int runs) throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("runs", runs);
    measure(out, "native", new PingModule(), dir, runs);
    measure(out, "python", new AnsibleModule("ansible.builtin.ping"), dir, runs);
    out.put("row", "| " + out.get("native_wall_us_p50") + " µs / " + out.get("native_cpu_ms_per_task") + " ms | "
        + out.get("python_wall_us_p50") + " µs / " + out.get("python_cpu_ms_per_task") + " ms |");
    return out;
  }

  private static void measure(Map<String, Object> out, String name, Module m, Path dir, int runs) throws Exception {
    for (int i = 0; i < WARM_UP; i++) {
      once(m, dir);
    }
    long self = ProcessHandle.current().pid();
    long ticks0 = ProcStats.treeCpuTicks(self);
    List<Long> walls = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      once(m, dir);
      walls.add(System.nanoTime() - t0);
    }
    long ticks = ProcStats.treeCpuTicks(self) - ticks0;
    out.put(name + "_wall_us_p50", String.format(java.util.Locale.ROOT, "%.0f", Stats.median(walls) / 1e3));
    out.put(name + "_wall_us_p90", String.format(java.util.Locale.ROOT, "%.0f", Stats.percentile(walls, 90) / 1e3));
    out.put(name + "_cpu_ms_per_task", String.format(java.util.Locale.ROOT, "%.1f", ticks * 10.0 / runs));
  }

  private static void once(Module m, Path dir) throws Exception {
    Task t = new Task("bench", "bench", m.name(), Map.of(), Duration.ofSeconds(60), false);
    Outcome o = m.run(Map.of(), new TaskContext(t, TaskSink.NONE, LoggerFactory.getLogger("bench"), dir));
    if (o.status() != Outcome.Status.OK || !"pong".equals(o.data().get("ping"))) {
      throw new IllegalStateException(m + " did not answer pong: " + o);
    }
  }
}
