package io.homefleet.controller.play;

import io.homefleet.playbook.plan.TaskStatus;
import java.util.Map;

/** What a running play asks the controller (delegate_to, run_once, throttle, lookups, include_vars, fetch), and the answer. */
public final class Calls {
  private Calls() {}

  /** One question from one host's part; the session layer turns the protobuf message into one of these. */
  public sealed interface Call permits Delegate, RunOnce, Throttle, Lookup, IncludeVars, Fetch {
    String assignmentId();

    long callId();
  }

  /** Run {@code module} on {@code host} for the asking host's task. */
  public record Delegate(String assignmentId, long callId, int taskId, String host, String module,
      Map<String, Object> args, boolean check, boolean diff, Map<String, String> environment, boolean delegateFacts,
      String user) implements Call {}

  /** May the asking host run the run_once task {@code taskId}, or what did the host that ran it get? */
  public record RunOnce(String assignmentId, long callId, int taskId) implements Call {}

  /** Take ({@code release} false) or give back one of the task's {@code limit} slots. */
  public record Throttle(String assignmentId, long callId, int taskId, int limit, boolean release) implements Call {}

  /** A controller lookup whose arguments needed the host's variables ({@code roleDir}: where its search starts). */
  public record Lookup(String assignmentId, long callId, String plugin, java.util.List<Object> terms,
      Map<String, Object> keywords, String roleDir) implements Call {}

  /** include_vars with the arguments the host templated. */
  public record IncludeVars(String assignmentId, long callId, Map<String, Object> args, String roleDir)
      implements Call {}

  /** fetch: the host's file {@code src}, to be written under {@code dest} on the controller's machine. */
  public record Fetch(String assignmentId, long callId, int taskId, String src, String dest, boolean flat,
      boolean check, byte[] content) implements Call {}

  /**
   * The answer to a call.
   *
   * @param error why there is none (the task fails with it), empty when there is
   * @param status the result's status (delegate, run_once)
   * @param result the result as register stores it (delegate, run_once)
   * @param runHere run_once: the asking host runs the task
   * @param ignored run_once: the failure was ignored on the host that ran it
   * @param values lookup: its results (then sent instead of {@code result}), else null
   * @param secrets lookup, include_vars: vault values in the answer, which the host masks
   */
  public record Answer(String assignmentId, long callId, String error, TaskStatus status, Map<String, Object> result,
      boolean runHere, boolean ignored, java.util.List<Object> values, java.util.List<String> secrets) {

    public Answer {
      secrets = secrets == null ? java.util.List.of() : java.util.List.copyOf(secrets);
    }

    public Answer(String assignmentId, long callId, String error, TaskStatus status, Map<String, Object> result,
        boolean runHere, boolean ignored) {
      this(assignmentId, callId, error, status, result, runHere, ignored, null, java.util.List.of());
    }

    static Answer values(Call c, java.util.List<Object> values) {
      return new Answer(c.assignmentId(), c.callId(), "", TaskStatus.OK, Map.of(), false, false, values,
          java.util.List.of());
    }

    static Answer module(Call c, Map<String, Object> result, java.util.Collection<String> secrets) {
      return new Answer(c.assignmentId(), c.callId(), "", TaskStatus.OK, result, false, false, null,
          java.util.List.copyOf(secrets));
    }

    static Answer error(Call c, String error) {
      return new Answer(c.assignmentId(), c.callId(), error, TaskStatus.FAILED, Map.of(), false, false);
    }

    static Answer ok(Call c) {
      return new Answer(c.assignmentId(), c.callId(), "", TaskStatus.OK, Map.of(), false, false);
    }

    static Answer runHere(Call c) {
      return new Answer(c.assignmentId(), c.callId(), "", TaskStatus.OK, Map.of(), true, false);
    }

    static Answer result(Call c, TaskStatus status, Map<String, Object> result, boolean ignored) {
      return new Answer(c.assignmentId(), c.callId(), "", status, result, false, ignored);
    }
  }
}
