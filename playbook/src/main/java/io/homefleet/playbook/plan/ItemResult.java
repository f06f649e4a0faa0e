package io.homefleet.playbook.plan;

import java.util.Map;
import java.util.Objects;

/**
 * One loop item's result, reported as soon as the item ran.
 *
 * @param task the task
 * @param index the item's 0-based index
 * @param label the item as shown ({@code loop_control.label}, else the item)
 * @param status how the item ended
 * @param result its result (censored under {@code no_log})
 */
public record ItemResult(TaskRef task, int index, String label, TaskStatus status, Map<String, Object> result) {
  public ItemResult {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(result, "result");
  }
}
