package io.homefleet.controller.rpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.homefleet.controller.auth.CallerContext;
import io.homefleet.controller.auth.RevocationList;
import io.homefleet.controller.enroll.EnrollmentAuthority;
import io.homefleet.controller.play.PlayCoordinator;
import io.homefleet.controller.run.RunCoordinator;
import io.homefleet.controller.run.RunListener;
import io.homefleet.controller.run.RunSummary;
import io.homefleet.controller.run.TaskOutcome;
import io.homefleet.controller.run.UnknownTargetException;
import io.homefleet.controller.run.Targets;
import io.homefleet.controller.session.SessionRegistry;
import io.homefleet.proto.Structs;
import io.homefleet.controller.store.Records;
import io.homefleet.controller.telemetry.FleetTelemetry;
import io.homefleet.controller.store.Store;
import io.homefleet.playbook.spec.AnsibleModules;
import io.homefleet.playbook.spec.ModuleSpecs;
import io.homefleet.proto.v1.AdhocRequest;
import io.homefleet.proto.v1.CancelRunRequest;
import io.homefleet.proto.v1.CancelRunResponse;
import io.homefleet.controller.store.StoreException;
import io.homefleet.proto.v1.CreateTokenRequest;
import io.homefleet.proto.v1.CreateTokenResponse;
import io.homefleet.proto.v1.Facts;
import io.homefleet.proto.v1.GetHostRequest;
import io.homefleet.proto.v1.GetRunRequest;
import io.homefleet.proto.v1.HostDetail;
import io.homefleet.proto.v1.HostEvent;
import io.homefleet.proto.v1.HostEvents;
import io.homefleet.proto.v1.HostResult;
import io.homefleet.proto.v1.HostSummary;
import io.homefleet.proto.v1.ListHostsRequest;
import io.homefleet.proto.v1.ListHostsResponse;
import io.homefleet.proto.v1.ListRunsRequest;
import io.homefleet.proto.v1.ListRunsResponse;
import io.homefleet.proto.v1.OperatorGrpc;
import io.homefleet.proto.v1.OutputChunk;
import io.homefleet.proto.v1.PlayRequest;
import io.homefleet.proto.v1.PlayRunEvent;
import io.homefleet.proto.v1.Presence;
import io.homefleet.proto.v1.RevokeRequest;
import io.homefleet.proto.v1.RevokeResponse;
import io.homefleet.proto.v1.RunDetail;
import io.homefleet.proto.v1.RunEvent;
import io.homefleet.proto.v1.RunFinished;
import io.homefleet.proto.v1.RunStarted;
import io.homefleet.proto.v1.RunState;
import io.homefleet.proto.v1.TaskResult;
import io.homefleet.proto.v1.TaskStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The operator API: hosts, ad-hoc runs, tokens, revocation, run history. */
public final class OperatorService extends OperatorGrpc.OperatorImplBase {
  private static final Logger log = LoggerFactory.getLogger(OperatorService.class);

  private final Store store;
  private final SessionRegistry sessions;
  private final RunCoordinator runs;
  private final PlayCoordinator plays;
  private final EnrollmentAuthority authority;
  private final RevocationList revocations;
  private final Clock clock;
  private final StateRpc state;
  private final FleetTelemetry fleet;

  public OperatorService(Store store, SessionRegistry sessions, RunCoordinator runs, PlayCoordinator plays,
      EnrollmentAuthority authority, RevocationList revocations, Clock clock, StateRpc state, FleetTelemetry fleet) {
    this.state = state;
    this.fleet = fleet;
    this.plays = plays;
    this.store = store;
    this.sessions = sessions;
    this.runs = runs;
    this.authority = authority;
    this.revocations = revocations;
    this.clock = clock;
  }

