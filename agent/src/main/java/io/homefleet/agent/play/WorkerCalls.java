package io.homefleet.agent.play;

import io.homefleet.agent.exec.TaskException;
import io.homefleet.playbook.plan.ModuleResult;
import io.homefleet.playbook.plan.TaskStatus;
import io.homefleet.playbook.run.InvocationContext;
import io.homefleet.playbook.run.PlayCalls;
import io.homefleet.proto.v1.DelegateCall;
import io.homefleet.proto.v1.PlayCall;
import io.homefleet.proto.v1.PlayCallResult;
import io.homefleet.proto.v1.RunOnceCall;
import io.homefleet.proto.v1.ThrottleCall;
import java.util.Map;

/** A play's {@link PlayCalls}, asked of the controller through the sink (the worker's pipe to its agent). */
final class WorkerCalls implements PlayCalls {
  private final PlayWork work;
  private final PlaySink sink;
  private final ModuleAdapter modules;

  WorkerCalls(PlayWork work, PlaySink sink, ModuleAdapter modules) {
    this.work = work;
    this.sink = sink;
    this.modules = modules;
  }

  @Override
  public ModuleResult delegate(int taskId, String host, String module, Map<String, Object> args,
      InvocationContext context, boolean delegateFacts) throws InterruptedException {
    ModuleAdapter.Delegated d;
    try {
      d = modules.delegated(module, args, context);
    } catch (TaskException e) {
      return ModuleResult.failed(e.getMessage());
    }
    PlayCallResult r = sink.call(work, PlayCall.newBuilder().setDelegate(DelegateCall.newBuilder().setHost(host)
        .setModule(d.module()).setArgsJson(PlayMessages.json(d.args())).setCheckMode(context.checkMode())
        .setDiff(context.diff()).putAllEnvironment(context.environment()).setTaskId(taskId)
        .setDelegateFacts(delegateFacts).setUser(context.user())));
    if (!r.getError().isEmpty()) {
      return ModuleResult.failed(context.location() + ": delegate_to " + host + ": " + r.getError());
    }
    return new ModuleResult(PlayMessages.status(r.getStatus()), PlayMessages.map(r.getResultJson()));
  }

  @Override
  public RunOnce runOnce(int taskId) throws InterruptedException {
    PlayCallResult r = sink.call(work, PlayCall.newBuilder().setRunOnce(RunOnceCall.newBuilder().setTaskId(taskId)));
    if (!r.getError().isEmpty()) {
      return new RunOnce(false, TaskStatus.FAILED, false, Map.of(), r.getError());
    }
    if (r.getRunHere()) {
      return RunOnce.HERE;
    }
    return new RunOnce(false, PlayMessages.status(r.getStatus()), r.getIgnored(), PlayMessages.map(r.getResultJson()),
        "");
  }

  @Override
  public AutoCloseable throttle(int taskId, int limit) throws InterruptedException {
    ThrottleCall slot = ThrottleCall.newBuilder().setTaskId(taskId).setLimit(limit).build();
    PlayCallResult r = sink.call(work, PlayCall.newBuilder().setThrottle(slot));
    if (!r.getError().isEmpty()) {
      // Without the controller's slots the task runs unthrottled rather than not at all.
      return () -> { };
    }
    return () -> sink.call(work, PlayCall.newBuilder().setRelease(slot));
  }
}
