package io.homefleet.controller.play;

/** Hands play assignments to connected agents; implemented by the session layer. */
public interface PlayDispatcher {
  boolean isOnline(String host);

  /** Sends {@code assignment} to {@code host}'s live stream; false when the host has none. */
  boolean dispatch(String host, Assignment assignment);

  /** Asks {@code host} to stop the play {@code assignmentId}; false when the host has no stream. */
  boolean cancel(String host, String assignmentId, String reason);

  /** Sends a task delegated by a running play to {@code host}; false when the host has no stream. */
  default boolean delegate(String host, DelegatedTask task) {
    return false;
  }

  /** A delegated task: a module with the arguments the delegating host templated. */
  record DelegatedTask(String taskId, String runId, String module, java.util.Map<String, Object> args, boolean check,
      boolean diff, java.util.Map<String, String> environment, String user) {}

  /**
   * One host's plan for one play.
   *
   * @param assignmentId unique per run, play and host
   * @param plan the plan as {@link io.homefleet.playbook.plan.PlanCodec} encoded it
   */
  record Assignment(String assignmentId, String runId, int playIndex, byte[] plan, boolean check, boolean diff) {}
}
