package io.homefleet.controller.rpc;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.homefleet.controller.converge.Converger;
import io.homefleet.controller.session.SessionRegistry;
import io.homefleet.controller.state.DesiredState;
import io.homefleet.controller.state.InvalidStateException;
import io.homefleet.controller.state.StateTree;
import io.homefleet.controller.store.Records;
import io.homefleet.controller.store.StateRecords;
import io.homefleet.controller.store.Store;
import io.homefleet.controller.telemetry.Backups;
import io.homefleet.controller.telemetry.FleetTelemetry;
import io.homefleet.proto.v1.ApplyStateRequest;
import io.homefleet.proto.v1.ApplyStateResponse;
import io.homefleet.proto.v1.BackupState;
import io.homefleet.proto.v1.ConvergenceRecord;
import io.homefleet.proto.v1.GetStateRequest;
import io.homefleet.proto.v1.GetStatusRequest;
import io.homefleet.proto.v1.HostConvergence;
import io.homefleet.proto.v1.ListStateHistoryRequest;
import io.homefleet.proto.v1.ListStateHistoryResponse;
import io.homefleet.proto.v1.Presence;
import io.homefleet.proto.v1.RollbackStateRequest;
import io.homefleet.proto.v1.ScheduleStatus;
import io.homefleet.proto.v1.SourceFile;
import io.homefleet.proto.v1.StateHistoryEntry;
import io.homefleet.proto.v1.StateVersion;
import io.homefleet.proto.v1.StatusResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The desired-state part of the operator API: {@code state apply | show | history | rollback}
 * and {@code status}. Translation only; {@link DesiredState} and {@link Converger} do the work.
 */
public final class StateRpc {
  private static final Logger log = LoggerFactory.getLogger(StateRpc.class);

  private final DesiredState state;
  private final Converger converger;
  private final SessionRegistry sessions;
  private final Store store;
  private final FleetTelemetry fleet;

  public StateRpc(DesiredState state, Converger converger, SessionRegistry sessions, Store store, FleetTelemetry fleet) {
    this.state = state;
    this.converger = converger;
    this.sessions = sessions;
    this.store = store;
    this.fleet = fleet;
  }

