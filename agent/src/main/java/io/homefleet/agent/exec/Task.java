package io.homefleet.agent.exec;

import java.time.Duration;
import java.util.Map;

/**
 * One unit of work as the agent sees it. A zero timeout means none.
 *
 * @param checkMode report what would change without changing anything ({@code --check})
 * @param diff return before/after for what changes ({@code --diff})
 * @param vars the task's variables (facts, play and host vars, registered results) for the
 *     modules that evaluate expressions or render templates; empty for an ad-hoc run
 * @param environment variables for the programs the module runs (Ansible's {@code environment:});
 *     empty for an ad-hoc run
 */
public record Task(String id, String runId, String module, Map<String, Object> args, Duration timeout,
    boolean checkMode, boolean diff, Map<String, Object> vars, Map<String, String> environment) {
  public Task {
    args = Map.copyOf(args);
    // Variables may hold nulls (Ansible's None), which Map.copyOf refuses.
    vars = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(vars));
    environment = Map.copyOf(environment);
  }

  /** An ad-hoc task: no diff, no variables, no extra environment. */
  public Task(String id, String runId, String module, Map<String, Object> args, Duration timeout, boolean checkMode) {
    this(id, runId, module, args, timeout, checkMode, false, Map.of(), Map.of());
  }
}
