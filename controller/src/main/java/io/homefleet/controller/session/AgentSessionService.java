package io.homefleet.controller.session;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.homefleet.controller.play.Calls;
import io.homefleet.controller.play.HostOutcome;
import io.homefleet.controller.play.PlayCoordinator;
import io.homefleet.playbook.plan.ItemResult;
import io.homefleet.playbook.plan.PlayRecap;
import io.homefleet.playbook.plan.TaskRef;
import io.homefleet.proto.Structs;
import io.homefleet.proto.v1.DelegateCall;
import io.homefleet.proto.v1.PlanTaskRef;
import io.homefleet.proto.v1.FetchCall;
import io.homefleet.proto.v1.PlayCall;
import io.homefleet.proto.v1.PlayCallResult;
import io.homefleet.proto.v1.PlayEvent;
import io.homefleet.proto.v1.PlayTaskResult;
import java.io.IOException;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.homefleet.controller.auth.CallerContext;
import io.homefleet.controller.enroll.EnrollmentAuthority;
import io.homefleet.controller.enroll.EnrollmentException;
import io.homefleet.controller.run.GroupCommit;
import io.homefleet.controller.run.RunCoordinator;
import io.homefleet.controller.run.TaskOutcome;
import io.homefleet.controller.telemetry.FleetTelemetry;
import io.homefleet.pki.Identity;
import io.homefleet.proto.v1.AgentMessage;
import io.homefleet.proto.v1.AgentSessionGrpc;
import io.homefleet.proto.v1.ControllerMessage;
import io.homefleet.proto.v1.Hello;
import io.homefleet.proto.v1.OutputChunk;
import io.homefleet.proto.v1.RenewRequest;
import io.homefleet.proto.v1.RenewResponse;
import io.homefleet.proto.v1.TaskEvent;
import io.homefleet.proto.v1.TaskResult;
import io.homefleet.proto.v1.TaskStatus;
import io.homefleet.proto.v1.Welcome;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent-facing service: one session stream per agent (hello, heartbeats, task events in;
 * welcome, tasks, acknowledgements out) and certificate renewal. Acknowledgements of stored
 * results are batched per agent ({@link AckBatcher}).
 */
public final class AgentSessionService extends AgentSessionGrpc.AgentSessionImplBase {

