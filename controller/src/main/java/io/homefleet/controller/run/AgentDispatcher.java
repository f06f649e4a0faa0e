package io.homefleet.controller.run;

/** Hands tasks to connected agents; implemented by the session layer. */
public interface AgentDispatcher {
  boolean isOnline(String host);

  /** Sends {@code task} to {@code host}'s live stream; false when the host has none. */
  boolean dispatch(String host, TaskSpec task);

  /** Asks {@code host} to stop task {@code taskId}; false when the host has no live stream. */
  boolean cancel(String host, String taskId, String reason);
}
