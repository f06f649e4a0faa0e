package io.homefleet.controller.run;

import java.util.Map;

/**
 * One task as sent to one agent. {@code user}: who the module runs as (empty: the agent's own);
 * {@code asyncSeconds}/{@code pollSeconds}: Ansible's async and poll (0: not async).
 */
public record TaskSpec(String taskId, String runId, String module, Map<String, Object> args, int timeoutSeconds,
    boolean checkMode, String user, int asyncSeconds, int pollSeconds) {
  public TaskSpec {
    args = Map.copyOf(args);
  }

  /** A task as the agent's own user, not async. */
  public TaskSpec(String taskId, String runId, String module, Map<String, Object> args, int timeoutSeconds,
      boolean checkMode) {
    this(taskId, runId, module, args, timeoutSeconds, checkMode, "", 0, 0);
  }
}
