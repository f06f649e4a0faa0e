package io.homefleet.agent.module.wait;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ansible's {@code pause} for a time: {@code seconds} or {@code minutes} (whole numbers, as
 * Ansible's {@code int()} makes them; at least one second), on the agent, cancellable. A pause
 * that waits for a key press (no duration) is refused: an agent has no terminal. Returns what
 * ansible-core 2.14's action plugin returns: {@code start}, {@code stop}, {@code delta},
 * {@code stdout} ({@code Paused for N seconds}), {@code user_input} (empty), {@code echo},
 * {@code rc}, {@code stderr}. Pauses in check mode too, as Ansible does.
 */
public final class PauseModule implements Module {
  /** Python's {@code str(datetime.now())}. */
  private static final DateTimeFormatter PYTHON_NOW = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  @Override
  public String name() {
    return "pause";
  }

  @Override
  public Outcome run(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), raw);
    if (a.has("minutes") && a.has("seconds")) {
      throw a.error("parameters are mutually exclusive: minutes|seconds");
    }
    boolean echo = a.bool("echo", true);
    boolean minutes = a.has("minutes");
    if (!minutes && !a.has("seconds")) {
      throw a.error("a pause without seconds or minutes waits for a key press, and an agent has no terminal:"
          + " give seconds or minutes (a prompt is shown only by ansible-playbook)");
    }
    long n = whole(a, minutes ? "minutes" : "seconds");
    long seconds = Math.max(1, minutes ? n * 60 : n);
    long started = System.nanoTime();
    String start = LocalDateTime.now().format(PYTHON_NOW);
    long deadline = started + seconds * 1_000_000_000L;
    // Short sleeps, so a cancel ends the pause at once.
    for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
      if (ctx.cancelled()) {
        throw new InterruptedException("cancelled");
      }
      Thread.sleep(Math.min(100, Math.max(1, left / 1_000_000)));
    }
    double duration = (System.nanoTime() - started) / 1e9;
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("rc", 0);
    data.put("stderr", "");
    data.put("stdout", "Paused for " + round2(minutes ? duration / 60.0 : duration) + (minutes ? " minutes" : " seconds"));
    data.put("start", start);
    data.put("stop", LocalDateTime.now().format(PYTHON_NOW));
    data.put("delta", (long) duration);
    data.put("echo", echo);
    data.put("user_input", "");
    return Outcome.result(false, "", data);
  }

  /** Python's {@code int(value)}: a float is truncated, a numeric string must be whole. */
  private static long whole(Args a, String name) throws TaskException {
    Object v = a.raw(name).orElseThrow();
    if (v instanceof Number num) {
      return num.longValue();
    }
    try {
      return Long.parseLong(String.valueOf(v).trim());
    } catch (NumberFormatException e) {
      throw a.error("argument '" + name + "' is of type " + v.getClass().getSimpleName() + " and we were unable to"
          + " convert to int: " + v);
    }
  }

  /** Python's {@code round(x, 2)} as {@code str} shows it: 1.0, 1.5, 0.02. */
  private static String round2(double x) {
    return Double.toString(Math.round(x * 100) / 100.0);
  }
}
