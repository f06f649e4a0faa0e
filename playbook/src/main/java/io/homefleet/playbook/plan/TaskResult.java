package io.homefleet.playbook.plan;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A task's outcome, reported when it finished (all its items and retries).
 *
 * @param task the task
 * @param status how it ended; for a loop, failed if an item failed, else changed if one changed,
 *     else skipped if all were skipped, else ok
 * @param ignored a failure that {@code ignore_errors} let pass
 * @param result the result as {@code register} stores it (for a loop: {@code results} holds the
 *     items' results); censored under {@code no_log}
 * @param diffs the {@code diff} of the result or of each item, when diff mode was on
 */
public record TaskResult(TaskRef task, TaskStatus status, boolean ignored, Map<String, Object> result,
    List<Object> diffs) {
  public TaskResult {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(result, "result");
    diffs = List.copyOf(diffs);
  }

  /** Whether it changed something. */
  public boolean changed() {
    return status == TaskStatus.CHANGED || (status == TaskStatus.FAILED && Boolean.TRUE.equals(result.get("changed")));
  }

  /** The result's {@code msg}, empty when none. */
  public String msg() {
    Object m = result.get("msg");
    return m == null ? "" : String.valueOf(m);
  }
}
