package io.homefleet.agent.exec;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Modules wrapped so that every run is reported with its module, result and duration: the
 * agent's task metrics for ad-hoc tasks, and the play worker's reports of its plays' tasks to
 * the agent (which counts them alike).
 */
public final class ModuleRuns {
  /** Told of each finished run; called on the task's thread. */
  @FunctionalInterface
  public interface Listener {
    /**
     * @param result {@code ok}, {@code changed}, {@code failed}, {@code skipped},
     *     {@code timed_out} or {@code cancelled}; {@code failed} also for a thrown module error
     */
    void finished(String module, String result, long nanos);
  }

  private ModuleRuns() {}

  /** {@code modules}, each reporting its runs to {@code listener}. */
  public static Map<String, Module> observed(Map<String, Module> modules, Listener listener) {
    Map<String, Module> out = new LinkedHashMap<>();
    modules.forEach((name, m) -> out.put(name, new Observed(m, listener)));
    return out;
  }

  private record Observed(Module inner, Listener listener) implements Module {
    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public Outcome run(Map<String, Object> args, TaskContext ctx) throws TaskException, InterruptedException {
      long start = System.nanoTime();
      String result = "failed";
      try {
        Outcome o = inner.run(args, ctx);
        result = o.status().name().toLowerCase(Locale.ROOT);
        return o;
      } catch (InterruptedException e) {
        result = "cancelled";
        throw e;
      } finally {
        listener.finished(inner.name(), result, System.nanoTime() - start);
      }
    }
  }
}
