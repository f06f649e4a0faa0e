package io.homefleet.controller.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.homefleet.controller.store.Records.Host;
import io.homefleet.controller.store.Records.Run;
import io.homefleet.controller.store.Records.Task;
import io.homefleet.controller.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs ad-hoc tasks across hosts: records the run and its tasks before anything is sent, hands
 * each online host its task, collects results as they arrive, and closes the run when every host
 * has answered, disconnected or timed out. Every outcome is persisted before a listener sees it.
 */
public final class RunCoordinator {
  private static final Logger log = LoggerFactory.getLogger(RunCoordinator.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Extra time the controller grants past the agent's own timeout before calling a task lost. */
  private static final Duration GRACE = Duration.ofSeconds(15);

  /** What to run where. */
  public record AdhocSpec(String target, String module, Map<String, Object> args, Duration timeout, boolean checkMode) {
    public AdhocSpec {
      args = Map.copyOf(args);
    }
  }

  private final class ActiveRun {
    final String id;
    final RunListener listener;
    final Map<String, String> pendingByTask = new ConcurrentHashMap<>();
    int ok;
    int changed;
    int failed;
    int unreachable;
    ScheduledFuture<?> deadline;

    ActiveRun(String id, RunListener listener) {
      this.id = id;
      this.listener = listener;
    }
  }

  private final Store store;
  private final GroupCommit writes;
  private final AgentDispatcher dispatcher;
  private final Clock clock;
  private final ScheduledExecutorService timer;
  private final Map<String, ActiveRun> runsByTask = new ConcurrentHashMap<>();

  public RunCoordinator(Store store, GroupCommit writes, AgentDispatcher dispatcher, Clock clock,
      ScheduledExecutorService timer) {
    this.store = store;
    this.writes = writes;
    this.dispatcher = dispatcher;
    this.clock = clock;
    this.timer = timer;
  }

  /** Starts a run; returns its id. The listener hears of every host, then of the end. */
  public String start(AdhocSpec spec, String requestedBy, RunListener listener) throws UnknownTargetException {
    List<Host> hosts = Targets.select(spec.target(), store.hosts());
    if (hosts.isEmpty()) {
      throw new UnknownTargetException("no enrolled host matches '" + spec.target()
          + "' (use a host name, a role, key=value for a label, or 'all'; 'homefleet hosts' lists them)");
    }
    long now = clock.millis();
    String runId = Ids.next(now);
    List<Task> tasks = new ArrayList<>();
    for (Host h : hosts) {
      // Written as sent for a host online now, in the run's own transaction, before it is sent: one
      // write per task instead of an insert and an update. A send that fails finishes it as
      // unreachable below; a controller that dies first finds it open at start-up either way.
      String state = dispatcher.isOnline(h.name()) ? "sent" : "queued";
      tasks.add(new Task(runId + "-" + h.name(), runId, h.name(), state, Optional.empty(), "", "", "",
          Optional.empty(), Optional.empty()));
    }
    store.insertRun(new Run(runId, "adhoc", spec.target(), spec.module(), json(spec.args()), "running", requestedBy, now,
        Optional.empty()), tasks);
    ActiveRun run = new ActiveRun(runId, listener);
    synchronized (run) {
      for (Task t : tasks) {
        run.pendingByTask.put(t.id(), t.host());
        runsByTask.put(t.id(), run);
      }
      listener.started(runId, hosts.stream().map(Host::name).toList());
      int timeoutSeconds = (int) spec.timeout().toSeconds();
      for (Task t : tasks) {
        boolean sent = t.state().equals("sent")
            && dispatcher.dispatch(t.host(), new TaskSpec(t.id(), runId, spec.module(), spec.args(), timeoutSeconds, spec.checkMode()));
        if (!sent) {
          complete(run, t.id(), TaskOutcome.controllerSide(TaskOutcome.Status.UNREACHABLE,
              "host is not connected to the controller", clock.millis()), NOTHING);
        }
      }
      if (timeoutSeconds > 0 && !run.pendingByTask.isEmpty()) {
        run.deadline = timer.schedule(() -> expire(run), spec.timeout().plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
      }
    }
    log.info("run {}: {} '{}' on {} host(s) matching '{}' for {}", runId, spec.module(), spec.args(), hosts.size(),
        spec.target(), requestedBy);
    return runId;
  }

  /** The agent reports that it began a task. */
  public void started(String host, String taskId, long startedMillis) {
    ActiveRun run = runsByTask.get(taskId);
    if (run != null && host.equals(run.pendingByTask.get(taskId))) {
      writes.submit(s -> s.markTask(taskId, "running", startedMillis));
    }
  }

  /** A chunk of a task's output. */
  public void output(String host, String taskId, boolean stderr, byte[] data) {
    ActiveRun run = runsByTask.get(taskId);
    if (run != null && host.equals(run.pendingByTask.get(taskId))) {
      synchronized (run) {
        run.listener.output(host, stderr, data);
      }
    }
  }

  /**
   * A task's final result from {@code host}. {@code recorded} runs once the result is in the
   * store (now or earlier), so the agent may be told it can forget it.
   */
  public void result(String host, String taskId, TaskOutcome outcome, Runnable recorded) {
    ActiveRun run = runsByTask.get(taskId);
    if (run == null) {
      // Not active (the host reconnected, or the controller restarted): the agent's word replaces
      // the unreachable or timed-out state the controller recorded in its absence.
      boolean known = store.recordLateResult(taskId, outcome.status().state(), outcome.rc(), outcome.stdout(),
          outcome.stderr(), outcome.msg(), outcome.startedMillis() == 0 ? null : outcome.startedMillis(),
          outcome.finishedMillis());
      log.info("late result for task {} from {}: {}", taskId, host, known ? "recorded" : "unknown task, dropped");
      recorded.run();
      return;
    }
    if (!host.equals(run.pendingByTask.get(taskId))) {
      log.warn("host {} reported a result for task {} that is not its own; ignored", host, taskId);
      return;
    }
    synchronized (run) {
      complete(run, taskId, outcome, recorded);
    }
  }

  /** Every open task of a host that drops its stream is unreachable: the agent cannot report it now. */
  public void disconnected(String host) {
    for (Map.Entry<String, ActiveRun> e : runsByTask.entrySet()) {
      ActiveRun run = e.getValue();
      if (host.equals(run.pendingByTask.get(e.getKey()))) {
        synchronized (run) {
          complete(run, e.getKey(), TaskOutcome.controllerSide(TaskOutcome.Status.UNREACHABLE,
              "the agent disconnected before reporting a result", clock.millis()), NOTHING);
        }
      }
    }
  }

  private void expire(ActiveRun run) {
    synchronized (run) {
      for (String taskId : List.copyOf(run.pendingByTask.keySet())) {
        complete(run, taskId, TaskOutcome.controllerSide(TaskOutcome.Status.TIMED_OUT,
            "no result within the task timeout", clock.millis()), NOTHING);
      }
    }
  }

  private static final Runnable NOTHING = () -> { };

  /**
   * Must hold the run's lock. The outcome is written through the group commit; the operator
   * hears of it, and {@code recorded} runs, only once it is committed.
   */
  private void complete(ActiveRun run, String taskId, TaskOutcome outcome, Runnable recorded) {
    String host = run.pendingByTask.remove(taskId);
    if (host == null) {
      return;
    }
    runsByTask.remove(taskId);
    switch (outcome.status()) {
      case OK, SKIPPED -> run.ok++;
      case CHANGED -> run.changed++;
      case UNREACHABLE -> run.unreachable++;
      case FAILED, TIMED_OUT, CANCELLED -> run.failed++;
    }
    writes.submit(s -> s.finishTask(taskId, outcome.status().state(), outcome.rc() < 0 ? null : outcome.rc(),
        outcome.stdout(), outcome.stderr(), outcome.msg(), outcome.startedMillis() == 0 ? null : outcome.startedMillis(),
        outcome.finishedMillis()), () -> {
          synchronized (run) {
            run.listener.result(host, outcome);
          }
          recorded.run();
        });
    if (run.pendingByTask.isEmpty()) {
      if (run.deadline != null) {
        run.deadline.cancel(false);
      }
      String state = run.failed + run.unreachable == 0 ? "succeeded" : "failed";
      RunSummary summary = new RunSummary(run.id, state, run.ok, run.changed, run.failed, run.unreachable);
      long now = clock.millis();
      writes.submit(s -> s.finishRun(run.id, state, now), () -> {
        synchronized (run) {
          run.listener.finished(summary);
        }
      });
      log.info("run {} {}: ok={} changed={} failed={} unreachable={}", run.id, state, run.ok, run.changed, run.failed,
          run.unreachable);
    }
  }

  private static String json(Map<String, Object> args) {
    try {
      return JSON.writeValueAsString(args);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("arguments are not serialisable: " + e.getMessage(), e);
    }
  }
}