  /**
   * With {@code -Dhomefleet.sessionExecutor=direct}, session streams run their callbacks on the
   * connection's event loop instead of gRPC's pool (bench/README.md has what that saves); opt-in,
   * because it is safe only while a session's handlers never wait for the store. Enrollment and
   * the operator API always keep the pool.
   */
  public static ServerCallExecutorSupplier callExecutors() {
    boolean direct = "direct".equals(System.getProperty("homefleet.sessionExecutor"));
    String connect = AgentSessionGrpc.getConnectMethod().getFullMethodName();
    return new ServerCallExecutorSupplier() {
      @Override
      public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata headers) {
        return direct && call.getMethodDescriptor().getFullMethodName().equals(connect) ? Runnable::run : null;
      }
    };
  }
  private static final Logger log = LoggerFactory.getLogger(AgentSessionService.class);

  private final SessionRegistry registry;
  private final RunCoordinator runs;
  private final PlayCoordinator plays;
  private final GroupCommit writes;
  private final EnrollmentAuthority authority;
  private final Clock clock;
  private final int heartbeatSeconds;
  private final String version;
  private final FleetTelemetry telemetry;
  private final AckBatcher acks;
  private final LastSeen seen;

  private static final ObjectMapper JSON = new ObjectMapper();

  public AgentSessionService(SessionRegistry registry, RunCoordinator runs, PlayCoordinator plays,
      GroupCommit writes, EnrollmentAuthority authority, Clock clock, int heartbeatSeconds, String version,
      FleetTelemetry telemetry, ScheduledExecutorService timer) {
    this.telemetry = telemetry;
    this.acks = new AckBatcher(AckBatcher.configuredDelay(), timer);
    this.seen = new LastSeen(writes, timer, LastSeen.configuredInterval());
    this.plays = plays;
    this.writes = writes;
    this.registry = registry;
    this.runs = runs;
    this.authority = authority;
    this.clock = clock;
    this.heartbeatSeconds = heartbeatSeconds;
    this.version = version;
  }

  @Override
  public StreamObserver<AgentMessage> connect(StreamObserver<ControllerMessage> responseObserver) {
    Identity id = CallerContext.IDENTITY.get();
    String remote = CallerContext.REMOTE.get();
    ServerCallStreamObserver<ControllerMessage> out = (ServerCallStreamObserver<ControllerMessage>) responseObserver;
    AgentStream stream = new AgentStream(id.name(), clock.millis(), out);
    // Two missed heartbeats and a half: the old stream is a dead link, not a clone.
    if (!registry.register(stream, heartbeatSeconds * 2500L, clock.millis())) {
      log.error("ALERT: refused a second concurrent session for {} from {}: another session is open. "
          + "A cloned VM or a copied agent state dir? Revoke with 'homefleet revoke {}' if unexpected.", id, remote, id.name());
      out.onError(Status.ALREADY_EXISTS.withDescription("another session for " + id
          + " is already open; only one agent may hold this identity").asRuntimeException());
      return new StreamObserver<>() {
        @Override
        public void onNext(AgentMessage value) {}

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
      };
    }
    log.info("session opened for {} from {}", id, remote);
    AtomicBoolean ended = new AtomicBoolean();
    Runnable end = () -> {
      if (ended.compareAndSet(false, true)) {
        stream.closedByPeer();
        if (registry.unregister(stream)) {
          safeSeen(id.name());
          log.info("session closed for {}", id);
        }
      }
    };
    out.setOnCancelHandler(end);
    return new StreamObserver<>() {
      @Override
      public void onNext(AgentMessage msg) {
        try {
          handle(id.name(), stream, msg);
        } catch (RuntimeException e) {
          log.error("session of {}: cannot handle {}: {}", id, msg.getKindCase(), e.getMessage(), e);
        }
      }

      @Override
      public void onError(Throwable t) {
        end.run();
      }

      @Override
      public void onCompleted() {
        // Complete our side first: end.run() marks the stream closed, after which complete() is a no-op
        // and the call would stay open until the agent cancels it.
        stream.complete();
        end.run();
      }
    };
  }

  private void handle(String host, AgentStream stream, AgentMessage msg) {
    stream.lastHeardMillis = clock.millis();
    switch (msg.getKindCase()) {
      case HELLO -> hello(host, stream, msg.getHello());
      case HEARTBEAT -> seen.heard(host, stream.lastHeardMillis);
      case TASK_EVENT -> taskEvent(host, stream, msg.getTaskEvent());
      case PLAY_EVENT -> playEvent(host, stream, msg.getPlayEvent());
      case TELEMETRY -> telemetry.accept(host, msg.getTelemetry());
      case PLAY_CALL -> playCall(host, stream, msg.getPlayCall());
      case KIND_NOT_SET -> log.warn("session of {}: empty message ignored", host);
    }
  }

  /**
   * Stores the hello through the group commit, so that the handler never waits for the store (it
   * may run on the connection's event loop), and welcomes the agent once it is stored. A hello
   * the store refuses (a full disk) ends the session: the agent retries with its backoff.
   */
  private void hello(String host, AgentStream stream, Hello hello) {
    long now = clock.millis();
    byte[] facts = hello.getFacts().toByteArray();
    Set<String> held = Set.copyOf(hello.getUnackedTaskIdsList());
    String[] role = {""};
    writes.submit(s -> {
      s.hosts().recordHello(host, facts, hello.getAgentVersion(), hello.getLabelsMap(), now);
      role[0] = s.hosts().host(host).map(h -> h.role()).orElse("");
    }, () -> {
      if (stream.send(ControllerMessage.newBuilder().setWelcome(Welcome.newBuilder().setHostName(host).setRole(role[0])
          .setHeartbeatSeconds(heartbeatSeconds).setControllerVersion(version)).build())) {
        // After the welcome: its task in flight again (unless it holds the result), or its next queued one.
        runs.connected(host, held);
        registry.welcomed(host);
      }
    }, () -> {
      log.error("cannot store the hello of {} (is the data dir full?); ending its session, it will retry", host);
      stream.close(Status.UNAVAILABLE.withDescription("the controller cannot store this agent's hello; retry later"));
      registry.unregister(stream);
    });
  }

  private void taskEvent(String host, AgentStream stream, TaskEvent ev) {
    if (plays.isDelegated(ev.getTaskId())) {
      // A task a running play delegated here: its result goes to the play that asked, never to a run's record.
      if (ev.getKindCase() == TaskEvent.KindCase.RESULT) {
        plays.delegatedResult(host, ev.getTaskId(), status(ev.getResult().getStatus()), registered(ev.getResult()));
        acks.owe(stream, ev.getTaskId());
      }
      return;
    }
    switch (ev.getKindCase()) {
      case STARTED -> runs.started(host, ev.getTaskId(), ev.getStarted().getUnixMillis());
      case OUTPUT -> runs.output(host, ev.getTaskId(), ev.getOutput().getStream() == OutputChunk.Stream.STDERR,
          ev.getOutput().getData().toByteArray());
      case RESULT -> {
        TaskResult r = ev.getResult();
        runs.result(host, ev.getTaskId(), outcome(r), () -> acks.owe(stream, ev.getTaskId()));
      }
      case KIND_NOT_SET -> log.warn("session of {}: empty task event for {} ignored", host, ev.getTaskId());
    }
  }

  private void playEvent(String host, AgentStream stream, PlayEvent ev) {
    String id = ev.getAssignmentId();
    switch (ev.getKindCase()) {
      case TASK_STARTED -> plays.taskStarted(host, id, ref(ev.getTaskStarted()));
      case ITEM -> {
        PlayTaskResult r = ev.getItem();
        plays.itemFinished(host, id, new ItemResult(ref(r.getTask()), r.getItemIndex(), r.getItemLabel(),
            status(r.getStatus()), map(r.getResultJson().toByteArray())));
      }
      case TASK -> {
        PlayTaskResult r = ev.getTask();
        plays.taskFinished(host, id, new io.homefleet.playbook.plan.TaskResult(ref(r.getTask()), status(r.getStatus()),
            r.getIgnored(), map(r.getResultJson().toByteArray()), list(r.getDiffsJson().toByteArray())));
      }
      case FINISHED -> {
        io.homefleet.proto.v1.PlayRecap r = ev.getFinished();
        HostOutcome outcome = r.getError().isEmpty()
            ? new HostOutcome(recap(r), false, "")
            : r.getError().equals("cancelled") ? HostOutcome.cancelled("the play was cancelled on the host")
            : HostOutcome.failed(r.getError());
        plays.playFinished(host, id, outcome, () -> acks.owe(stream, id));
      }
      case KIND_NOT_SET -> log.warn("session of {}: empty play event for {} ignored", host, id);
    }
  }

  /** A running play's question, answered on the stream it came from (now, or once the answer is known). */
  private void playCall(String host, AgentStream stream, PlayCall c) {
    Calls.Call call = switch (c.getKindCase()) {
      case DELEGATE -> {
        DelegateCall d = c.getDelegate();
        yield new Calls.Delegate(c.getAssignmentId(), c.getCallId(), d.getTaskId(), d.getHost(), d.getModule(),
            map(d.getArgsJson().toByteArray()), d.getCheckMode(), d.getDiff(), d.getEnvironmentMap(),
            d.getDelegateFacts(), d.getUser());
      }
      case RUN_ONCE -> new Calls.RunOnce(c.getAssignmentId(), c.getCallId(), c.getRunOnce().getTaskId());
      case THROTTLE -> new Calls.Throttle(c.getAssignmentId(), c.getCallId(), c.getThrottle().getTaskId(),
          c.getThrottle().getLimit(), false);
      case RELEASE -> new Calls.Throttle(c.getAssignmentId(), c.getCallId(), c.getRelease().getTaskId(),
          c.getRelease().getLimit(), true);
      case LOOKUP -> new Calls.Lookup(c.getAssignmentId(), c.getCallId(), c.getLookup().getPlugin(),
          list(c.getLookup().getTermsJson().toByteArray()), map(c.getLookup().getKeywordsJson().toByteArray()),
          c.getLookup().getRoleDir());
      case INCLUDE_VARS -> new Calls.IncludeVars(c.getAssignmentId(), c.getCallId(),
          map(c.getIncludeVars().getArgsJson().toByteArray()), c.getIncludeVars().getRoleDir());
      case FETCH -> {
        FetchCall f = c.getFetch();
        yield new Calls.Fetch(c.getAssignmentId(), c.getCallId(), f.getTaskId(), f.getSrc(), f.getDest(), f.getFlat(),
            f.getCheckMode(), f.getContent().toByteArray());
      }
      case KIND_NOT_SET -> null;
    };
    if (call == null) {
      log.warn("session of {}: empty play call ignored", host);
      return;
    }
    plays.call(host, call, a -> stream.send(ControllerMessage.newBuilder().setPlayCallResult(PlayCallResult.newBuilder()
        .setAssignmentId(a.assignmentId()).setCallId(a.callId()).setError(a.error()).setStatus(status(a.status()))
        .setResultJson(ByteString.copyFrom(json(a.values() != null ? a.values() : a.result()))).setRunHere(a.runHere())
        .setIgnored(a.ignored()).addAllSecrets(a.secrets()))
        .build()));
  }

  /**
   * An agent's task result as register stores it, as the agent's Outcome.registered() makes it in
   * a play: the return values, the flags, and a command's output fields. The CLI prints an
   * ad-hoc async job's result with it.
   */
  public static Map<String, Object> registered(TaskResult r) {
    Map<String, Object> data = Structs.toMap(r.getData());
    Map<String, Object> out = new LinkedHashMap<>(data);
    out.put("changed", r.getStatus() == TaskStatus.CHANGED);
    out.put("failed", r.getStatus() == TaskStatus.FAILED || r.getStatus() == TaskStatus.TIMED_OUT);
    if (r.getStatus() == TaskStatus.SKIPPED) {
      out.put("skipped", true);
    }
    if (!r.getMsg().isEmpty()) {
      out.putIfAbsent("msg", r.getMsg());
    }
    if (r.getRc() != 0 || !r.getStdout().isEmpty() || !r.getStderr().isEmpty() || data.containsKey("cmd")) {
      out.put("rc", r.getRc());
      out.put("stdout", r.getStdout());
      out.put("stderr", r.getStderr());
      out.put("stdout_lines", r.getStdout().lines().toList());
      out.put("stderr_lines", r.getStderr().lines().toList());
    }
    return out;
  }

  private static TaskStatus status(io.homefleet.playbook.plan.TaskStatus s) {
    return switch (s) {
      case OK -> TaskStatus.OK;
      case CHANGED -> TaskStatus.CHANGED;
      case SKIPPED -> TaskStatus.SKIPPED;
      case FAILED -> TaskStatus.FAILED;
    };
  }

  private static byte[] json(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (IOException e) {
      return "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  static PlayRecap recap(io.homefleet.proto.v1.PlayRecap r) {
    PlayRecap.End end;
    try {
      end = PlayRecap.End.valueOf(r.getEnd());
    } catch (IllegalArgumentException e) {
      end = r.getFailed() > 0 ? PlayRecap.End.FAILED : PlayRecap.End.COMPLETED;
    }
    return new PlayRecap(r.getOk(), r.getChanged(), r.getUnreachable(), r.getFailed(), r.getSkipped(), r.getRescued(),
        r.getIgnored(), end, map(r.getFactsJson().toByteArray()), map(r.getAnsibleFactsJson().toByteArray()));
  }

  private static TaskRef ref(PlanTaskRef t) {
    return new TaskRef(t.getId(), t.getPath(), t.getName(), t.getLocation(), t.getHandler());
  }

  private static io.homefleet.playbook.plan.TaskStatus status(TaskStatus s) {
    return switch (s) {
      case OK -> io.homefleet.playbook.plan.TaskStatus.OK;
      case CHANGED -> io.homefleet.playbook.plan.TaskStatus.CHANGED;
      case SKIPPED -> io.homefleet.playbook.plan.TaskStatus.SKIPPED;
      default -> io.homefleet.playbook.plan.TaskStatus.FAILED;
    };
  }

  private static List<Object> list(byte[] json) {
    if (json.length == 0) {
      return List.of();
    }
    try {
      List<Object> l = JSON.readValue(json, new TypeReference<List<Object>>() {});
      return l == null ? List.of() : l;
    } catch (IOException e) {
      return List.of();
    }
  }

  private static Map<String, Object> map(byte[] json) {
    if (json.length == 0) {
      return Map.of();
    }
    try {
      Map<String, Object> m = JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
      return m == null ? Map.of() : m;
    } catch (IOException e) {
      return Map.of("msg", "unreadable result from the agent: " + e.getMessage());
    }
  }

  static TaskOutcome outcome(TaskResult r) {
    TaskOutcome.Status status = switch (r.getStatus()) {
      case OK -> TaskOutcome.Status.OK;
      case CHANGED -> TaskOutcome.Status.CHANGED;
      case SKIPPED -> TaskOutcome.Status.SKIPPED;
      case UNREACHABLE -> TaskOutcome.Status.UNREACHABLE;
      case TIMED_OUT -> TaskOutcome.Status.TIMED_OUT;
      case CANCELLED -> TaskOutcome.Status.CANCELLED;
      case EXPIRED -> TaskOutcome.Status.EXPIRED;
      case FAILED, TASK_STATUS_UNSPECIFIED, UNRECOGNIZED -> TaskOutcome.Status.FAILED;
    };
    return new TaskOutcome(status, r.getRc(), r.getStdout(), r.getStderr(), r.getMsg(), r.getStartedUnixMillis(),
        r.getFinishedUnixMillis(), r.hasData() ? Structs.toMap(r.getData()) : Map.of());
  }

  /** Through the group commit: a session's end must not wait for the store either. */
  private void safeSeen(String host) {
    seen.last(host, clock.millis());
  }

  @Override
  public void renew(RenewRequest request, StreamObserver<RenewResponse> responseObserver) {
    Identity id = CallerContext.IDENTITY.get();
    try {
      EnrollmentAuthority.Issued issued = authority.renew(id.name(), CallerContext.SERIAL.get(),
          request.getCsrDer().toByteArray());
      responseObserver.onNext(RenewResponse.newBuilder()
          .setCertificateDer(ByteString.copyFrom(issued.certificate().getEncoded()))
          .addCaChainDer(ByteString.copyFrom(issued.ca().getEncoded())).build());
      responseObserver.onCompleted();
    } catch (EnrollmentException e) {
      responseObserver.onError((e.reason() == EnrollmentException.Reason.INVALID ? Status.INVALID_ARGUMENT
          : Status.PERMISSION_DENIED).withDescription(e.getMessage()).asRuntimeException());
    } catch (CertificateEncodingException e) {
      responseObserver.onError(Status.INTERNAL.withDescription("cannot encode certificate").asRuntimeException());
    }
  }
}
