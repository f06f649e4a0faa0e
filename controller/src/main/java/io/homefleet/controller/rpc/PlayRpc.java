package io.homefleet.controller.rpc;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.homefleet.controller.play.HostOutcome;
import io.homefleet.controller.play.PlayCoordinator;
import io.homefleet.controller.play.PlayListener;
import io.homefleet.controller.store.Records;
import io.homefleet.playbook.plan.ItemResult;
import io.homefleet.playbook.plan.PlayRecap;
import io.homefleet.playbook.plan.TaskRef;
import io.homefleet.playbook.plan.TaskResult;
import io.homefleet.proto.v1.PlanTaskRef;
import io.homefleet.proto.v1.PlayHostEvent;
import io.homefleet.proto.v1.PlayHostRecap;
import io.homefleet.proto.v1.PlayRequest;
import io.homefleet.proto.v1.PlayRunEvent;
import io.homefleet.proto.v1.PlayRunFinished;
import io.homefleet.proto.v1.PlayRunStarted;
import io.homefleet.proto.v1.PlayStarted;
import io.homefleet.proto.v1.PlayTaskRecord;
import io.homefleet.proto.v1.PlayTaskResult;
import io.homefleet.proto.v1.RunState;
import io.homefleet.proto.v1.SourceFile;
import io.homefleet.proto.v1.TaskStatus;
import io.homefleet.pki.SecureFiles;
import io.homefleet.playbook.vault.VaultSecret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Operator.RunPlay} and the playbook parts of the run history: writes the uploaded
 * playbook and inventory trees into a private temporary directory (refusing paths that leave
 * it), has the {@link PlayCoordinator} validate and start the run, and streams its events.
 * The trees are removed as soon as the run has started: the loaded playbook (bundle included)
 * and the inventory are in memory by then.
 */
final class PlayRpc {
  private static final Logger log = LoggerFactory.getLogger(PlayRpc.class);
  private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
  /** Upload limits: a homelab's playbooks, not a data set. */
  private static final int MAX_FILES = 5000;

  private PlayRpc() {}

