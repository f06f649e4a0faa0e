package io.homefleet.controller.store;

import static io.homefleet.controller.store.Rows.queued;
import static io.homefleet.controller.store.Rows.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.homefleet.controller.store.Records.PlayRecapRow;
import io.homefleet.controller.store.Records.Run;
import io.homefleet.controller.store.Records.RunTask;
import io.homefleet.controller.store.Records.Task;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs, tasks, play parts, task results and recaps on a real SQLite file. */
class RunStoreTest {

  @Test
  void finishTask_recordsOnce_andInterruptedPlayRunsAreClosedHonestly(@TempDir Path dir) {
    try (Store store = Store.open(dir)) {
      RunStore s = store.runs();
      s.insertRun(run("a1", "adhoc", 1), List.of(Task.open("a1-x", "a1", "x", "sent", 30, true, Optional.of(99L))));
      s.insertRun(run("r1", "play", 1), List.of(queued("t1", "r1", "a"), queued("t2", "r1", "b")));
      assertThat(s.finishTask("t1", "changed", 0, "out", "", "", 2L, 3)).isTrue();
      assertThat(s.finishTask("t1", "failed", 1, "dup", "", "", 2L, 4)).as("a duplicate report").isFalse();
      assertThat(s.closeInterruptedRuns(9)).isEqualTo(1);
    }
    try (Store store = Store.open(dir)) {
      RunStore s = store.runs();
      assertThat(s.run("r1").orElseThrow().state()).isEqualTo("failed");
      List<Task> tasks = s.tasks("r1");
      assertThat(tasks).extracting(Task::state).containsExactly("changed", "unreachable");
      assertThat(tasks.get(0).stdout()).isEqualTo("out");
      assertThat(tasks.get(1).msg()).contains("controller stopped");
      assertThat(s.openAdhocTasks()).as("ad-hoc work is delivered again, not closed")
          .extracting(Task::id, Task::state, Task::timeoutSeconds, Task::checkMode, Task::expiresAt)
          .containsExactly(tuple("a1-x", "sent", 30, true, Optional.of(99L)));
      assertThat(s.openAdhocRuns()).extracting(Run::id).containsExactly("a1");
    }
  }

  @Test
  void recordLateResult_replacesWhatTheControllerGuessed_notARealResult(@TempDir Path dir) {
    try (Store store = Store.open(dir)) {
      RunStore s = store.runs();
      s.insertRun(run("r1", "adhoc", 1), List.of(queued("t1", "r1", "a"), queued("t2", "r1", "b")));
      s.finishTask("t1", "unreachable", null, "", "", "the agent disconnected", null, 5);
      s.finishTask("t2", "changed", 0, "real", "", "", 2L, 3);
      s.finishRun("r1", "failed", 6);

      assertThat(s.recordLateResult("t1", "changed", 0, "late but real", "", "", 2L, 7)).isTrue();
      assertThat(s.recordLateResult("t2", "failed", 1, "forged", "", "", 2L, 8)).as("known task, unchanged").isTrue();
      assertThat(s.recordLateResult("nope", "ok", 0, "", "", "", null, 9)).isFalse();

      assertThat(s.tasks("r1")).extracting(Task::state, Task::stdout)
          .containsExactly(tuple("changed", "late but real"), tuple("changed", "real"));
      assertThat(s.run("r1").orElseThrow().state()).isEqualTo("succeeded");
    }
  }

  @Test
  void playHostPart_isListedWhileOpen_andALateEndReplacesOnlyAGuess(@TempDir Path dir) {
    try (Store store = Store.open(dir)) {
      RunStore s = store.runs();
      s.insertRun(run("p1", "play", 1), List.of());
      s.openRunHostTask("p1-0-a", "p1", "a", null);
      s.openRunHostTask("p1-0-a", "p1", "a", 50L); // a repeated open keeps the first
      assertThat(s.tasks("p1")).extracting(Task::id, Task::state, Task::expiresAt)
          .containsExactly(tuple("p1-0-a", "queued", Optional.empty()));
      assertThat(s.playRunOfTask("p1-0-a", "a")).contains("p1");
      assertThat(s.playRunOfTask("p1-0-a", "b")).as("another host's part").isEmpty();

      s.insertRunHostTask("p1-0-a", "p1", "a", "unreachable", "the agent disconnected", 5);
      assertThat(s.recordLatePlayHost("p1-0-a", "ok", "", 6)).isTrue();
      assertThat(s.recordLatePlayHost("p1-0-a", "failed", "again", 7)).as("a repeated recap").isFalse();
      assertThat(s.tasks("p1")).extracting(Task::state, Task::finishedAt).containsExactly(tuple("ok", Optional.of(6L)));
    }
  }

  @Test
  void runTasksAndRecaps_comeBackInOrder(@TempDir Path dir) {
    try (Store store = Store.open(dir)) {
      RunStore s = store.runs();
      s.insertRun(run("p1", "play", 1), List.of());
      s.insertRunTask(new RunTask("p1", 2, 0, "b", "0/1", "second", "site.yml:9", false, "ok", false, "{}", "[]", 4));
      s.insertRunTask(new RunTask("p1", 1, 0, "a", "0/0", "first", "site.yml:5", true, "changed", true, "{}", "[]", 3));
      s.insertPlayRecap(new PlayRecapRow("p1", 1, "a", 1, 0, 0, 0, 0, 0, 0, "ok", ""));
      s.insertPlayRecap(new PlayRecapRow("p1", 0, "b", 1, 1, 0, 0, 0, 0, 0, "ok", ""));
      s.insertPlayRecap(new PlayRecapRow("p1", 0, "a", 2, 1, 0, 0, 0, 0, 0, "ok", ""));
      s.insertPlayRecap(new PlayRecapRow("p1", 0, "a", 2, 1, 0, 1, 0, 0, 0, "failed", "replaced"));

      assertThat(s.runTasks("p1")).extracting(RunTask::seq, RunTask::handler, RunTask::ignored)
          .containsExactly(tuple(1, true, true), tuple(2, false, false));
      assertThat(s.playRecaps("p1")).extracting(PlayRecapRow::playIndex, PlayRecapRow::host, PlayRecapRow::end)
          .containsExactly(tuple(0, "a", "failed"), tuple(0, "b", "ok"), tuple(1, "a", "ok"));
    }
  }

  @Test
  void recent_isNewestFirst_andCountsByStateCountsEveryRun(@TempDir Path dir) {
    try (Store store = Store.open(dir)) {
      RunStore s = store.runs();
      s.insertRun(run("r1", "adhoc", 1), List.of());
      s.insertRun(run("r2", "adhoc", 2), List.of());
      s.insertRun(run("r3", "play", 3), List.of());
      s.finishRun("r1", "succeeded", 5);
      assertThat(s.recent(2)).extracting(Run::id).containsExactly("r3", "r2");
      assertThat(s.countsByState()).isEqualTo(Map.of("running", 2L, "succeeded", 1L));
      assertThat(s.run("r1").orElseThrow().finishedAt()).contains(5L);
    }
  }
}
