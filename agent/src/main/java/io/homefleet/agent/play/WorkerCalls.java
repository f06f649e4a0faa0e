package io.homefleet.agent.play;

import com.google.protobuf.ByteString;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.playbook.plan.ModuleResult;
import io.homefleet.playbook.plan.TaskStatus;
import io.homefleet.playbook.run.InvocationContext;
import io.homefleet.playbook.run.PlayCalls;
import io.homefleet.playbook.template.ControllerLookup;
import io.homefleet.proto.v1.DelegateCall;
import io.homefleet.proto.v1.FetchCall;
import io.homefleet.proto.v1.IncludeVarsCall;
import io.homefleet.proto.v1.LookupCall;
import io.homefleet.proto.v1.PlayCall;
import io.homefleet.proto.v1.PlayCallResult;
import io.homefleet.proto.v1.RunOnceCall;
import io.homefleet.proto.v1.ThrottleCall;
import java.io.IOException;
import java.util.List;
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

  @Override
  public List<Object> lookup(String plugin, List<Object> terms, Map<String, Object> keywords, String roleDir)
      throws InterruptedException {
    PlayCallResult r = sink.call(work, PlayCall.newBuilder().setLookup(LookupCall.newBuilder().setPlugin(plugin)
        .setTermsJson(PlayMessages.json(terms)).setKeywordsJson(PlayMessages.json(keywords)).setRoleDir(roleDir)));
    if (!r.getError().isEmpty()) {
      throw new ControllerLookup.Failure(r.getError());
    }
    try {
      return PlayMessages.list(r.getResultJson());
    } catch (IOException e) {
      throw new ControllerLookup.Failure("lookup('" + plugin + "'): unreadable answer from the controller: "
          + e.getMessage());
    }
  }

  @Override
  public Answer includeVars(Map<String, Object> args, String roleDir) throws InterruptedException {
    PlayCallResult r = sink.call(work, PlayCall.newBuilder().setIncludeVars(IncludeVarsCall.newBuilder()
        .setArgsJson(PlayMessages.json(args)).setRoleDir(roleDir)));
    return answer(r);
  }

  @Override
  public Answer fetch(int taskId, String src, String dest, boolean flat, boolean check, byte[] content)
      throws InterruptedException {
    PlayCallResult r = sink.call(work, PlayCall.newBuilder().setFetch(FetchCall.newBuilder().setSrc(src).setDest(dest)
        .setFlat(flat).setCheckMode(check).setContent(ByteString.copyFrom(content)).setTaskId(taskId)));
    return answer(r);
  }

  private static Answer answer(PlayCallResult r) {
    if (!r.getError().isEmpty()) {
      return Answer.failed(r.getError());
    }
    return new Answer(PlayMessages.map(r.getResultJson()), r.getSecretsList());
  }
}