  static void runPlay(PlayCoordinator plays, PlayRequest request, String requestedBy,
      ServerCallStreamObserver<PlayRunEvent> out) {
    if (request.getPlaybook().isBlank()) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("a playbook is required").asRuntimeException());
      return;
    }
    if (request.getPlaybookFilesCount() + request.getInventoryFilesCount() > MAX_FILES) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("too many files (more than " + MAX_FILES
          + "): run the playbook from a directory that holds only the playbook, its roles and files")
          .asRuntimeException());
      return;
    }
    Path tmp = null;
    try {
      tmp = Files.createTempDirectory("homefleet-play-");
      Path pb = Files.createDirectory(tmp.resolve("playbook"));
      Path inv = Files.createDirectory(tmp.resolve("inventory"));
      write(pb, request.getPlaybookFilesList());
      write(inv, request.getInventoryFilesList());
      Map<String, Object> extra = request.getExtraVarsJson().isEmpty() ? Map.of()
          : JSON.readValue(request.getExtraVarsJson().toByteArray(), new TypeReference<Map<String, Object>>() {});
      PlayCoordinator.PlaySpec spec = new PlayCoordinator.PlaySpec(pb, inside(pb, request.getPlaybook()),
          request.getInventory().isBlank() ? Optional.empty() : Optional.of(inside(inv, request.getInventory())),
          request.getLimit(), request.getTagsList(), request.getSkipTagsList(), request.getCheckMode(),
          request.getDiff(), extra == null ? Map.of() : extra,
          request.getRolesPathList().stream().map(p -> inside(pb, p)).toList(),
          request.getDisplayName().isBlank() ? request.getPlaybook() : request.getDisplayName(),
          java.time.Duration.ofSeconds(request.getQueueForSeconds()),
          request.getVaultPasswordsList().stream().map(v -> new VaultSecret(v.getId(), v.getPassword().toByteArray()))
              .toList());
      plays.start(spec, requestedBy, new Streamer(out));
    } catch (PlayCoordinator.InvalidPlaybookException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    } catch (IllegalArgumentException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    } catch (IOException e) {
      log.error("cannot unpack an uploaded playbook", e);
      out.onError(Status.INTERNAL.withDescription("the controller cannot unpack the playbook: " + e.getMessage())
          .asRuntimeException());
    } finally {
      if (tmp != null) {
        delete(tmp);
      }
    }
  }

  private static Path inside(Path root, String relative) {
    Path p = root.resolve(relative).normalize();
    if (relative.isBlank() || Path.of(relative).isAbsolute() || !p.startsWith(root)) {
      throw new IllegalArgumentException("'" + relative + "' is not a path inside the uploaded tree");
    }
    return p;
  }

  private static void write(Path root, List<SourceFile> files) throws IOException {
    for (SourceFile f : files) {
      Path p = inside(root, f.getPath());
      Files.createDirectories(p.getParent());
      Files.write(p, f.getContent().toByteArray());
    }
  }

  private static void delete(Path dir) {
    try {
      SecureFiles.deleteTree(dir);
    } catch (IOException e) {
      log.warn("cannot remove {}: {}", dir, e.getMessage());
    }
  }

  /** A run's events as {@link PlayRunEvent}s on the operator's stream. */
  private static final class Streamer implements PlayListener {
    private final ServerCallStreamObserver<PlayRunEvent> out;
    private String runId = "";

    Streamer(ServerCallStreamObserver<PlayRunEvent> out) {
      this.out = out;
    }

    @Override
    public void runStarted(String id, List<String> warnings) {
      runId = id;
      send(event().setStarted(PlayRunStarted.newBuilder().addAllWarnings(warnings)));
    }

    @Override
    public void playStarted(int playIndex, String name, List<String> hosts, List<String> batch) {
      send(event().setPlay(PlayStarted.newBuilder().setPlayIndex(playIndex).setName(name).addAllHosts(hosts)
          .addAllBatch(batch)));
    }

    @Override
    public void taskStarted(String host, int playIndex, TaskRef task) {
      send(event().setHost(PlayHostEvent.newBuilder().setHost(host).setPlayIndex(playIndex)
          .setTaskStarted(ref(task))));
    }

    @Override
    public void itemFinished(String host, int playIndex, ItemResult item) {
      send(event().setHost(PlayHostEvent.newBuilder().setHost(host).setPlayIndex(playIndex).setItem(item(item))));
    }

    @Override
    public void taskFinished(String host, int playIndex, TaskResult result) {
      send(event().setHost(PlayHostEvent.newBuilder().setHost(host).setPlayIndex(playIndex).setTask(task(result))));
    }

    @Override
    public void hostFinished(String host, int playIndex, HostOutcome outcome) {
      send(event().setHost(PlayHostEvent.newBuilder().setHost(host).setPlayIndex(playIndex)
          .setRecap(recap(outcome)).setMsg(outcome.msg())));
    }

    @Override
    public void note(String message) {
      send(event().setNote(message));
    }

    @Override
    public void finished(String state, Map<String, Totals> totals) {
      PlayRunFinished.Builder f = PlayRunFinished.newBuilder()
          .setState(switch (state) {
            case "succeeded" -> RunState.SUCCEEDED;
            case "cancelled" -> RunState.RUN_CANCELLED;
            default -> RunState.RUN_FAILED;
          });
      totals.forEach((host, t) -> f.addHosts(PlayHostRecap.newBuilder().setHost(host).setRecap(
          io.homefleet.proto.v1.PlayRecap.newBuilder().setOk(t.ok()).setChanged(t.changed())
              .setUnreachable(t.unreachable()).setFailed(t.failed()).setSkipped(t.skipped()).setRescued(t.rescued())
              .setIgnored(t.ignored()))));
      send(event().setFinished(f));
      synchronized (out) {
        if (!out.isCancelled()) {
          out.onCompleted();
        }
      }
    }

    private PlayRunEvent.Builder event() {
      return PlayRunEvent.newBuilder().setRunId(runId);
    }

    private void send(PlayRunEvent.Builder e) {
      synchronized (out) {
        if (!out.isCancelled()) {
          try {
            out.onNext(e.build());
          } catch (RuntimeException ex) {
            // The operator went away; the run goes on and is in the history.
          }
        }
      }
    }
  }

  // ------------------------------------------------------------ conversions

  static PlanTaskRef ref(TaskRef t) {
    return PlanTaskRef.newBuilder().setId(t.id()).setPath(t.path()).setName(t.name()).setLocation(t.location())
        .setHandler(t.handler()).build();
  }

  static PlayTaskResult task(TaskResult r) {
    return PlayTaskResult.newBuilder().setTask(ref(r.task())).setStatus(status(r.status().name()))
        .setIgnored(r.ignored()).setResultJson(json(r.result()))
        .setDiffsJson(r.diffs().isEmpty() ? ByteString.EMPTY : json(r.diffs())).setItemIndex(-1).build();
  }

  static PlayTaskResult item(ItemResult r) {
    return PlayTaskResult.newBuilder().setTask(ref(r.task())).setStatus(status(r.status().name()))
        .setResultJson(json(r.result())).setItemIndex(r.index()).setItemLabel(r.label()).build();
  }

  static io.homefleet.proto.v1.PlayRecap recap(HostOutcome o) {
    PlayRecap r = o.recap();
    return io.homefleet.proto.v1.PlayRecap.newBuilder().setOk(r.ok()).setChanged(r.changed())
        .setUnreachable(o.unreachable() ? 1 : r.unreachable()).setFailed(r.failed()).setSkipped(r.skipped())
        .setRescued(r.rescued()).setIgnored(r.ignored()).setEnd(o.end())
        .setError(o.unreachable() ? "" : o.msg()).build();
  }

  static PlayTaskRecord record(Records.RunTask t) {
    return PlayTaskRecord.newBuilder().setHost(t.host()).setPlayIndex(t.playIndex()).setFinishedUnixMillis(t.finishedAt())
        .setResult(PlayTaskResult.newBuilder().setTask(PlanTaskRef.newBuilder().setPath(t.taskPath())
            .setName(t.taskName()).setLocation(t.location()).setHandler(t.handler()))
            .setStatus(status(t.status())).setIgnored(t.ignored()).setResultJson(ByteString.copyFromUtf8(t.result()))
            .setDiffsJson(ByteString.copyFromUtf8(t.diffs())).setItemIndex(-1)).build();
  }

  static PlayHostRecap recap(Records.PlayRecapRow r) {
    return PlayHostRecap.newBuilder().setHost(r.host()).setPlayIndex(r.playIndex()).setMsg(r.msg()).setRecap(
        io.homefleet.proto.v1.PlayRecap.newBuilder().setOk(r.ok()).setChanged(r.changed())
            .setUnreachable(r.unreachable()).setFailed(r.failed()).setSkipped(r.skipped()).setRescued(r.rescued())
            .setIgnored(r.ignored()).setEnd(r.end())).build();
  }

  private static TaskStatus status(String name) {
    return switch (name.toUpperCase(Locale.ROOT)) {
      case "OK" -> TaskStatus.OK;
      case "CHANGED" -> TaskStatus.CHANGED;
      case "SKIPPED" -> TaskStatus.SKIPPED;
      default -> TaskStatus.FAILED;
    };
  }

  private static ByteString json(Object value) {
    try {
      return ByteString.copyFrom(JSON.writeValueAsBytes(value));
    } catch (IOException e) {
      return ByteString.copyFromUtf8("{}");
    }
  }
}