  void apply(ApplyStateRequest request, String by, StreamObserver<ApplyStateResponse> out) {
    StateTree tree;
    try {
      Map<String, byte[]> files = new LinkedHashMap<>();
      for (SourceFile f : request.getFilesList()) {
        if (files.put(f.getPath(), f.getContent().toByteArray()) != null) {
          throw new IllegalArgumentException("'" + f.getPath() + "' is in the upload twice");
        }
      }
      tree = new StateTree(files);
    } catch (IllegalArgumentException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    respond(out, () -> state.apply(tree, by, request.getSource()));
  }

  void rollback(RollbackStateRequest request, String by, StreamObserver<ApplyStateResponse> out) {
    respond(out, () -> state.rollback(request.getVersion(), by));
  }

  @FunctionalInterface
  private interface Change {
    DesiredState.Applied run() throws InvalidStateException, IOException, DesiredState.UnknownVersionException;
  }

  private void respond(StreamObserver<ApplyStateResponse> out, Change change) {
    try {
      DesiredState.Applied a = change.run();
      out.onNext(ApplyStateResponse.newBuilder().setVersion(a.version()).setUnchanged(a.unchanged())
          .setFiles(a.files()).addAllWarnings(a.warnings()).setHistorySeq(a.historySeq()).build());
      out.onCompleted();
    } catch (InvalidStateException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    } catch (IllegalArgumentException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    } catch (DesiredState.UnknownVersionException e) {
      out.onError(Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException());
    } catch (IOException e) {
      log.error("cannot check out a state version", e);
      out.onError(Status.INTERNAL.withDescription("the controller cannot write the state's checkout: "
          + e.getMessage()).asRuntimeException());
    }
  }

  void get(GetStateRequest request, StreamObserver<StateVersion> out) {
    Optional<String> current = state.current().map(DesiredState.Current::version);
    String version;
    if (request.getVersion().isBlank()) {
      if (current.isEmpty()) {
        out.onError(Status.NOT_FOUND.withDescription("no state has been applied yet ('homefleet state apply DIR')")
            .asRuntimeException());
        return;
      }
      version = current.get();
    } else {
      try {
        version = state.resolve(request.getVersion());
      } catch (DesiredState.UnknownVersionException e) {
        out.onError(Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException());
        return;
      }
    }
    StateRecords.Version v = state.version(version, !request.getPathsOnly()).orElseThrow();
    StateVersion.Builder b = StateVersion.newBuilder().setVersion(v.version()).setCreatedUnixMillis(v.createdAt())
        .setCreatedBy(v.createdBy()).setSource(v.source()).setCurrent(current.map(version::equals).orElse(false));
    v.files().forEach((p, c) -> b.addFiles(SourceFile.newBuilder().setPath(p).setContent(ByteString.copyFrom(c))));
    out.onNext(b.build());
    out.onCompleted();
  }

  void history(ListStateHistoryRequest request, StreamObserver<ListStateHistoryResponse> out) {
    ListStateHistoryResponse.Builder b = ListStateHistoryResponse.newBuilder();
    for (StateRecords.HistoryEntry h : state.history(request.getLimit() == 0 ? 50 : request.getLimit())) {
      b.addEntries(StateHistoryEntry.newBuilder().setSeq(h.seq()).setVersion(h.version()).setAction(h.action())
          .setAtUnixMillis(h.at()).setBy(h.by()).setSource(h.source()));
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  void status(GetStatusRequest request, StreamObserver<StatusResponse> out) {
    Optional<String> host = request.getHost().isBlank() ? Optional.empty() : Optional.of(request.getHost());
    if (host.isPresent() && store.hosts().host(host.get()).isEmpty()) {
      out.onError(Status.NOT_FOUND.withDescription("no host named '" + host.get() + "' ('homefleet hosts' lists "
          + "them)").asRuntimeException());
      return;
    }
    StatusResponse.Builder b = StatusResponse.newBuilder();
    state.current().ifPresent(c -> b.setCurrentVersion(c.version()).setCurrentSinceUnixMillis(c.since()));
    for (Converger.HostStatus h : converger.hosts(host, (int) Math.min(request.getHistory(), 50))) {
      HostConvergence.Builder hb = HostConvergence.newBuilder().setHost(h.host())
          .setPresence(sessions.isOnline(h.host()) ? Presence.ONLINE : Presence.OFFLINE).setStatus(h.status())
          .setMode(h.mode().label());
      h.last().ifPresent(l -> hb.setVersion(l.version()).setLastUnixMillis(l.finishedAt().orElse(l.startedAt()))
          .setLastRunId(l.runId()).setMsg(l.msg()).setChanged(l.changed()));
      h.next().ifPresent(n -> hb.setNextUnixMillis(n.toEpochMilli()));
      fleet.latest(h.host()).ifPresent(t -> {
        for (Backups.State bs : Backups.of(t)) {
          hb.addBackups(BackupState.newBuilder().setRepository(bs.repository()).setState(bs.state())
              .setLastUnixMillis(bs.lastUnixMillis()).setSnapshotAgeSeconds(bs.snapshotAgeSeconds())
              .setMaxAgeSeconds(bs.maxAgeSeconds()));
        }
      });
      for (StateRecords.Convergence c : h.history()) {
        ConvergenceRecord.Builder cb = ConvergenceRecord.newBuilder().setRunId(c.runId()).setVersion(c.version())
            .setMode(c.mode()).setStatus(c.status()).setAtUnixMillis(c.finishedAt().orElse(c.startedAt()))
            .setTrigger(c.trigger()).setMsg(c.msg());
        if (c.changed() > 0) {
          for (Records.RunTask t : store.runs().runTasks(c.runId())) {
            if (t.status().equals("changed")) {
              cb.addDrift(PlayRpc.record(t));
            }
          }
        }
        hb.addHistory(cb);
      }
      b.addHosts(hb);
    }
    for (Converger.ScheduleStatus s : converger.schedules()) {
      ScheduleStatus.Builder sb = ScheduleStatus.newBuilder().setName(s.schedule().name())
          .setGroup(s.schedule().group()).setWhen(s.schedule().when().describe())
          .setWhat(s.schedule().action().describe());
      s.run().ifPresent(r -> {
        r.lastAt().ifPresent(sb::setLastUnixMillis);
        r.lastRunId().ifPresent(sb::setLastRunId);
        r.lastState().ifPresent(sb::setLastState);
      });
      s.next().ifPresent(n -> sb.setNextUnixMillis(n.toEpochMilli()));
      b.addSchedules(sb);
    }
    out.onNext(b.build());
    out.onCompleted();
  }
}