  @Override
  public void listHosts(ListHostsRequest request, StreamObserver<ListHostsResponse> out) {
    String target = request.getTarget().isBlank() ? "all" : request.getTarget();
    ListHostsResponse.Builder b = ListHostsResponse.newBuilder();
    for (Records.Host h : store.hosts().all()) {
      if (Targets.matches(target, h)) {
        b.addHosts(summary(h));
      }
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public void getHost(GetHostRequest request, StreamObserver<HostDetail> out) {
    var host = store.hosts().host(request.getName());
    if (host.isEmpty()) {
      out.onError(Status.NOT_FOUND.withDescription("no host named '" + request.getName() + "' ('homefleet hosts' lists them)")
          .asRuntimeException());
      return;
    }
    Records.Host h = host.get();
    HostDetail.Builder b = HostDetail.newBuilder().setSummary(summary(h)).setEnrolledUnixMillis(h.enrolledAt());
    try {
      if (h.facts().length > 0) {
        b.setFacts(Facts.parseFrom(h.facts()));
      }
    } catch (InvalidProtocolBufferException e) {
      log.warn("stored facts of {} are unreadable: {}", h.name(), e.getMessage());
    }
    store.enrollment().latestCertificate(h.name()).ifPresent(c -> b.setCertSerial(c.serial()));
    out.onNext(b.build());
    out.onCompleted();
  }

  private HostSummary summary(Records.Host h) {
    Presence p;
    if (h.decommissioned()) {
      p = Presence.DECOMMISSIONED;
    } else if (sessions.isOnline(h.name())) {
      p = Presence.ONLINE;
    } else if (h.lastSeen().isEmpty()) {
      p = Presence.NEVER_CONNECTED;
    } else {
      p = Presence.OFFLINE;
    }
    HostSummary.Builder b = HostSummary.newBuilder().setName(h.name()).setRole(h.role()).setPresence(p)
        .putAllLabels(h.labels()).setAgentVersion(h.agentVersion())
        // A connected host's last-seen is written to the store in batches (LastSeen): the live one is newer.
        .setLastSeenUnixMillis(Math.max(h.lastSeen().orElse(0L), sessions.lastHeard(h.name())));
    store.enrollment().latestCertificate(h.name()).ifPresent(c -> b.setCertNotAfterUnixMillis(c.notAfter()));
    fleet.usage(h.name()).ifPresent(u -> b.setHasUsage(true).setUsageUnixMillis(u.takenMillis()).setCpuUsage(u.cpu())
        .setMemoryTotalBytes(Math.max(0, u.memoryTotal())).setMemoryUsedBytes(Math.max(0, u.memoryUsed()))
        .setDiskTotalBytes(Math.max(0, u.diskTotal())).setDiskUsedBytes(Math.max(0, u.diskUsed()))
        .setDiskMount(u.diskMount()).setLoad1(u.load1()));
    return b.build();
  }

  /**
   * A module homefleet has no native implementation of is Ansible's, by its fully qualified name
   * ({@code getent} is {@code ansible.builtin.getent}), as a playbook's task resolves it; a name
   * that is neither stays as given and the agent reports it unknown.
   */
  private static String adhocModule(String name) {
    if (ModuleSpecs.find(name).isPresent()) {
      return name;
    }
    return AnsibleModules.installed().resolve(name) instanceof AnsibleModules.Resolution.Module py ? py.fqcn() : name;
  }

  @Override
  public void runAdhoc(AdhocRequest request, StreamObserver<RunEvent> responseObserver) {
    ServerCallStreamObserver<RunEvent> out = (ServerCallStreamObserver<RunEvent>) responseObserver;
    if (request.getModule().isBlank()) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("a module is required (-m command)").asRuntimeException());
      return;
    }
    if (request.getTarget().isBlank()) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("a target is required (a host, a role, or 'all')").asRuntimeException());
      return;
    }
    if (!request.getCheckMode() && ModuleSpecs.find(request.getModule()).filter(m -> m.name().equals("wipe")).isPresent()
        && !request.getConfirmWipe().equals(request.getTarget())) {
      // A wipe erases every host the target matches: the operator names them twice, as a typed
      // confirmation. Check mode changes nothing and needs none.
      out.onError(Status.FAILED_PRECONDITION.withDescription("an ad-hoc wipe returns every host '"
          + request.getTarget() + "' matches to its baseline: repeat the target to confirm (--confirm-wipe "
          + request.getTarget() + "), or look first with -C")
          .asRuntimeException());
      return;
    }
    Map<String, Object> args = new HashMap<>(Structs.toMap(request.getArgs()));
    if (!request.getRawArgs().isBlank()) {
      args.put("_raw_params", request.getRawArgs());
    }
    Duration timeout = Duration.ofSeconds(request.getTimeoutSeconds() == 0 ? 600 : request.getTimeoutSeconds());
    if (request.getAsyncSeconds() > 0 && request.getPollSeconds() > 0) {
      // A polled async task ends at its async limit (Ansible's "did not complete within the requested time").
      timeout = Duration.ofSeconds(request.getAsyncSeconds());
    }
    String[] runId = {""};
    boolean detach = request.getDetach();
    RunListener listener = new RunListener() {
      @Override
      public void started(String id, List<String> hosts) {
        runId[0] = id;
        send(RunEvent.newBuilder().setRunId(id).setStarted(RunStarted.newBuilder().addAllHosts(hosts)).build());
        if (detach) {
          complete();
        }
      }

      @Override
      public void output(String host, boolean stderr, byte[] data) {
        send(RunEvent.newBuilder().setRunId(runId[0]).setHost(HostEvent.newBuilder().setHost(host)
            .setOutput(OutputChunk.newBuilder().setStream(stderr ? OutputChunk.Stream.STDERR : OutputChunk.Stream.STDOUT)
                .setData(ByteString.copyFrom(data)))).build());
      }

      @Override
      public void result(String host, TaskOutcome o) {
        send(RunEvent.newBuilder().setRunId(runId[0]).setHost(HostEvent.newBuilder().setHost(host).setResult(toProto(o)))
            .build());
      }

      @Override
      public void results(List<HostResult> hosts) {
        if (hosts.size() == 1) {
          result(hosts.get(0).host(), hosts.get(0).outcome());
          return;
        }
        // The hosts one commit stored, in one message: one send on the operator's stream, not one per host.
        HostEvents.Builder batch = HostEvents.newBuilder();
        for (HostResult h : hosts) {
          batch.addHosts(HostEvent.newBuilder().setHost(h.host()).setResult(toProto(h.outcome())));
        }
        send(RunEvent.newBuilder().setRunId(runId[0]).setHosts(batch).build());
      }

      @Override
      public void finished(RunSummary s) {
        send(RunEvent.newBuilder().setRunId(s.runId()).setFinished(RunFinished.newBuilder()
            .setState(s.state().equals("succeeded") ? RunState.SUCCEEDED
                : s.state().equals("cancelled") ? RunState.RUN_CANCELLED : RunState.RUN_FAILED)
            .setOk(s.ok()).setChanged(s.changed()).setFailed(s.failed()).setUnreachable(s.unreachable())).build());
        complete();
      }

      private boolean done;
      private boolean completed;

      /** Ends the operator's stream once: after the start for a detached run, else after the end. */
      private void complete() {
        synchronized (out) {
          if (!completed && !out.isCancelled()) {
            completed = true;
            out.onCompleted();
          }
        }
      }

      private void send(RunEvent e) {
        synchronized (out) {
          if (done) {
            return;
          }
          if (detach && !e.hasStarted()) {
            return;
          }
          if (!out.isCancelled()) {
            out.onNext(e);
          }
          done = e.hasFinished();
        }
      }
    };
    try {
      runs.start(new RunCoordinator.AdhocSpec(request.getTarget(), adhocModule(request.getModule()), args, timeout,
          request.getCheckMode(), Duration.ofSeconds(request.getQueueForSeconds()), request.getBecomeUser(),
          request.getAsyncSeconds(), request.getPollSeconds()),
          CallerContext.PRINCIPAL.get(), listener);
    } catch (UnknownTargetException e) {
      out.onError(Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException());
    } catch (StoreException e) {
      out.onError(storeFailure(e, store.file()).asRuntimeException());
    }
  }

  /**
   * A store that cannot write (a full disk, a read-only or broken file) is the operator's to fix:
   * say so plainly instead of an opaque INTERNAL. Nothing of the request was kept.
   */
  static Status storeFailure(StoreException e, java.nio.file.Path dbFile) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("SQLITE_FULL") || m.contains("disk is full") || m.contains("No space left") || nearlyFull(dbFile)) {
      return Status.RESOURCE_EXHAUSTED.withDescription("the controller's data dir is full; nothing was stored or run. "
          + "Free space there and retry (" + m + ")");
    }
    return Status.INTERNAL.withDescription("the controller cannot write its store; nothing was stored or run ("
        + m + ")");
  }

  /** SQLite does not always say SQLITE_FULL (a commit after an automatic rollback); ask the file system. */
  private static boolean nearlyFull(java.nio.file.Path dbFile) {
    try {
      return java.nio.file.Files.getFileStore(dbFile).getUsableSpace() < 1024 * 1024;
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public void cancelRun(CancelRunRequest request, StreamObserver<CancelRunResponse> out) {
    try {
      String by = CallerContext.PRINCIPAL.get();
      if (!plays.cancel(request.getRunId(), by)) {
        runs.cancel(request.getRunId(), by);
      }
      out.onNext(CancelRunResponse.getDefaultInstance());
      out.onCompleted();
    } catch (RunCoordinator.NoSuchRunException e) {
      out.onError(Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  @Override
  public void applyState(io.homefleet.proto.v1.ApplyStateRequest request,
      StreamObserver<io.homefleet.proto.v1.ApplyStateResponse> out) {
    state.apply(request, CallerContext.PRINCIPAL.get(), out);
  }

  @Override
  public void rollbackState(io.homefleet.proto.v1.RollbackStateRequest request,
      StreamObserver<io.homefleet.proto.v1.ApplyStateResponse> out) {
    state.rollback(request, CallerContext.PRINCIPAL.get(), out);
  }

  @Override
  public void getState(io.homefleet.proto.v1.GetStateRequest request,
      StreamObserver<io.homefleet.proto.v1.StateVersion> out) {
    state.get(request, out);
  }

  @Override
  public void listStateHistory(io.homefleet.proto.v1.ListStateHistoryRequest request,
      StreamObserver<io.homefleet.proto.v1.ListStateHistoryResponse> out) {
    state.history(request, out);
  }

  @Override
  public void getStatus(io.homefleet.proto.v1.GetStatusRequest request,
      StreamObserver<io.homefleet.proto.v1.StatusResponse> out) {
    state.status(request, out);
  }

  @Override
  public void runPlay(PlayRequest request, StreamObserver<PlayRunEvent> responseObserver) {
    PlayRpc.runPlay(plays, request, CallerContext.PRINCIPAL.get(),
        (ServerCallStreamObserver<PlayRunEvent>) responseObserver);
  }

  static TaskResult toProto(TaskOutcome o) {
    TaskStatus status = switch (o.status()) {
      case OK -> TaskStatus.OK;
      case CHANGED -> TaskStatus.CHANGED;
      case FAILED -> TaskStatus.FAILED;
      case SKIPPED -> TaskStatus.SKIPPED;
      case UNREACHABLE -> TaskStatus.UNREACHABLE;
      case TIMED_OUT -> TaskStatus.TIMED_OUT;
      case CANCELLED -> TaskStatus.CANCELLED;
      case EXPIRED -> TaskStatus.EXPIRED;
    };
    TaskResult.Builder b = TaskResult.newBuilder().setStatus(status).setRc(o.rc()).setStdout(o.stdout())
        .setStderr(o.stderr()).setMsg(o.msg()).setStartedUnixMillis(o.startedMillis())
        .setFinishedUnixMillis(o.finishedMillis());
    if (!o.data().isEmpty()) {
      b.setData(Structs.toStruct(o.data()));
    }
    return b.build();
  }

  @Override
  public void createToken(CreateTokenRequest request, StreamObserver<CreateTokenResponse> out) {
    try {
      Duration ttl = Duration.ofSeconds(request.getTtlSeconds() == 0 ? 3600 : request.getTtlSeconds());
      EnrollmentAuthority.MintedToken t = authority.mint(request.getHostName(), request.getRole(),
          request.getLabelsMap(), ttl);
      log.info("{} minted a token for host {}", CallerContext.PRINCIPAL.get(), t.host());
      out.onNext(CreateTokenResponse.newBuilder().setToken(t.token()).setCaFingerprint(t.caFingerprint())
          .setExpiresUnixMillis(t.expiresAtMillis()).build());
      out.onCompleted();
    } catch (IllegalArgumentException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  @Override
  public void revoke(RevokeRequest request, StreamObserver<RevokeResponse> out) {
    String host = request.getHostName();
    if (store.hosts().host(host).isEmpty()) {
      out.onError(Status.NOT_FOUND.withDescription("no host named '" + host + "'").asRuntimeException());
      return;
    }
    String reason = request.getReason().isBlank() ? "revoked by " + CallerContext.PRINCIPAL.get() : request.getReason();
    List<String> serials = store.enrollment().decommission(host, reason, clock.millis());
    revocations.addAll(serials);
    boolean closed = sessions.close(host, Status.PERMISSION_DENIED.withDescription("host " + host + " was revoked: " + reason));
    log.warn("host {} revoked by {} ({} certificate(s)); live session closed: {}", host, CallerContext.PRINCIPAL.get(),
        serials.size(), closed);
    out.onNext(RevokeResponse.newBuilder().addAllRevokedSerials(serials).setStreamClosed(closed).build());
    out.onCompleted();
  }

  @Override
  public void listRuns(ListRunsRequest request, StreamObserver<ListRunsResponse> out) {
    int limit = request.getLimit() == 0 ? 20 : (int) Math.min(request.getLimit(), 1000);
    ListRunsResponse.Builder b = ListRunsResponse.newBuilder();
    for (Records.Run r : store.runs().recent(limit)) {
      b.addRuns(runSummary(r, store.runs().tasks(r.id())));
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public void getRun(GetRunRequest request, StreamObserver<RunDetail> out) {
    var run = store.runs().run(request.getId());
    if (run.isEmpty()) {
      out.onError(Status.NOT_FOUND.withDescription("no run with id '" + request.getId() + "' ('homefleet runs' lists them)")
          .asRuntimeException());
      return;
    }
    List<Records.Task> tasks = store.runs().tasks(run.get().id());
    RunDetail.Builder b = RunDetail.newBuilder().setSummary(runSummary(run.get(), tasks));
    for (Records.Task t : tasks) {
      TaskResult.Builder r = TaskResult.newBuilder().setRc(t.rc().orElse(-1)).setStdout(t.stdout()).setStderr(t.stderr())
          .setMsg(t.msg()).setStartedUnixMillis(t.startedAt().orElse(0L)).setFinishedUnixMillis(t.finishedAt().orElse(0L));
      b.addResults(HostResult.newBuilder().setHost(t.host()).setTaskId(t.id()).setState(t.state()).setResult(r));
    }
    if (run.get().kind().equals("play")) {
      store.runs().runTasks(run.get().id()).forEach(t -> b.addPlayTasks(PlayRpc.record(t)));
      store.runs().playRecaps(run.get().id()).forEach(r -> b.addRecaps(PlayRpc.recap(r)));
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  private static io.homefleet.proto.v1.RunSummary runSummary(Records.Run r, List<Records.Task> tasks) {
    RunState state = switch (r.state()) {
      case "succeeded" -> RunState.SUCCEEDED;
      case "failed" -> RunState.RUN_FAILED;
      case "cancelled" -> RunState.RUN_CANCELLED;
      case "queued" -> RunState.QUEUED;
      default -> RunState.RUNNING;
    };
    long failed = tasks.stream().filter(t -> !t.state().equals("ok") && !t.state().equals("changed")
        && !t.state().equals("skipped")).map(Records.Task::host).distinct().count();
    // A playbook run has a row per host and play: count hosts.
    long hosts = tasks.stream().map(Records.Task::host).distinct().count();
    return io.homefleet.proto.v1.RunSummary.newBuilder().setId(r.id()).setTarget(r.target()).setModule(r.module())
        .setArgs(r.args()).setState(state).setCreatedUnixMillis(r.createdAt()).setFinishedUnixMillis(r.finishedAt().orElse(0L))
        .setHosts((int) hosts).setFailed((int) failed).setRequestedBy(r.requestedBy()).build();
  }
}
