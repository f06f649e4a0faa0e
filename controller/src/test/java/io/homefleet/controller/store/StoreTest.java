package io.homefleet.controller.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.controller.store.Records.IssuedCertificate;
import io.homefleet.controller.store.Records.Run;
import io.homefleet.controller.store.Records.Task;
import io.homefleet.controller.store.Records.Token;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite store on real files: migrations, transactions, and state that survives a reopen. */
class StoreTest {

  private static Token token(String hash, String host) {
    return new Token(hash, host, "dev", Map.of("k", "v"), 1, 10_000, Optional.empty(), Optional.empty(), Optional.empty());
  }

  private static IssuedCertificate cert(String serial, String host) {
    return new IssuedCertificate(serial, "agent://" + host, Optional.of(host), "pk-" + serial, 0, 1000, "PEM", 5);
  }

  @Test
  void open_appliesMigrationsOnce_andStateSurvivesReopen(@TempDir Path dir) {
    try (Store s = Store.open(dir)) {
      assertThat(s.schemaVersion()).isEqualTo(4);
      s.insertToken(token("h1", "web-1"));
      assertThat(s.consumeTokenAndEnroll(token("h1", "web-1"), "pk", cert("aa", "web-1"), 100)).contains(List.of());
    }
    assertThat(dir.resolve(Store.FILE_NAME)).exists();
    try (Store s = Store.open(dir)) {
      assertThat(s.schemaVersion()).isEqualTo(4);
      assertThat(s.host("web-1")).hasValueSatisfying(h -> {
        assertThat(h.role()).isEqualTo("dev");
        assertThat(h.labels()).containsEntry("k", "v");
        assertThat(h.enrolledAt()).isEqualTo(100);
      });
      assertThat(s.token("h1").orElseThrow().usedAt()).contains(100L);
      assertThat(s.certificate("aa")).isPresent();
    }
  }

  @Test
  void consumeToken_isSingleUse_andReEnrollmentRevokesEarlierCertificates(@TempDir Path dir) {
    try (Store s = Store.open(dir)) {
      s.insertToken(token("h1", "web-1"));
      s.insertToken(token("h2", "web-1"));
      assertThat(s.consumeTokenAndEnroll(token("h1", "web-1"), "pk", cert("aa", "web-1"), 100)).contains(List.of());
      assertThat(s.consumeTokenAndEnroll(token("h1", "web-1"), "pk", cert("bb", "web-1"), 101)).isEmpty();
      assertThat(s.certificate("bb")).as("nothing half-written by the refused use").isEmpty();
      assertThat(s.consumeTokenAndEnroll(token("h2", "web-1"), "pk2", cert("cc", "web-1"), 102)).contains(List.of("aa"));
      assertThat(s.revokedSerials()).containsExactly("aa");
      assertThat(s.latestCertificate("web-1").orElseThrow().serial()).isEqualTo("cc");
    }
  }

  @Test
  void decommission_revokesEveryCertificateOfTheHostInOneGo(@TempDir Path dir) {
    try (Store s = Store.open(dir)) {
      s.insertToken(token("h1", "web-1"));
      s.consumeTokenAndEnroll(token("h1", "web-1"), "pk", cert("aa", "web-1"), 100);
      s.insertCertificate(cert("ab", "web-1"));
      assertThat(s.decommission("web-1", "test", 200)).containsExactlyInAnyOrder("aa", "ab");
      assertThat(s.decommission("web-1", "again", 201)).isEmpty();
      assertThat(s.host("web-1").orElseThrow().decommissioned()).isTrue();
    }
  }

  @Test
  void finishTask_recordsOnce_andInterruptedPlayRunsAreClosedHonestly(@TempDir Path dir) {
    try (Store s = Store.open(dir)) {
      s.insertRun(new Run("a1", "adhoc", "all", "command", "{}", "running", "operator://admin", 1, Optional.empty()),
          List.of(Task.open("a1-x", "a1", "x", "sent", 30, true, Optional.of(99L))));
      s.insertRun(new Run("r1", "play", "all", "command", "{}", "running", "operator://admin", 1, Optional.empty()),
          List.of(new Task("t1", "r1", "a", "queued", Optional.empty(), "", "", "", Optional.empty(), Optional.empty(), 0, false, Optional.empty()),
              new Task("t2", "r1", "b", "queued", Optional.empty(), "", "", "", Optional.empty(), Optional.empty(), 0, false, Optional.empty())));
      assertThat(s.finishTask("t1", "changed", 0, "out", "", "", 2L, 3)).isTrue();
      assertThat(s.finishTask("t1", "failed", 1, "dup", "", "", 2L, 4)).as("a duplicate report").isFalse();
      assertThat(s.closeInterruptedRuns(9)).isEqualTo(1);
    }
    try (Store s = Store.open(dir)) {
      assertThat(s.run("r1").orElseThrow().state()).isEqualTo("failed");
      List<Task> tasks = s.tasks("r1");
      assertThat(tasks).extracting(Task::state).containsExactly("changed", "unreachable");
      assertThat(tasks.get(0).stdout()).isEqualTo("out");
      assertThat(tasks.get(1).msg()).contains("controller stopped");
      assertThat(s.openAdhocTasks()).as("ad-hoc work is delivered again, not closed")
          .extracting(Task::id, Task::state, Task::timeoutSeconds, Task::checkMode, Task::expiresAt)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("a1-x", "sent", 30, true, Optional.of(99L)));
      assertThat(s.openAdhocRuns()).extracting(Run::id).containsExactly("a1");
    }
  }

  @Test
  void recordLateResult_replacesWhatTheControllerGuessed_notARealResult(@TempDir Path dir) {
    try (Store s = Store.open(dir)) {
      s.insertRun(new Run("r1", "adhoc", "all", "command", "{}", "running", "operator://admin", 1, Optional.empty()),
          List.of(new Task("t1", "r1", "a", "queued", Optional.empty(), "", "", "", Optional.empty(), Optional.empty(), 0, false, Optional.empty()),
              new Task("t2", "r1", "b", "queued", Optional.empty(), "", "", "", Optional.empty(), Optional.empty(), 0, false, Optional.empty())));
      s.finishTask("t1", "unreachable", null, "", "", "the agent disconnected", null, 5);
      s.finishTask("t2", "changed", 0, "real", "", "", 2L, 3);
      s.finishRun("r1", "failed", 6);

      assertThat(s.recordLateResult("t1", "changed", 0, "late but real", "", "", 2L, 7)).isTrue();
      assertThat(s.recordLateResult("t2", "failed", 1, "forged", "", "", 2L, 8)).as("known task, unchanged").isTrue();
      assertThat(s.recordLateResult("nope", "ok", 0, "", "", "", null, 9)).isFalse();

      assertThat(s.tasks("r1")).extracting(Task::state, Task::stdout)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("changed", "late but real"),
              org.assertj.core.groups.Tuple.tuple("changed", "real"));
      assertThat(s.run("r1").orElseThrow().state()).isEqualTo("succeeded");
    }
  }

  @Test
  void open_whenFileIsNotADatabase_failsClearlyAndLeavesItAlone(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve(Store.FILE_NAME), "this is not sqlite, it is a text file of some length........");
    assertThatThrownBy(() -> Store.open(dir)).isInstanceOf(StoreException.class)
        .hasMessageContaining(dir.resolve(Store.FILE_NAME).toString());
    assertThat(Files.readString(dir.resolve(Store.FILE_NAME))).startsWith("this is not sqlite");
  }
}
