package io.homefleet.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.homefleet.agent.module.Modules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ad-hoc {@code -B}/{@code -P} and {@code -m async_status} through the real executor and
 * modules: the job files are the agent user's {@code ~/.ansible_async}, as a play's are.
 */
class ExecutorAsyncTest {
  private static final AtomicInteger IDS = new AtomicInteger();

  @TempDir Path dir;

  /** Runs one task and returns its outcome. */
  private static Outcome run(Executor ex, ExecutorTest.Results r, String module, String rawArgs, Duration timeout,
      Executor.Async async) {
    int before = r.finished.size();
    Task t = new Task("t-" + IDS.incrementAndGet(), "r", module, Map.of("_raw_params", rawArgs), timeout, false);
    ex.submit(t, java.util.Optional.empty(), "", async);
    await().atMost(Duration.ofSeconds(20)).until(() -> r.finished.size() > before);
    return r.finished.get(before);
  }

  @Test
  void pollZero_returnsTheStartedJob_andAsyncStatusReadsThenCleansItUp() {
    ExecutorTest.Results r = new ExecutorTest.Results();
    try (Executor ex = new Executor(Modules.builtin(), 2, r, dir)) {
      long t0 = System.nanoTime();
      Outcome started = run(ex, r, "shell", "sleep 1; echo done", Duration.ofMinutes(10), new Executor.Async(30, 0));
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("returns before the job ends").isLessThan(
          Duration.ofMillis(900));
      assertThat(started.status()).isEqualTo(Outcome.Status.CHANGED);
      assertThat(started.data()).containsEntry("started", 1).containsEntry("finished", 0)
          .containsKeys("ansible_job_id", "results_file");
      String jid = (String) started.data().get("ansible_job_id");
      Path file = Path.of((String) started.data().get("results_file"));
      assertThat(file).isEqualTo(Path.of(System.getProperty("user.home"), ".ansible_async", jid));

      Outcome running = run(ex, r, "async_status", "jid=" + jid, Duration.ZERO, Executor.Async.NONE);
      assertThat(running.status()).isEqualTo(Outcome.Status.OK);
      assertThat(running.data()).containsEntry("finished", 0).containsEntry("started", 1);

      Outcome[] last = {null};
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        last[0] = run(ex, r, "ansible.builtin.async_status", "jid=" + jid, Duration.ZERO, Executor.Async.NONE);
        return Integer.valueOf(1).equals(last[0].data().get("finished"));
      });
      assertThat(last[0].status()).isEqualTo(Outcome.Status.CHANGED);
      assertThat(last[0].rc()).isZero();
      assertThat(last[0].stdout()).isEqualTo("done");
      assertThat(last[0].data()).containsEntry("ansible_job_id", jid).containsEntry("results_file", file.toString());

      Outcome cleanup = run(ex, r, "async_status", "jid=" + jid + " mode=cleanup", Duration.ZERO, Executor.Async.NONE);
      assertThat(cleanup.status()).isEqualTo(Outcome.Status.OK);
      assertThat(cleanup.data()).containsEntry("erased", file.toString());
      assertThat(file).doesNotExist();
      Outcome gone = run(ex, r, "async_status", "jid=" + jid, Duration.ZERO, Executor.Async.NONE);
      assertThat(gone.status()).isEqualTo(Outcome.Status.FAILED);
      assertThat(gone.msg()).isEqualTo("could not find job");
    }
  }

  @Test
  void polled_finishesWithTheJobFields_andPastItsLimitFailsAsAnsibleDoes() throws Exception {
    ExecutorTest.Results r = new ExecutorTest.Results();
    try (Executor ex = new Executor(Modules.builtin(), 1, r, dir)) {
      Outcome done = run(ex, r, "command", "echo hi", Duration.ofSeconds(5), new Executor.Async(5, 1));
      assertThat(done.status()).isEqualTo(Outcome.Status.CHANGED);
      assertThat(done.stdout()).isEqualTo("hi");
      assertThat(done.data()).containsEntry("finished", 1).containsEntry("started", 1).containsKey("ansible_job_id");

      Outcome slow = run(ex, r, "command", "sleep 5", Duration.ofSeconds(1), new Executor.Async(1, 1));
      assertThat(slow.status()).isEqualTo(Outcome.Status.FAILED);
      assertThat(slow.msg()).isEqualTo("async task did not complete within the requested time - 1s");
      // The watchdog's entry stays for async_status, as Ansible's does; this test removes it.
      @SuppressWarnings("unchecked")
      Map<String, Object> job = (Map<String, Object>) slow.data().get("async_result");
      Files.deleteIfExists(Path.of((String) job.get("results_file")));
      Files.deleteIfExists(Path.of((String) done.data().get("results_file")));
    }
  }

  @Test
  void asyncStatus_withBadArguments_failsNamingWhatToGive() {
    ExecutorTest.Results r = new ExecutorTest.Results();
    try (Executor ex = new Executor(Modules.builtin(), 1, r, dir)) {
      assertThat(run(ex, r, "async_status", "mode=status", Duration.ZERO, Executor.Async.NONE).msg())
          .contains("missing required arguments: jid");
      assertThat(run(ex, r, "async_status", "j123", Duration.ZERO, Executor.Async.NONE).msg())
          .contains("'j123' is not key=value", "jid=JID");
      assertThat(run(ex, r, "async_status", "jid=j1 mode=wait", Duration.ZERO, Executor.Async.NONE).msg())
          .contains("mode must be one of: cleanup, status, got: wait");
    }
  }
}
