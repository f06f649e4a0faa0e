package io.homefleet.agent.exec;

import java.time.Duration;
import java.util.Map;

/** One unit of work as the agent sees it. A zero timeout means none. */
public record Task(String id, String runId, String module, Map<String, Object> args, Duration timeout,
    boolean checkMode) {
  public Task {
    args = Map.copyOf(args);
  }
}
