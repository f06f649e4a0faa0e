package io.homefleet.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.homefleet.agent.module.Modules;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutorTest {
  static final class Results implements TaskSink {
    final List<String> started = new CopyOnWriteArrayList<>();
    final List<Outcome> finished = new CopyOnWriteArrayList<>();

    @Override
    public void started(Task task, long unixMillis) {
      started.add(task.id());
    }

    @Override
    public void output(Task task, boolean stderr, byte[] data, long seq) {}

    @Override
    public void finished(Task task, Outcome outcome, long startedMillis, long finishedMillis) {
      finished.add(outcome);
    }
  }

  @Test
  void submit_sameTaskIdTwice_runsItOnce(@TempDir Path dir) {
    Results r = new Results();
    try (Executor ex = new Executor(Modules.builtin(), 2, r, dir)) {
      Task t = new Task("t-1", "r", "ping", Map.of(), Duration.ZERO, false);
      assertThat(ex.submit(t)).isTrue();
      assertThat(ex.submit(t)).isFalse();
      await().atMost(Duration.ofSeconds(5)).until(() -> r.finished.size() == 1);
      assertThat(r.started).containsExactly("t-1");
      assertThat(r.finished.get(0).data()).containsEntry("ping", "pong");
    }
  }

  @Test
  void submit_fqcnModuleName_resolvesToTheShortName(@TempDir Path dir) {
    Results r = new Results();
    try (Executor ex = new Executor(Modules.builtin(), 1, r, dir)) {
      ex.submit(new Task("t-2", "r", "ansible.builtin.ping", Map.of(), Duration.ZERO, false));
      await().atMost(Duration.ofSeconds(5)).until(() -> r.finished.size() == 1);
      assertThat(r.finished.get(0).status()).isEqualTo(Outcome.Status.OK);
    }
  }

  @Test
  void submit_unknownModule_failsNamingTheAvailableOnes(@TempDir Path dir) {
    Results r = new Results();
    try (Executor ex = new Executor(Modules.builtin(), 1, r, dir)) {
      ex.submit(new Task("t-3", "r", "copyy", Map.of(), Duration.ZERO, false));
      await().atMost(Duration.ofSeconds(5)).until(() -> r.finished.size() == 1);
      assertThat(r.finished.get(0).status()).isEqualTo(Outcome.Status.FAILED);
      assertThat(r.finished.get(0).msg()).contains("unknown module 'copyy'", "command", "copy", "ping", "shell");
    }
  }

  @Test
  void cancel_runningTask_stopsItAndReportsCancelled(@TempDir Path dir) {
    Results r = new Results();
    try (Executor ex = new Executor(Modules.builtin(), 1, r, dir)) {
      ex.submit(new Task("t-4", "r", "shell", Map.of("_raw_params", "sleep 30"), Duration.ZERO, false));
      await().atMost(Duration.ofSeconds(5)).until(() -> ex.runningCount() == 1 && r.started.size() == 1);
      long t0 = System.nanoTime();
      ex.cancel("t-4");
      await().atMost(Duration.ofSeconds(10)).until(() -> r.finished.size() == 1);
      assertThat(r.finished.get(0).status()).isEqualTo(Outcome.Status.CANCELLED);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }
  }
}
