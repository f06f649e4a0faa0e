package io.homefleet.agent.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.journal.Journal;
import io.homefleet.agent.worker.RebootCheckpoint;
import io.homefleet.proto.v1.PlayAssignment;
import io.homefleet.proto.v1.Ack;
import io.homefleet.proto.v1.AgentMessage;
import io.homefleet.proto.v1.TaskEvent;
import io.homefleet.proto.v1.TaskResult;
import io.homefleet.proto.v1.TaskStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's outbox on a real journal in a temp state dir: what it runs, what it sends again,
 * what an acknowledgement ends, and what survives a restart of the agent.
 */
class OutboxTest {
  @TempDir
  Path stateDir;

  private final List<AgentMessage> sent = new ArrayList<>();
  private Instant now = Instant.parse("2026-12-07T10:00:00Z");

  private Outbox outbox(Journal journal) {
    return new Outbox(journal, new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now;
      }
    }, stateDir, sent::add);
  }

  private static AgentMessage result(String id) {
    return AgentMessage.newBuilder().setTaskEvent(TaskEvent.newBuilder().setTaskId(id).setRunId("r1")
        .setResult(TaskResult.newBuilder().setStatus(TaskStatus.OK).setRc(0))).build();
  }

  @Test
  void newWork_runsOnce_repeatedDeliveries_areIgnoredOrAnsweredFromTheJournal() throws Exception {
    try (Journal journal = Journal.open(stateDir)) {
      Outbox out = outbox(journal);
      assertThat(out.admit("t1", Journal.Kind.TASK, "r1", 0)).as("new: run it").isTrue();
      assertThat(out.admit("t1", Journal.Kind.TASK, "r1", 0)).as("running: not again").isFalse();
      out.record("t1", result("t1"));
      out.sendResult(result("t1"));
      assertThat(sent).hasSize(1);
      assertThat(out.admit("t1", Journal.Kind.TASK, "r1", 0)).as("done: not again").isFalse();
      assertThat(sent).as("done: its recorded result is sent again").hasSize(2);
      out.acknowledge(Ack.newBuilder().setTaskId("t1").build());
      assertThat(out.unacknowledged()).isEmpty();
      assertThat(out.admit("t1", Journal.Kind.TASK, "r1", 0)).as("acknowledged: ignored").isFalse();
      assertThat(sent).hasSize(2);
    }
  }

  @Test
  void anUnconfirmedResult_isOfferedAgainAfterTwentySeconds_untilAcknowledged() throws Exception {
    try (Journal journal = Journal.open(stateDir)) {
      Outbox out = outbox(journal);
      out.admit("t2", Journal.Kind.TASK, "r1", 0);
      out.record("t2", result("t2"));
      out.sendResult(result("t2"));
      now = now.plusSeconds(10);
      out.resendOverdue();
      assertThat(sent).as("10 s: not yet").hasSize(1);
      now = now.plusMillis(Outbox.RESEND_AFTER_MILLIS);
      out.resendOverdue();
      assertThat(sent).as("past 20 s: again").hasSize(2);
      out.acknowledge(Ack.newBuilder().addTaskIds("t2").build());
      now = now.plusSeconds(60);
      out.resendOverdue();
      assertThat(sent).as("acknowledged: never again").hasSize(2);
    }
  }

  @Test
  void afterARestart_resultsStayUnacknowledged_andRunningWorkIsReportedFailed_notRunAgain() throws Exception {
    try (Journal journal = Journal.open(stateDir)) {
      Outbox out = outbox(journal);
      out.admit("done", Journal.Kind.TASK, "r1", 0);
      out.record("done", result("done"));
      out.admit("running", Journal.Kind.TASK, "r1", 0);
    }
    try (Journal journal = Journal.open(stateDir)) {
      Outbox out = outbox(journal);
      out.reportInterrupted();
      List<String> ids = out.unacknowledged().stream().map(m -> m.getTaskEvent().getTaskId()).toList();
      assertThat(ids).containsExactlyInAnyOrder("done", "running");
      AgentMessage failed = out.unacknowledged().stream()
          .filter(m -> m.getTaskEvent().getTaskId().equals("running")).findFirst().orElseThrow();
      assertThat(failed.getTaskEvent().getResult().getStatus()).isEqualTo(TaskStatus.FAILED);
      assertThat(failed.getTaskEvent().getResult().getMsg()).contains("it was not started again");
      assertThat(out.admit("running", Journal.Kind.TASK, "r1", 0)).as("interrupted work runs at most once").isFalse();
    }
  }

  @Test
  void afterARestart_aPlayThatRebootedItsHost_goesOnFromItsCheckpoint_notReportedFailed() throws Exception {
    try (Journal journal = Journal.open(stateDir)) {
      Outbox out = outbox(journal);
      out.admit("run1-p0-web", Journal.Kind.PLAY, "run1", 0);
      out.admit("run1-p1-web", Journal.Kind.PLAY, "run1", 1);
    }
    new RebootCheckpoint("run1-p0-web", "run1", 0, new byte[] {4, 2}, "boot-1", 1, 600, new byte[0]).write(stateDir);
    new RebootCheckpoint("old-p0-web", "old", 0, new byte[0], "boot-0", 1, 600, new byte[0]).write(stateDir);
    try (Journal journal = Journal.open(stateDir)) {
      Outbox out = outbox(journal);
      List<PlayAssignment> resume = out.reportInterrupted();

      assertThat(resume).singleElement().satisfies(a -> {
        assertThat(a.getAssignmentId()).isEqualTo("run1-p0-web");
        assertThat(a.getPlan().toByteArray()).containsExactly(4, 2);
      });
      List<String> failed = out.unacknowledged().stream().map(m -> m.getPlayEvent().getAssignmentId()).toList();
      assertThat(failed).as("only the play without a checkpoint is interrupted").containsExactly("run1-p1-web");
      assertThat(RebootCheckpoint.files(stateDir)).as("a checkpoint of a play not running is dropped")
          .containsExactly(RebootCheckpoint.file(stateDir, "run1-p0-web"));
      assertThat(out.admit("run1-p0-web", Journal.Kind.PLAY, "run1", 0)).as("not delivered twice").isFalse();
    }
  }

  @Test
  void afterARestart_aCorruptCheckpoint_reportsThePlayInterrupted_withTheReason() throws Exception {
    try (Journal journal = Journal.open(stateDir)) {
      outbox(journal).admit("run1-p0-web", Journal.Kind.PLAY, "run1", 0);
    }
    Path file = new RebootCheckpoint("run1-p0-web", "run1", 0, new byte[] {4}, "boot-1", 1, 600, new byte[0])
        .write(stateDir);
    byte[] bytes = java.nio.file.Files.readAllBytes(file);
    bytes[12] ^= 1;
    java.nio.file.Files.write(file, bytes);
    try (Journal journal = Journal.open(stateDir)) {
      Outbox out = outbox(journal);

      assertThat(out.reportInterrupted()).isEmpty();
      AgentMessage m = out.unacknowledged().get(0);
      assertThat(m.getPlayEvent().getFinished().getError()).contains("the play rebooted this host, but",
          "not a usable reboot checkpoint", "checksum");
      assertThat(file).doesNotExist();
    }
  }
}
