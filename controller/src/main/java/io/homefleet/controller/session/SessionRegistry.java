package io.homefleet.controller.session;

import com.google.protobuf.ByteString;
import io.homefleet.controller.play.PlayDispatcher;
import io.homefleet.proto.v1.Cancel;
import io.homefleet.proto.v1.PlayAssignment;

import io.grpc.Status;
import io.homefleet.controller.run.AgentDispatcher;
import io.homefleet.controller.run.TaskSpec;
import io.homefleet.proto.Structs;
import io.homefleet.proto.v1.ControllerMessage;
import io.homefleet.proto.v1.TaskAssignment;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The live agent streams, at most one per host identity. */
public final class SessionRegistry implements AgentDispatcher, PlayDispatcher {
  private final ConcurrentHashMap<String, AgentStream> streams = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<Consumer<String>> disconnectListeners = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<Consumer<String>> connectListeners = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<Consumer<String>> readyListeners = new CopyOnWriteArrayList<>();

  /**
   * Registers a stream. When the host already has one that spoke within {@code staleAfterMillis}
   * the new one is refused (false). An existing stream silent for longer is a dead link whose
   * keepalive has not fired yet (a VM that was reset): it is closed and replaced.
   */
  boolean register(AgentStream stream, long staleAfterMillis, long nowMillis) {
    AgentStream[] stale = new AgentStream[1];
    AgentStream winner = streams.compute(stream.host, (host, existing) -> {
      if (existing == null) {
        return stream;
      }
      if (nowMillis - existing.lastHeardMillis > staleAfterMillis) {
        stale[0] = existing;
        return stream;
      }
      return existing;
    });
    if (stale[0] != null) {
      stale[0].close(Status.UNAVAILABLE.withDescription("replaced by a newer session of the same agent"));
      disconnectListeners.forEach(l -> l.accept(stale[0].host));
    }
    if (winner == stream) {
      stream.onReady(() -> {
        if (streams.get(stream.host) == stream && stream.ready()) {
          readyListeners.forEach(l -> l.accept(stream.host));
        }
      });
    }
    return winner == stream;
  }

  /** Removes {@code stream} if it is still the host's; notifies listeners once. */
  boolean unregister(AgentStream stream) {
    if (streams.remove(stream.host, stream)) {
      disconnectListeners.forEach(l -> l.accept(stream.host));
      return true;
    }
    return false;
  }

  public void onDisconnect(Consumer<String> listener) {
    disconnectListeners.add(listener);
  }

  /** Tells {@code listener} the name of each host whose agent has connected and said hello (welcomed). */
  public void onConnect(Consumer<String> listener) {
    connectListeners.add(listener);
  }

  /**
   * Tells {@code listener} the name of each host that may be given work again: its agent was
   * welcomed, or its stream, full because the agent was not reading, drained. Runs on the
   * session's gRPC executor: the listener must be short.
   */
  public void onReady(Consumer<String> listener) {
    readyListeners.add(listener);
  }

  /** The host's agent said hello and was welcomed: it is ready for work. */
  void welcomed(String host) {
    AgentStream s = streams.get(host);
    if (s != null) {
      s.welcomed();
    }
    connectListeners.forEach(l -> l.accept(host));
    readyListeners.forEach(l -> l.accept(host));
  }

  /**
   * Whether {@code host} may be given work now: it has a welcomed stream that gRPC is not holding
   * back (the agent reads what it is sent). Does not lock.
   */
  public boolean isReady(String host) {
    AgentStream s = streams.get(host);
    return s != null && s.ready();
  }

  @Override
  public boolean isOnline(String host) {
    return streams.containsKey(host);
  }

  /** When a connected host's agent last said anything (0 when it is not connected). */
  public long lastHeard(String host) {
    AgentStream s = streams.get(host);
    return s == null ? 0 : s.lastHeardMillis;
  }

  public Set<String> online() {
    return Set.copyOf(streams.keySet());
  }

  public int size() {
    return streams.size();
  }

  public Optional<Long> connectedSince(String host) {
    return Optional.ofNullable(streams.get(host)).map(s -> s.openedMillis);
  }

  @Override
  public boolean dispatch(String host, TaskSpec task) {
    return assign(host, assignment(task.taskId(), task.runId(), task.module(), task.args(), task.checkMode())
        .setTimeoutSeconds(task.timeoutSeconds()).setUser(task.user()).setAsyncSeconds(task.asyncSeconds())
        .setPollSeconds(task.pollSeconds()));
  }

  private static TaskAssignment.Builder assignment(String taskId, String runId, String module, Map<String, Object> args,
      boolean check) {
    return TaskAssignment.newBuilder().setTaskId(taskId).setRunId(runId).setModule(module)
        .setArgs(Structs.toStruct(args)).setCheckMode(check);
  }

  private boolean assign(String host, TaskAssignment.Builder task) {
    AgentStream s = streams.get(host);
    return s != null && s.send(ControllerMessage.newBuilder().setAssign(task).build());
  }

  @Override
  public boolean dispatch(String host, PlayDispatcher.Assignment a) {
    AgentStream s = streams.get(host);
    return s != null && s.send(ControllerMessage.newBuilder().setPlay(PlayAssignment.newBuilder()
        .setAssignmentId(a.assignmentId())
        .setRunId(a.runId())
        .setPlayIndex(a.playIndex())
        .setPlan(ByteString.copyFrom(a.plan()))
        .setCheckMode(a.check())
        .setDiff(a.diff())).build());
  }

  @Override
  public boolean delegate(String host, PlayDispatcher.DelegatedTask task) {
    return assign(host, assignment(task.taskId(), task.runId(), task.module(), task.args(), task.check())
        .setDiff(task.diff()).putAllEnvironment(task.environment()).setUser(task.user()));
  }

  @Override
  public boolean cancel(String host, String assignmentId, String reason) {
    AgentStream s = streams.get(host);
    return s != null && s.send(ControllerMessage.newBuilder().setCancel(Cancel.newBuilder().setTaskId(assignmentId)
        .setReason(reason)).build());
  }

  /** Ends the host's live stream with {@code status}; true when there was one. */
  public boolean close(String host, Status status) {
    AgentStream s = streams.get(host);
    if (s == null) {
      return false;
    }
    s.close(status);
    unregister(s);
    return true;
  }

  /** Ends every stream (controller shutdown); agents reconnect to the next controller. */
  public void closeAll(String reason) {
    for (AgentStream s : streams.values()) {
      s.close(Status.UNAVAILABLE.withDescription(reason));
      unregister(s);
    }
  }
}
