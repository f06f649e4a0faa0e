package io.homefleet.controller.play;

import io.homefleet.playbook.plan.TaskStatus;
import java.util.Map;

/** What a running play asks the controller (delegate_to, run_once, throttle), and the answer. */
public final class Calls {
  private Calls() {}

  /** One question from one host's part; the session layer turns the protobuf message into one of these. */
  public sealed interface Call permits Delegate, RunOnce, Throttle {
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

  /**
   * The answer to a call.
   *
   * @param error why there is none (the task fails with it), empty when there is
   * @param status the result's status (delegate, run_once)
   * @param result the result as register stores it (delegate, run_once)
   * @param runHere run_once: the asking host runs the task
   * @param ignored run_once: the failure was ignored on the host that ran it
   */
  public record Answer(String assignmentId, long callId, String error, TaskStatus status, Map<String, Object> result,
      boolean runHere, boolean ignored) {

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
