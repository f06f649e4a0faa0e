package io.homefleet.agent.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.homefleet.agent.play.TestPlans;
import io.homefleet.proto.v1.PlayAssignment;
import io.homefleet.proto.v1.PlayEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real play worker processes, started from this JVM's class path as the agent starts them. */
class PlayWorkersTest {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  /** Collects a worker's output. */
  static final class Seen implements PlayWorkers.Listener {
    final BlockingQueue<PlayEvent> events = new LinkedBlockingQueue<>();
    final BlockingQueue<PlayEvent> finished = new LinkedBlockingQueue<>();
    final List<String> moduleRuns = new CopyOnWriteArrayList<>();

    @Override
    public void event(PlayEvent event) {
      events.add(event);
    }

    @Override
    public void finished(PlayEvent event) {
      finished.add(event);
    }

    @Override
    public void moduleRun(String module, String result, long nanos) {
      moduleRuns.add(module + "=" + result);
    }

    PlayEvent next() throws InterruptedException {
      PlayEvent e = finished.poll(90, TimeUnit.SECONDS);
      assertThat(e).as("a recap within 90 s").isNotNull();
      return e;
    }
  }

  @AfterEach
  void stopTimer() {
    timer.shutdownNow();
  }

  private static PlayAssignment assignment(String id, byte[] plan) {
    return PlayAssignment.newBuilder().setAssignmentId(id).setRunId("r-" + id).setPlayIndex(0)
        .setPlan(ByteString.copyFrom(plan)).build();
  }

  /** A play whose shell task writes its parent's pid (the worker's) to {@code ROOT/ppid-ID}. */
  private static byte[] ppidPlay(Path tmp, Path root, String id) throws Exception {
    return TestPlans.plan(tmp.resolve(id), """
        - hosts: all
          gather_facts: false
          tasks:
            - name: who runs me
              shell: "echo $PPID > {{ root }}/ppid-{{ id }}"
            - name: a file
              file: {path: "{{ root }}/d-{{ id }}", state: directory}
        """, Map.of("root", root.toString(), "id", id), false);
  }

  private static long ppid(Path root, String id) throws Exception {
    return Long.parseLong(Files.readString(root.resolve("ppid-" + id)).trim());
  }

  /** A play whose one task writes {@code pid} ($$: its own, $PPID: the worker's) to {@code pidFile}, then sleeps a minute. */
  private static byte[] sleeper(Path tmp, Path pidFile, String pid) throws Exception {
    return TestPlans.plan(tmp, """
        - hosts: all
          gather_facts: false
          tasks:
            - name: long
              shell: "echo %s > %s.tmp; mv %s.tmp %s; exec sleep 60"
        """.formatted(pid, pidFile, pidFile, pidFile), Map.of(), false);
  }

