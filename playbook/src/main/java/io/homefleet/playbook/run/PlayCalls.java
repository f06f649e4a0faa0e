package io.homefleet.playbook.run;

import io.homefleet.playbook.plan.ModuleResult;
import io.homefleet.playbook.plan.TaskStatus;
import io.homefleet.playbook.template.ControllerLookup;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a host's run asks the controller while a play runs, for the keywords that involve other
 * hosts or the controller's machine: {@code delegate_to}, {@code run_once}, {@code throttle}, the
 * controller's lookups, {@code include_vars} and {@code fetch}. The agent's play worker
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
   * A lookup Ansible runs on the controller ({@link ControllerLookup#NAMES}) whose arguments
   * needed this host's variables, answered by the run's controller.
   *
   * @throws ControllerLookup.Failure when the lookup failed there (the caller applies {@code errors=})
   */
  default List<Object> lookup(String plugin, List<Object> terms, Map<String, Object> keywords, String roleDir)
      throws InterruptedException {
    throw new IllegalStateException("lookup('" + plugin + "') runs on the controller, and this run has none to ask");
  }

  /**
   * include_vars: the controller reads the files {@code args} name (templated) from the run's
   * playbook tree, as Ansible's action plugin does, and returns the module's result.
   */
  default Answer includeVars(Map<String, Object> args, String roleDir) throws InterruptedException {
    return Answer.failed("include_vars needs the controller (this run has none)");
  }

  /** fetch: the controller writes {@code content} (the host's file {@code src}) under {@code dest} on its machine. */
  default Answer fetch(int taskId, String src, String dest, boolean flat, boolean check, byte[] content)
      throws InterruptedException {
    return Answer.failed("fetch needs the controller (this run has none)");
  }

  /**
   * The controller's answer for include_vars and fetch.
   *
   * @param result the module's result as register stores it
   * @param secrets vault values in {@code result}, masked in what the host reports
   */
  record Answer(Map<String, Object> result, List<String> secrets) {
    public Answer {
      result = result == null ? Map.of() : result;
      secrets = secrets == null ? List.of() : List.copyOf(secrets);
    }

    public static Answer failed(String msg) {
      return new Answer(Map.of("failed", true, "msg", msg), List.of());
    }
  }

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
