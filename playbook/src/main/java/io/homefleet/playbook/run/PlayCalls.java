package io.homefleet.playbook.run;

import io.homefleet.playbook.plan.ModuleResult;
import io.homefleet.playbook.plan.TaskStatus;
import java.util.Map;
import java.util.Objects;

/**
 * What a host's run asks the controller while a play runs, for the keywords that involve other
 * hosts: {@code delegate_to}, {@code run_once} and {@code throttle}. The agent's play worker
 * answers through the session (the controller knows the batch and reaches the other agents);
 * {@link #ALONE} is a run with no controller behind it.
 */
public interface PlayCalls {

  /** No controller: this host is the whole batch, and there is no other host to delegate to. */
  PlayCalls ALONE = new PlayCalls() {
    @Override
    public ModuleResult delegate(int taskId, String host, String module, Map<String, Object> args,
        InvocationContext context, boolean delegateFacts) {
      return ModuleResult.failed(context.location() + ": delegate_to " + host + " needs the controller (this run has"
          + " none)");
    }

    @Override
    public RunOnce runOnce(int taskId) {
      return RunOnce.HERE;
    }

    @Override
    public AutoCloseable throttle(int taskId, int limit) {
      return () -> { };
    }
  };

  /**
   * Runs {@code module} on {@code host} (an enrolled host, or {@code localhost}: the controller's)
   * with arguments this host templated, and returns its result.
   */
  ModuleResult delegate(int taskId, String host, String module, Map<String, Object> args, InvocationContext context,
      boolean delegateFacts) throws InterruptedException;

  /** Whether this host runs the {@code run_once} task, or else the result of the host that ran it. */
  RunOnce runOnce(int taskId) throws InterruptedException;

  /** Waits for one of the task's {@code throttle} slots; closing the result gives it back. */
  AutoCloseable throttle(int taskId, int limit) throws InterruptedException;

  /**
   * The controller's answer for a {@code run_once} task.
   *
   * @param runHere this host runs the task (the others get its result)
   * @param status the result's status, when another host ran it
   * @param ignored the failure was ignored on the host that ran it
   * @param result the result as register stores it
   * @param error why there is no answer (the task fails with it), empty when there is one
   */
  record RunOnce(boolean runHere, TaskStatus status, boolean ignored, Map<String, Object> result, String error) {
    public static final RunOnce HERE = new RunOnce(true, TaskStatus.OK, false, Map.of(), "");

    public RunOnce {
      Objects.requireNonNull(status, "status");
      result = result == null ? Map.of() : result;
      error = error == null ? "" : error;
    }
  }
}
