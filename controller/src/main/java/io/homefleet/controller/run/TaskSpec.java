package io.homefleet.controller.run;

import java.util.Map;

/** One task as sent to one agent. */
public record TaskSpec(String taskId, String runId, String module, Map<String, Object> args, int timeoutSeconds,
    boolean checkMode) {
  public TaskSpec {
    args = Map.copyOf(args);
  }
}
