package io.homefleet.playbook.plan;

import io.homefleet.playbook.model.Values;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What one module call returned: its status, and Ansible's result dictionary ({@code changed},
 * {@code failed}, {@code msg}, {@code rc}, {@code stdout}, {@code diff}, {@code ansible_facts},
 * ...), which is what {@code register} stores. The dictionary always has {@code changed} and
 * {@code failed} consistent with the status.
 *
 * @param status how it ended
 * @param result the result dictionary (plain values: maps, lists, strings, numbers, booleans, null)
 */
public record ModuleResult(TaskStatus status, Map<String, Object> result) {

  public ModuleResult {
    Objects.requireNonNull(status, "status");
    Map<String, Object> r = new LinkedHashMap<>(result);
    r.put("changed", status == TaskStatus.CHANGED
        || (status == TaskStatus.FAILED && Boolean.TRUE.equals(result.get("changed"))));
    r.put("failed", status == TaskStatus.FAILED);
    if (status == TaskStatus.SKIPPED) {
      r.put("skipped", true);
    }
    result = Values.freeze(r);
  }

  /**
   * A result read from an Ansible-style dictionary: failed (or, with no {@code failed} key, a
   * non-zero {@code rc}), else skipped, else changed, else ok.
   */
  public static ModuleResult of(Map<String, Object> result) {
    TaskStatus status;
    boolean rcFailed = !result.containsKey("failed") && result.get("rc") instanceof Number rc && rc.intValue() != 0;
    if (isTrue(result.get("failed")) || rcFailed) {
      status = TaskStatus.FAILED;
    } else if (isTrue(result.get("skipped"))) {
      status = TaskStatus.SKIPPED;
    } else if (isTrue(result.get("changed"))) {
      status = TaskStatus.CHANGED;
    } else {
      status = TaskStatus.OK;
    }
    return new ModuleResult(status, result);
  }

  /** Nothing to change. */
  public static ModuleResult ok(Map<String, Object> result) {
    return new ModuleResult(TaskStatus.OK, result);
  }

  /** Something changed. */
  public static ModuleResult changed(Map<String, Object> result) {
    return new ModuleResult(TaskStatus.CHANGED, result);
  }

  /** A failure with Ansible's {@code msg}. */
  public static ModuleResult failed(String msg) {
    return new ModuleResult(TaskStatus.FAILED, Map.of("msg", msg));
  }

  /** A module that decided not to run ({@code creates} exists, ...). */
  public static ModuleResult skipped(String msg) {
    return new ModuleResult(TaskStatus.SKIPPED, Map.of("msg", msg));
  }

  /** The result's {@code msg}, empty when it has none. */
  public String msg() {
    Object m = result.get("msg");
    return m == null ? "" : String.valueOf(m);
  }

  /** The result's {@code rc}, when it has one. */
  public OptionalInt rc() {
    return result.get("rc") instanceof Number n ? OptionalInt.of(n.intValue()) : OptionalInt.empty();
  }

  private static boolean isTrue(Object o) {
    return o instanceof Boolean b ? b : o != null && Boolean.parseBoolean(String.valueOf(o));
  }
}
