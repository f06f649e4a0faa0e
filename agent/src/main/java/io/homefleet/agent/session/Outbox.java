package io.homefleet.agent.session;

import io.homefleet.agent.journal.Journal;
import io.homefleet.agent.worker.PlayWorkers;
import io.homefleet.agent.worker.RebootCheckpoint;
import com.google.protobuf.ByteString;
import io.homefleet.proto.v1.PlayAssignment;
import java.util.Optional;
import io.homefleet.proto.v1.Ack;
import io.homefleet.proto.v1.AgentMessage;
import io.homefleet.proto.v1.TaskEvent;
import io.homefleet.proto.v1.TaskResult;
import io.homefleet.proto.v1.TaskStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of "no result lost, no task run twice": every result is journaled before it
 * is sent, kept until the controller acknowledges it, offered again after a reconnect or when it
 * stays unconfirmed; work the controller sends is run only if the journal has never seen it.
 * {@link SessionClient} owns the stream; this decides what goes on it.
 */
final class Outbox {
  private static final Logger log = LoggerFactory.getLogger(SessionClient.class);
  /** A result the controller has not confirmed within this is offered again. */
  static final long RESEND_AFTER_MILLIS = 20_000;

  private final Journal journal;
  private final Clock clock;
  private final Path stateDir;
  private final Consumer<AgentMessage> send;
  /** When each unacknowledged result was last sent, to re-send the ones the controller has not confirmed. */
  private final Map<String, Long> lastSent = new ConcurrentHashMap<>();

  /** @param send puts a message on the live stream (dropped while disconnected: results stay journaled) */
  Outbox(Journal journal, Clock clock, Path stateDir, Consumer<AgentMessage> send) {
    this.journal = journal;
    this.clock = clock;
    this.stateDir = stateDir;
    this.send = send;
  }

  /**
   * Work that was running when the agent last stopped is not run again (a task runs at most once
   * per id): it is reported as failed, with the reason, and that report is journaled and sent
   * like any other result.
   */
  List<PlayAssignment> reportInterrupted() {
    List<PlayAssignment> resume = new ArrayList<>();
    for (Journal.Interrupted i : journal.interrupted()) {
      String why = "the agent stopped while this " + (i.kind() == Journal.Kind.PLAY ? "play" : "task")
          + " was running (a crash, a kill or a reboot); it was not started again, so that it runs at most once. "
          + "Check the host and run it again if needed";
      if (i.kind() == Journal.Kind.PLAY) {
        try {
          Optional<RebootCheckpoint> c = RebootCheckpoint.find(stateDir, i.id());
          if (c.isPresent()) {
            // The play rebooted its host on purpose: it goes on from its reboot task, not reported failed.
            log.info("play {} rebooted this host; it goes on from its checkpoint once connected", i.id());
            resume.add(PlayAssignment.newBuilder().setAssignmentId(i.id()).setRunId(c.get().runId())
                .setPlayIndex(c.get().playIndex()).setPlan(ByteString.copyFrom(c.get().plan())).build());
            continue;
          }
        } catch (IOException e) {
          log.error("{}", e.getMessage());
          why = "the play rebooted this host, but " + e.getMessage();
          forgetCheckpoint(i.id());
        }
      }
      log.warn("{} {} was interrupted by the agent's stop; reporting it as failed", i.kind(), i.id());
      AgentMessage msg = i.kind() == Journal.Kind.PLAY
          ? AgentMessage.newBuilder().setPlayEvent(PlayWorkers.failedEvent(i.id(), i.runId(), i.playIndex(), why)).build()
          : AgentMessage.newBuilder().setTaskEvent(TaskEvent.newBuilder().setTaskId(i.id()).setRunId(i.runId())
              .setResult(TaskResult.newBuilder().setStatus(TaskStatus.FAILED).setRc(-1).setMsg(why)
                  .setFinishedUnixMillis(clock.millis()))).build();
      record(i.id(), msg);
    }
    dropStaleCheckpoints(resume);
    return resume;
  }

  /** A checkpoint of a play that is not going on (it ended, was cancelled or never rebooted) is of no use. */
  private void dropStaleCheckpoints(List<PlayAssignment> resume) {
    try {
      for (Path f : RebootCheckpoint.files(stateDir)) {
        boolean used = resume.stream().anyMatch(a -> RebootCheckpoint.file(stateDir, a.getAssignmentId()).equals(f));
        if (!used) {
          log.info("removing the reboot checkpoint {}: its play is not running", f);
          java.nio.file.Files.deleteIfExists(f);
        }
      }
    } catch (IOException e) {
      log.warn("cannot look for stale reboot checkpoints: {}", e.getMessage());
    }
  }

