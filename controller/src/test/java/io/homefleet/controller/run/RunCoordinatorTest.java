package io.homefleet.controller.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.homefleet.controller.run.RunCoordinator.AdhocSpec;
import io.homefleet.controller.store.Records.Task;
import io.homefleet.controller.store.Store;
import io.homefleet.controller.testing.Enrolled;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ad-hoc coordinator on a real SQLite store and group commit, with the host lanes and its
 * own sweep as the server wires them; the agents are a dispatcher that keeps what it is sent, so
 * the test answers for them.
 */
class RunCoordinatorTest {
  /** Agents the test is online for and answers for. */
  private static final class Agents implements AgentDispatcher {
    final Set<String> online = ConcurrentHashMap.newKeySet();
    final BlockingQueue<TaskSpec> sent = new LinkedBlockingQueue<>();
    final BlockingQueue<String> cancels = new LinkedBlockingQueue<>();

    @Override
    public boolean isOnline(String host) {
      return online.contains(host);
    }

    @Override
    public boolean dispatch(String host, TaskSpec task) {
      return online.contains(host) && sent.add(task);
    }

    @Override
    public boolean cancel(String host, String taskId, String reason) {
      return online.contains(host) && cancels.add(taskId);
    }
  }

  /** What a run's listener heard. */
  private static final class Heard implements RunListener {
    final Map<String, TaskOutcome> results = new ConcurrentHashMap<>();
    final CompletableFuture<RunSummary> finished = new CompletableFuture<>();

    @Override
    public void started(String runId, List<String> hosts) {}

    @Override
    public void output(String host, boolean stderr, byte[] data) {}

    @Override
    public void result(String host, TaskOutcome outcome) {
      results.put(host, outcome);
    }

    @Override
    public void finished(RunSummary summary) {
      finished.complete(summary);
    }
  }

  @TempDir
  Path dir;

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final Agents agents = new Agents();
  private Store store;
  private GroupCommit writes;

  @AfterEach
  void close() {
    timer.shutdownNow();
    if (writes != null) {
      writes.close();
    }
    if (store != null) {
      store.close();
    }
  }

  private RunCoordinator coordinator() {
    store = Store.open(dir);
    writes = new GroupCommit(store);
    Enrolled.host(store, "web-1");
    Enrolled.host(store, "web-2");
    return new RunCoordinator(store, writes, agents, new HostLanes(agents::isOnline), Clock.systemUTC(), timer,
        Duration.ofSeconds(60)).startSweep();
  }

  /** The controller stopped and started again on the same store (its hosts not back yet): the recovered coordinator. */
  private RunCoordinator restarted(ScheduledExecutorService timer2) {
    timer.shutdownNow();
    writes.close();
    store.close();
    agents.online.clear();
    store = Store.open(dir);
    writes = new GroupCommit(store);
    RunCoordinator again = new RunCoordinator(store, writes, agents, new HostLanes(agents::isOnline),
        Clock.systemUTC(), timer2, Duration.ofSeconds(60)).startSweep();
    assertThat(again.recover()).isEqualTo(1);
    return again;
  }

  private static TaskOutcome outcome(TaskOutcome.Status status) {
    long now = System.currentTimeMillis();
    return new TaskOutcome(status, 0, "hello\n", "", "", now, now);
  }

  private String stateOf(String runId, String host) {
    return store.runs().tasks(runId).stream().filter(t -> t.host().equals(host)).map(Task::state).findFirst().orElseThrow();
  }

  @Test
  void onlineHost_getsTheTask_andItsResultEndsTheRun() throws Exception {
    RunCoordinator runs = coordinator();
    agents.online.add("web-1");
    Heard heard = new Heard();
    String id = runs.start(new AdhocSpec("web-1", "command", Map.of("_raw_params", "echo hello"),
        Duration.ofSeconds(30), false), "alice", heard);
    TaskSpec task = agents.sent.poll(5, TimeUnit.SECONDS);
    assertThat(task).isNotNull();
    assertThat(task.runId()).isEqualTo(id);
    assertThat(stateOf(id, "web-1")).isEqualTo("sent");
    runs.started("web-1", task.taskId(), System.currentTimeMillis());
    await().atMost(Duration.ofSeconds(5)).until(() -> stateOf(id, "web-1").equals("running"));
    runs.result("web-1", task.taskId(), outcome(TaskOutcome.Status.CHANGED), () -> { });
    RunSummary summary = heard.finished.get(5, TimeUnit.SECONDS);
    assertThat(summary.state()).isEqualTo("succeeded");
    assertThat(summary.changed()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> stateOf(id, "web-1").equals("changed"));
  }

  @Test
  void offlineHost_withoutQueueTime_isUnreachableAtOnce() throws Exception {
    RunCoordinator runs = coordinator();
    Heard heard = new Heard();
    String id = runs.start(new AdhocSpec("web-1", "ping", Map.of(), Duration.ofSeconds(30), false), "alice", heard);
    RunSummary summary = heard.finished.get(5, TimeUnit.SECONDS);
    assertThat(summary.state()).isEqualTo("failed");
    assertThat(summary.unreachable()).isEqualTo(1);
    assertThat(heard.results.get("web-1").msg()).contains("--queue-for");
    assertThat(agents.sent).isEmpty();
    await().atMost(Duration.ofSeconds(5)).until(() -> stateOf(id, "web-1").equals("unreachable"));
  }