  @Test
  void plays_runInOneChildProcess_whileTheyFollow_andItExitsOnceIdle(@TempDir Path tmp) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    Seen seen = new Seen();
    try (PlayWorkers workers = new PlayWorkers(PlayWorkers.command(tmp.resolve("state")), seen, timer,
        Duration.ofSeconds(2))) {
      workers.submit(assignment("a", ppidPlay(tmp, root, "a")));
      PlayEvent first = seen.next();
      assertThat(first.getAssignmentId()).isEqualTo("a");
      assertThat(first.getRunId()).isEqualTo("r-a");
      assertThat(first.getFinished().getChanged()).isEqualTo(2);
      assertThat(first.getFinished().getFailed()).isZero();
      workers.submit(assignment("b", ppidPlay(tmp, root, "b")));
      assertThat(seen.next().getFinished().getChanged()).isEqualTo(2);

      long worker = ppid(root, "a");
      assertThat(worker).as("the play ran in a child process").isNotEqualTo(ProcessHandle.current().pid());
      assertThat(ProcessHandle.of(worker).flatMap(h -> h.parent()).map(ProcessHandle::pid))
          .as("a child of this process").contains(ProcessHandle.current().pid());
      assertThat(ppid(root, "b")).as("the second play, right after, in the same worker").isEqualTo(worker);
      // Two plays of two tasks: each event once, in order, and every module run reported for the metrics.
      List<String> kinds = new ArrayList<>();
      for (PlayEvent e : seen.events) {
        kinds.add(e.getAssignmentId() + ":" + e.getKindCase());
      }
      assertThat(kinds).containsExactly("a:TASK_STARTED", "a:TASK", "a:TASK_STARTED", "a:TASK",
          "b:TASK_STARTED", "b:TASK", "b:TASK_STARTED", "b:TASK");
      assertThat(seen.moduleRuns).containsExactly("shell=changed", "file=changed", "shell=changed", "file=changed");
      assertThat(workers.runningCount()).isZero();

      ProcessHandle handle = ProcessHandle.of(worker).orElseThrow();
      handle.onExit().get(30, TimeUnit.SECONDS);
      assertThat(workers.workerRunning()).as("no worker once idle for 2 s").isFalse();

      // The next play starts a new worker.
      workers.submit(assignment("c", ppidPlay(tmp, root, "c")));
      assertThat(seen.next().getFinished().getChanged()).isEqualTo(2);
      assertThat(ppid(root, "c")).isNotEqualTo(worker);
    }
  }

  @Test
  void cancel_stopsTheRunningCommand_andTheWorkerReportsCancelled(@TempDir Path tmp) throws Exception {
    Path pidFile = tmp.resolve("pid");
    byte[] plan = sleeper(tmp, pidFile, "$$");
    Seen seen = new Seen();
    try (PlayWorkers workers = new PlayWorkers(PlayWorkers.command(tmp.resolve("state")), seen, timer,
        Duration.ofSeconds(30))) {
      workers.submit(assignment("long", plan));
      ProcessHandle sleeper = awaitPid(pidFile);
      assertThat(workers.runningCount()).isEqualTo(1);
      workers.cancel("long");
      PlayEvent end = seen.next();
      assertThat(end.getFinished().getError()).isEqualTo("cancelled");
      sleeper.onExit().get(10, TimeUnit.SECONDS);
      assertThat(sleeper.isAlive()).isFalse();
      assertThat(workers.runningCount()).isZero();
    }
  }

  @Test
  void aWorkerThatDies_failsItsPlaysWithWhy_andTheNextPlayGetsANewOne(@TempDir Path tmp) throws Exception {
    Path pidFile = tmp.resolve("pid");
    byte[] plan = sleeper(tmp, pidFile, "$PPID");
    Seen seen = new Seen();
    try (PlayWorkers workers = new PlayWorkers(PlayWorkers.command(tmp.resolve("state")), seen, timer,
        Duration.ofSeconds(30))) {
      workers.submit(assignment("doomed", plan));
      ProcessHandle worker = awaitPid(pidFile);
      List<ProcessHandle> orphans = worker.descendants().toList();
      worker.destroyForcibly();
      orphans.forEach(ProcessHandle::destroyForcibly);
      PlayEvent end = seen.next();
      assertThat(end.getAssignmentId()).isEqualTo("doomed");
      assertThat(end.getFinished().getFailed()).isEqualTo(1);
      assertThat(end.getFinished().getError()).contains("play worker exited").contains("exit code 137");
      assertThat(workers.runningCount()).isZero();

      Path root = Files.createDirectories(tmp.resolve("root"));
      workers.submit(assignment("after", ppidPlay(tmp, root, "after")));
      assertThat(seen.next().getFinished().getFailed()).isZero();
    }
  }

  @Test
  void aWorkerThatCannotStart_failsThePlayWithTheReason(@TempDir Path tmp) throws Exception {
    Seen seen = new Seen();
    List<String> command = new ArrayList<>(PlayWorkers.command(tmp.resolve("state")));
    command.set(0, tmp.resolve("no-such-java").toString());
    try (PlayWorkers workers = new PlayWorkers(command, seen, timer, Duration.ofSeconds(30))) {
      workers.submit(assignment("x", TestPlans.plan(tmp, "- hosts: all\n  tasks: []\n", Map.of(), false)));
      PlayEvent end = seen.next();
      assertThat(end.getFinished().getFailed()).isEqualTo(1);
      assertThat(end.getFinished().getError()).startsWith("the agent could not start its play worker:")
          .contains("no-such-java");
    }
  }

  @Test
  void command_isThisJava_theWorkerMain_andTheStateDir(@TempDir Path tmp) {
    List<String> cmd = PlayWorkers.command(tmp);
    assertThat(Path.of(cmd.get(0))).isEqualTo(Path.of(System.getProperty("java.home"), "bin", "java"));
    assertThat(cmd).contains("-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"));
    assertThat(cmd.subList(cmd.size() - 2, cmd.size()))
        .containsExactly("io.homefleet.agent.play.PlayWorkerMain", tmp.toString());
  }

  private static ProcessHandle awaitPid(Path pidFile) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!(Files.exists(pidFile) && !Files.readString(pidFile).isBlank()) && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    return ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).orElseThrow();
  }
}