  private void forgetCheckpoint(String id) {
    try {
      RebootCheckpoint.remove(stateDir, id);
    } catch (IOException e) {
      log.warn("cannot remove the reboot checkpoint of {}: {}", id, e.getMessage());
    }
  }

  /** Journals a result before it can be sent: a result the controller may have seen is never lost. */
  void record(String id, AgentMessage msg) {
    try {
      journal.finish(id, msg.toByteArray());
    } catch (IOException e) {
      log.error("cannot journal the result of {} ({}); sending it anyway, but it will not survive a restart", id,
          e.getMessage());
    }
  }

  /** Every result the controller has not acknowledged yet, oldest first. */
  List<AgentMessage> unacknowledged() {
    List<AgentMessage> out = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : journal.unacknowledged().entrySet()) {
      try {
        out.add(AgentMessage.parseFrom(e.getValue()));
      } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
        log.error("journaled result of {} is unreadable; dropping it: {}", e.getKey(), ex.getMessage());
        acknowledge(e.getKey());
      }
    }
    return out;
  }

  /** The controller has stored these results (the first id in task_id, any others in task_ids). */
  void acknowledge(Ack ack) {
    if (!ack.getTaskId().isEmpty()) {
      acknowledge(ack.getTaskId());
    }
    ack.getTaskIdsList().forEach(this::acknowledge);
  }

  void acknowledge(String id) {
    lastSent.remove(id);
    try {
      journal.acknowledge(id);
    } catch (IOException e) {
      log.warn("cannot journal the acknowledgement of {}: {}", id, e.getMessage());
    }
  }

  /**
   * Decides what to do with work the controller sent: run it if it is new (journaled first), send
   * the recorded result again if it already finished, and ignore it if it is running or was
   * acknowledged. Returns true when the caller should run it.
   */
  boolean admit(String id, Journal.Kind kind, String runId, int playIndex) {
    switch (journal.state(id)) {
      case NEW -> {
        try {
          if (journal.begin(id, kind, runId, playIndex)) {
            return true;
          }
        } catch (IOException | IllegalArgumentException e) {
          String why = "the agent cannot record this work in its journal (" + e.getMessage()
              + "), so it cannot promise to run it only once; it was not run. Free space in " + stateDir;
          log.error("{} {}: {}", kind, id, why);
          send.accept(kind == Journal.Kind.PLAY
              ? AgentMessage.newBuilder().setPlayEvent(PlayWorkers.failedEvent(id, runId, playIndex, why)).build()
              : AgentMessage.newBuilder().setTaskEvent(TaskEvent.newBuilder().setTaskId(id).setRunId(runId)
                  .setResult(TaskResult.newBuilder().setStatus(TaskStatus.FAILED).setRc(-1).setMsg(why)
                      .setFinishedUnixMillis(clock.millis()))).build());
          return false;
        }
        return false;
      }
      case RECEIVED -> log.info("{} {} is already running; the repeated delivery is ignored", kind, id);
      case DONE -> {
        log.info("{} {} already finished; sending its recorded result again instead of running it twice", kind, id);
        journal.result(id).ifPresent(bytes -> {
          try {
            send.accept(AgentMessage.parseFrom(bytes));
          } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            log.error("journaled result of {} is unreadable: {}", id, e.getMessage());
          }
        });
      }
      case ACKED -> log.info("{} {} already finished and the controller has its result; repeated delivery ignored",
          kind, id);
    }
    return false;
  }

  /** Sends a journaled result and notes when, so that {@link #resendOverdue} can offer it again. */
  void sendResult(AgentMessage m) {
    lastSent.put(resultId(m), clock.millis());
    send.accept(m);
  }

  /**
   * Offers again each result the controller has not confirmed within {@link #RESEND_AFTER_MILLIS}
   * (it could not store it: a full disk, a lost acknowledgement); it records a result once per id.
   */
  void resendOverdue() {
    long now = clock.millis();
    for (AgentMessage m : unacknowledged()) {
      Long at = lastSent.get(resultId(m));
      if (at == null || now - at >= RESEND_AFTER_MILLIS) {
        sendResult(m);
      }
    }
  }

  private static String resultId(AgentMessage m) {
    return m.hasTaskEvent() ? m.getTaskEvent().getTaskId() : m.getPlayEvent().getAssignmentId();
  }
}