  @Test
  void offlineHost_withQueueTime_expiresOnTheSweep_unlessItConnects() throws Exception {
    RunCoordinator runs = coordinator();
    agents.online.add("web-2");
    Heard heard = new Heard();
    String id = runs.start(new AdhocSpec("all", "ping", Map.of(), Duration.ofSeconds(30), false,
        Duration.ofSeconds(1)), "alice", heard);
    TaskSpec toWeb2 = agents.sent.poll(5, TimeUnit.SECONDS);
    assertThat(toWeb2.taskId()).endsWith("web-2");
    assertThat(stateOf(id, "web-1")).isEqualTo("queued");
    runs.result("web-2", toWeb2.taskId(), outcome(TaskOutcome.Status.OK), () -> { });
    // Nobody connects web-1: the once-a-second sweep ends it after its queue time.
    RunSummary summary = heard.finished.get(10, TimeUnit.SECONDS);
    assertThat(heard.results.get("web-1").status()).isEqualTo(TaskOutcome.Status.EXPIRED);
    assertThat(summary.ok()).isEqualTo(1);
    assertThat(summary.unreachable()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> stateOf(id, "web-1").equals("expired"));
  }

  @Test
  void cancel_endsQueuedTasksAndAsksTheRunningOnesToStop() throws Exception {
    RunCoordinator runs = coordinator();
    agents.online.add("web-1");
    Heard heard = new Heard();
    String id = runs.start(new AdhocSpec("all", "command", Map.of("_raw_params", "sleep 60"), Duration.ofSeconds(90),
        false, Duration.ofMinutes(10)), "alice", heard);
    TaskSpec running = agents.sent.poll(5, TimeUnit.SECONDS);
    runs.started("web-1", running.taskId(), System.currentTimeMillis());
    runs.cancel(id, "bob");
    assertThat(agents.cancels.poll(5, TimeUnit.SECONDS)).isEqualTo(running.taskId());
    // The queued task ends once its end is stored (the group commit), before the running one's.
    await().atMost(Duration.ofSeconds(5)).until(() -> heard.results.containsKey("web-2"));
    assertThat(heard.results.get("web-2").status()).isEqualTo(TaskOutcome.Status.CANCELLED);
    // The agent stops the task and says so, as a real one does.
    runs.result("web-1", running.taskId(), outcome(TaskOutcome.Status.CANCELLED), () -> { });
    assertThat(heard.finished.get(5, TimeUnit.SECONDS).state()).isEqualTo("cancelled");
  }

  @Test
  void afterARestart_anOpenTaskWaitsForItsHost_andItsResultIsStored() throws Exception {
    RunCoordinator runs = coordinator();
    agents.online.add("web-1");
    String id = runs.start(new AdhocSpec("web-1", "ping", Map.of(), Duration.ofSeconds(30), false), "alice",
        RunListener.NONE);
    TaskSpec task = agents.sent.poll(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> stateOf(id, "web-1").equals("sent"));
    // The controller stops: a new coordinator over the same store, the host not back yet.
    ScheduledExecutorService timer2 = Executors.newSingleThreadScheduledExecutor();
    try {
      RunCoordinator again = restarted(timer2);
      agents.online.add("web-1");
      again.connected("web-1", Set.of(task.taskId()));
      again.result("web-1", task.taskId(), outcome(TaskOutcome.Status.OK), () -> { });
      await().atMost(Duration.ofSeconds(5)).until(() -> store.runs().run(id).orElseThrow().state().equals("succeeded"));
      assertThat(stateOf(id, "web-1")).isEqualTo("ok");
    } finally {
      timer2.shutdownNow();
    }
  }

  @Test
  void becomeUserAndAsync_goWithTheTask_andAgainAfterARestart() throws Exception {
    RunCoordinator runs = coordinator();
    agents.online.add("web-1");
    String id = runs.start(new AdhocSpec("web-1", "command", Map.of("_raw_params", "id -un"), Duration.ofSeconds(30),
        false, Duration.ofMinutes(5), "postgres", 600, 0), "alice", RunListener.NONE);
    TaskSpec task = agents.sent.poll(5, TimeUnit.SECONDS);
    assertThat(task).isNotNull();
    assertThat(List.of(task.user(), task.asyncSeconds(), task.pollSeconds())).containsExactly("postgres", 600, 0);
    await().atMost(Duration.ofSeconds(5)).until(() -> stateOf(id, "web-1").equals("sent"));
    ScheduledExecutorService timer2 = Executors.newSingleThreadScheduledExecutor();
    try {
      RunCoordinator again = restarted(timer2);
      agents.online.add("web-1");
      // Back without the task (it never reached the agent): it goes out again, as the same user and job.
      again.connected("web-1", Set.of());
      TaskSpec resent = agents.sent.poll(5, TimeUnit.SECONDS);
      assertThat(resent).isNotNull();
      assertThat(resent.taskId()).isEqualTo(task.taskId());
      assertThat(List.of(resent.user(), resent.asyncSeconds(), resent.pollSeconds()))
          .containsExactly("postgres", 600, 0);
    } finally {
      timer2.shutdownNow();
    }
  }
}
