package io.homefleet.controller.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.homefleet.controller.store.Records.Host;
import io.homefleet.controller.store.Records.Run;
import io.homefleet.controller.store.Records.Task;
import io.homefleet.controller.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs ad-hoc tasks across hosts and delivers them at least once, keyed by task id.
 *
 * <ul>
 *   <li>A run and all its tasks are in the store before anything is sent; every outcome is in the
 *       store before the operator hears of it or the agent is told it may forget it.
 *   <li>One piece of work per host at a time (its lane, {@link HostLanes}, shared with playbook
 *       runs): a host busy with an earlier run or a play gets the next task when the current work
 *       finishes; the rest wait in the store as {@code queued}. A lane is granted only while the
 *       host's stream is ready to send, so a slow or stalled agent holds at most one task message in
 *       the controller's memory.
 *   <li>A host that is offline gets its task when it connects, if the run was started with a queue
 *       time ({@link AdhocSpec#queueFor}); otherwise it is {@code unreachable} at once, as with
 *       ansible. Work still queued when its time is up is {@code expired}.
 *   <li>A host that disconnects mid-task keeps its task: the agent journals its work, so when it
 *       comes back it replays the result (or the controller sends the task again and the agent,
 *       which never runs one id twice, answers from its journal). Not back within the reconnect
 *       window: {@code unreachable}; a later result still replaces that.
 *   <li>After a controller restart the open tasks of unfinished runs are loaded back and delivered
 *       to their hosts as they reconnect ({@link #recover}).
 * </ul>
 */
public final class RunCoordinator {
  private static final Logger log = LoggerFactory.getLogger(RunCoordinator.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Extra time the controller grants past the agent's own timeout before calling a task lost. */
  private static final Duration GRACE = Duration.ofSeconds(15);

  /**
   * What to run where. {@code queueFor}: how long a task may wait for an offline host to come
   * back before it expires; zero means an offline host is unreachable at once. {@code becomeUser}:
   * who the module runs as on each host (empty: the agent's own user). {@code asyncSeconds} and
   * {@code pollSeconds}: Ansible's {@code -B}/{@code -P} (0 seconds: not async).
   */
  public record AdhocSpec(String target, String module, Map<String, Object> args, Duration timeout, boolean checkMode,
      Duration queueFor, String becomeUser, int asyncSeconds, int pollSeconds) {
    public AdhocSpec {
      args = Map.copyOf(args);
      if (queueFor.isNegative()) {
        throw new IllegalArgumentException("the queue time must not be negative");
      }
      if (asyncSeconds < 0 || pollSeconds < 0) {
        throw new IllegalArgumentException("async and poll must not be negative");
      }
    }

    public AdhocSpec(String target, String module, Map<String, Object> args, Duration timeout, boolean checkMode,
        Duration queueFor) {
      this(target, module, args, timeout, checkMode, queueFor, "", 0, 0);
    }

    public AdhocSpec(String target, String module, Map<String, Object> args, Duration timeout, boolean checkMode) {
      this(target, module, args, timeout, checkMode, Duration.ZERO);
    }
  }

  /** Why {@link #cancel} did nothing. */
  public static final class NoSuchRunException extends Exception {
    public NoSuchRunException(String message) {
      super(message);
    }
  }

  private static final class ActiveRun {
    final String id;
    final RunListener listener;
    final String module;
    final Map<String, Object> args;
    final String user;
    final int asyncSeconds;
    final int pollSeconds;
    int open;
    int ok;
    int changed;
    int failed;
    int unreachable;
    boolean cancelled;
    boolean finishing;
    /** Outcomes committed in the current group-commit batch, not yet told to the listener. Guarded by this. */
    List<RunListener.HostResult> announced = new ArrayList<>();

    ActiveRun(String id, RunListener listener, String module, Map<String, Object> args, String user,
        int asyncSeconds, int pollSeconds) {
      this.id = id;
      this.listener = listener;
      this.module = module;
      this.args = args;
      this.user = user;
      this.asyncSeconds = asyncSeconds;
      this.pollSeconds = pollSeconds;
    }
  }

  /** One open task. Guarded by the coordinator's lock. */
  /** Where an open task is; the store keeps the word. */
  enum Phase {
    /** Offline with no queue time: about to end unreachable (stored as queued until then). */
    OFFLINE("queued"),
    /** Waiting for its host's lane or for the host to connect. */
    QUEUED("queued"),
    /** Sent to the agent, not started yet. */
    SENT("sent"),
    /** The agent said it started. */
    RUNNING("running");

    final String word;

    Phase(String word) {
      this.word = word;
    }

    /** The phase of a stored open task. */
    static Phase of(String word) {
      return switch (word) {
        case "sent" -> SENT;
        case "running" -> RUNNING;
        default -> QUEUED;
      };
    }
  }

  private static final class Pending {
    final String taskId;
    final ActiveRun run;
    final String host;
    final int timeoutSeconds;
    final boolean checkMode;
    /** True when the task may wait for its host (the run has a queue time). */
    final boolean waits;
    Phase state;
    /** Queued: when it expires. Sent or running: when it times out. */
    long deadline;
    /** When the host's stream dropped while this task was out; 0 while connected. */
    long disconnectedAt;
    /** The end of the run's queue time ({@code --queue-for}), 0 without one: a task out to a host that drops waits for it at least this long. */
    long queueUntil;
    boolean completing;
    /** Its claim on the host's lane; null for a task that never waited (offline, unreachable at once). */
    HostLanes.Ticket ticket;

    /** When a task sent at {@code sentAt} is past its timeout and the controller's grace. */
    long timesOutAt(long sentAt) {
      return sentAt + (timeoutSeconds + GRACE.toSeconds()) * 1000L;
    }

    Pending(String taskId, ActiveRun run, String host, int timeoutSeconds, boolean checkMode, boolean waits,
        Phase state, long deadline) {
      this.taskId = taskId;
      this.run = run;
      this.host = host;
      this.timeoutSeconds = timeoutSeconds;
      this.checkMode = checkMode;
      this.waits = waits;
      this.state = state;
      this.deadline = deadline;
    }
  }

  private final Store store;
  private final GroupCommit writes;
  private final AgentDispatcher dispatcher;
  private final HostLanes hostLanes;
  private final Clock clock;
  private final Duration reconnectWindow;
  private final ScheduledExecutorService timer;
  private final Map<String, Pending> pending = new HashMap<>();
  private final Map<String, ActiveRun> runs = new HashMap<>();
  /** Per host: the task of this coordinator that holds the host's lane (is out to it) now. */
  private final Map<String, Pending> lanes = new HashMap<>();
  /** Other work's expiry checks (playbook runs' queued host parts), run in the same sweep. */
  private final List<Runnable> sweepers = new java.util.concurrent.CopyOnWriteArrayList<>();

  public RunCoordinator(Store store, GroupCommit writes, AgentDispatcher dispatcher, Clock clock,
      ScheduledExecutorService timer) {
    this(store, writes, dispatcher, clock, timer, Duration.ofSeconds(60));
  }

  public RunCoordinator(Store store, GroupCommit writes, AgentDispatcher dispatcher, Clock clock,
      ScheduledExecutorService timer, Duration reconnectWindow) {
    this(store, writes, dispatcher, new HostLanes(dispatcher::isOnline), clock, timer, reconnectWindow);
  }

  /** @param hostLanes the hosts' lanes, shared with the playbook runs */
  public RunCoordinator(Store store, GroupCommit writes, AgentDispatcher dispatcher, HostLanes hostLanes, Clock clock,
      ScheduledExecutorService timer, Duration reconnectWindow) {
    this.store = store;
    this.writes = writes;
    this.dispatcher = dispatcher;
    this.hostLanes = hostLanes;
    this.clock = clock;
    this.reconnectWindow = reconnectWindow;
    this.timer = timer;
  }

  /**
   * Starts the once-a-second sweep (expiries, timeouts, reconnect windows) on the timer; the
   * server calls it once the coordinators are wired, and its shutdown of the timer ends it.
   */
  public RunCoordinator startSweep() {
    timer.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
    return this;
  }

  /** Starts a run; returns its id. The listener hears of every host, then of the end. */
  public String start(AdhocSpec spec, String requestedBy, RunListener listener) throws UnknownTargetException {
    List<Host> hosts = Targets.select(spec.target(), store.hosts().allWithoutFacts());
    if (hosts.isEmpty()) {
      throw new UnknownTargetException("no enrolled host matches '" + spec.target()
          + "' (use a host name, a role, key=value for a label, or 'all'; 'homefleet hosts' lists them)");
    }
    long now = clock.millis();
    String runId = Ids.next(now);
    int timeoutSeconds = (int) spec.timeout().toSeconds();
    boolean waits = !spec.queueFor().isZero();
    long timeoutAt = now + spec.timeout().plus(GRACE).toMillis();
    List<Pending> created = new ArrayList<>();
    List<Task> tasks = new ArrayList<>();
    ActiveRun run = new ActiveRun(runId, listener, spec.module(), spec.args(), spec.becomeUser(), spec.asyncSeconds(),
        spec.pollSeconds());
    // Outside the coordinator's lock: the lanes are claimed (a free lane of a ready host at once,
    // so that the task is written as sent in the run's own transaction), then the run is written.
    for (Host h : hosts) {
      String taskId = runId + "-" + h.name();
      boolean online = dispatcher.isOnline(h.name());
      Optional<HostLanes.Ticket> lane = online ? hostLanes.tryTake(h.name(), runId) : Optional.empty();
      Pending p;
      if (lane.isPresent()) {
        p = new Pending(taskId, run, h.name(), timeoutSeconds, spec.checkMode(), waits, Phase.SENT, timeoutAt);
        p.ticket = lane.get();
      } else if (online || waits) {
        // Busy with earlier work (or not reading), or offline with a queue time: waits for the host's turn.
        // A busy host finishes its earlier work first; an offline one has the run's queue time.
        long expires = now + (online ? Math.max(spec.queueFor().toMillis(), spec.timeout().plus(GRACE).toMillis())
            : spec.queueFor().toMillis());
        p = new Pending(taskId, run, h.name(), timeoutSeconds, spec.checkMode(), waits, Phase.QUEUED, expires);
      } else {
        // Offline and no queue time: unreachable at once (waits=false, and it never asks for the lane).
        p = new Pending(taskId, run, h.name(), timeoutSeconds, spec.checkMode(), false, Phase.OFFLINE, now);
      }
      if (waits) {
        p.queueUntil = now + spec.queueFor().toMillis();
      }
      created.add(p);
      tasks.add(Task.open(taskId, runId, h.name(), p.state.word, timeoutSeconds, spec.checkMode(),
          p.state == Phase.SENT ? Optional.empty() : Optional.of(p.deadline)));
    }
    try {
      // May fail (a full disk): nothing is registered or sent then, and the caller gets the error.
      store.runs().insertRun(new Run(runId, "adhoc", spec.target(), spec.module(), json(spec.args()), "running", requestedBy,
          now, Optional.empty(), spec.becomeUser(), spec.asyncSeconds(), spec.pollSeconds()), tasks);
    } catch (RuntimeException e) {
      created.stream().filter(p -> p.ticket != null).forEach(p -> hostLanes.release(p.ticket));
      throw e;
    }
    synchronized (this) {
      runs.put(runId, run);
      for (Pending p : created) {
        pending.put(p.taskId, p);
        run.open++;
        if (p.state == Phase.SENT) {
          lanes.put(p.host, p);
        }
      }
      synchronized (run) {
        listener.started(runId, hosts.stream().map(Host::name).toList());
      }
      for (Pending p : created) {
        switch (p.state) {
          case SENT -> {
            if (!send(p)) {
              hostGone(p, now);
            }
          }
          case OFFLINE -> {
            p.state = Phase.QUEUED;
            complete(p, TaskOutcome.controllerSide(TaskOutcome.Status.UNREACHABLE, "host is not connected to the "
                + "controller (run with --queue-for to deliver it when the host returns)", now), NOTHING);
          }
          default -> waitForLane(p);
        }
      }
    }
    log.info("run {}: {} '{}' on {} host(s) matching '{}' for {}", runId, spec.module(), spec.args(), hosts.size(),
        spec.target(), requestedBy);
    return runId;
  }

  /** Holds the lock. Queues {@code p} for its host's lane; it is sent when granted. */
  private void waitForLane(Pending p) {
    p.ticket = hostLanes.request(p.host, p.run.id, t -> granted(p, t));
  }

  /** {@code p}'s host's lane is now its own: sends it, unless it ended while it waited. */
  private synchronized void granted(Pending p, HostLanes.Ticket t) {
    p.ticket = t;
    if (p.completing || !pending.containsKey(p.taskId)) {
      hostLanes.release(t);
      return;
    }
    long now = clock.millis();
    p.state = Phase.SENT;
    p.deadline = p.timesOutAt(now);
    lanes.put(p.host, p);
    writes.submit(s -> s.runs().markTask(p.taskId, Phase.SENT.word, null));
    if (!send(p)) {
      hostGone(p, now);
    }
  }

  /**
   * Holds the lock. A task that could not be sent because its host just went away: one that may
   * wait keeps the lane and goes out again when the host reconnects (as if it had dropped mid-task).
   */
  private void hostGone(Pending p, long now) {
    if (p.waits) {
      p.disconnectedAt = now;
      p.deadline = reconnectDeadline(p, now);
    } else {
      complete(p, TaskOutcome.controllerSide(TaskOutcome.Status.UNREACHABLE,
          "host is not connected to the controller", now), NOTHING);
    }
  }

  private boolean send(Pending p) {
    return dispatcher.dispatch(p.host, new TaskSpec(p.taskId, p.run.id, p.run.module, p.run.args, p.timeoutSeconds,
        p.checkMode, p.run.user, p.run.asyncSeconds, p.run.pollSeconds));
  }

  /**
   * Loads the open tasks of unfinished ad-hoc runs after a restart. Tasks that were out are
   * waiting for their hosts to reconnect (within the reconnect window); queued ones keep their
   * expiry. Nobody is listening to these runs any more: their outcomes go to the store.
   */
  public synchronized int recover() {
    long now = clock.millis();
    Map<String, ActiveRun> byRun = new HashMap<>();
    for (Run r : store.runs().openAdhocRuns()) {
      ActiveRun run = new ActiveRun(r.id(), RunListener.NONE, r.module(), args(r.args()), r.becomeUser(),
          r.asyncSeconds(), r.pollSeconds());
      for (Task t : store.runs().tasks(r.id())) {
        if (t.finishedAt().isPresent()) {
          count(run, TaskOutcome.Status.valueOf(t.state().toUpperCase(java.util.Locale.ROOT)));
        }
      }
      byRun.put(r.id(), run);
      runs.put(r.id(), run);
    }
    int n = 0;
    for (Task t : store.runs().openAdhocTasks()) {
      ActiveRun run = byRun.get(t.runId());
      if (run == null) {
        continue;
      }
      Phase phase = Phase.of(t.state());
      boolean out = phase == Phase.SENT || phase == Phase.RUNNING;
      boolean waits = out || t.expiresAt().isPresent();
      long deadline = out ? now + reconnectWindow.toMillis() : t.expiresAt().orElse(now);
      Pending p = new Pending(t.id(), run, t.host(), t.timeoutSeconds(), t.checkMode(), waits, phase, deadline);
      pending.put(p.taskId, p);
      run.open++;
      n++;
      Optional<HostLanes.Ticket> lane = out ? hostLanes.takeForRecovery(t.host(), t.runId()) : Optional.empty();
      if (lane.isPresent()) {
        p.disconnectedAt = now;
        p.ticket = lane.get();
        lanes.put(p.host, p);
      } else {
        // Queued, or (cannot happen with lanes) a second task out for one host: waits for its turn.
        p.state = Phase.QUEUED;
        waitForLane(p);
      }
    }
    for (ActiveRun run : byRun.values()) {
      if (run.open == 0) {
        finishRun(run);
      }
    }
    if (n > 0) {
      log.info("{} open task(s) of {} unfinished run(s) will be delivered as their hosts reconnect", n, byRun.size());
    }
    return n;
  }

  /**
   * A host's session is up (its hello is handled). Its task in flight is sent again unless the
   * agent said it holds that result already (it replays it itself); otherwise the next queued task
   * goes out.
   */
  public synchronized void connected(String host, Set<String> resultsTheAgentHas) {
    Pending p = lanes.get(host);
    if (p != null) {
      p.disconnectedAt = 0;
      p.deadline = Math.max(p.deadline, p.timesOutAt(clock.millis()));
      if (!resultsTheAgentHas.contains(p.taskId) && !p.completing) {
        log.info("re-sending task {} to {} after its reconnect", p.taskId, host);
        send(p);
      }
      return;
    }
    // No task out: the next waiter (ours or a play's) gets the lane once the host is ready.
    hostLanes.ready(host);
  }

  /** The agent reports that it began a task. */
  public synchronized void started(String host, String taskId, long startedMillis) {
    Pending p = pending.get(taskId);
    if (p != null && p.host.equals(host)) {
      p.state = Phase.RUNNING;
      writes.submit(s -> s.runs().markTask(taskId, Phase.RUNNING.word, startedMillis));
    }
  }

  /** A chunk of a task's output. */
  public void output(String host, String taskId, boolean stderr, byte[] data) {
    ActiveRun run;
    synchronized (this) {
      Pending p = pending.get(taskId);
      if (p == null || !p.host.equals(host)) {
        return;
      }
      run = p.run;
    }
    synchronized (run) {
      run.listener.output(host, stderr, data);
    }
  }

  /**
   * A task's final result from {@code host}. {@code recorded} runs once the result is in the
   * store (now or earlier), so the agent may be told it can forget it.
   */
  public void result(String host, String taskId, TaskOutcome outcome, Runnable recorded) {
    synchronized (this) {
      Pending p = pending.get(taskId);
      if (p != null) {
        if (!host.equals(p.host)) {
          log.warn("host {} reported a result for task {} that is not its own; ignored", host, taskId);
          return;
        }
        complete(p, outcome, recorded);
        return;
      }
    }
    // Not open any more (the controller called it unreachable or timed out, or it is a repeat):
    // the agent's word replaces a guess; a repeat of a real result changes nothing.
    // Written on the coordinator's timer thread, not the caller's (a session handler, which may be
    // on a Netty event loop and must not wait for SQLite); acknowledged only once it is stored.
    timer.execute(() -> {
      try {
        boolean known = store.runs().recordLateResult(taskId, outcome.status().state(), outcome.rc(), outcome.stdout(),
            outcome.stderr(), outcome.msg(), outcome.startedMillis() == 0 ? null : outcome.startedMillis(),
            outcome.finishedMillis());
        log.info("late result for task {} from {}: {}", taskId, host, known ? "recorded" : "unknown task, dropped");
        recorded.run();
      } catch (RuntimeException e) {
        // Not acknowledged: the agent offers it again (every 20 s and after a reconnect).
        log.error("cannot store the late result of task {} from {}: {}", taskId, host, e.getMessage());
      }
    });
  }

  /**
   * How long a task that was out waits for its host to come back: the reconnect window (no later
   * than its timeout), or what is left of the run's queue time if that is longer — a run started
   * with {@code --queue-for 5m} waits five minutes for its hosts, whether they dropped before or
   * after the task went out.
   */
  private long reconnectDeadline(Pending p, long now) {
    return Math.max(Math.min(p.deadline, now + reconnectWindow.toMillis()), p.queueUntil);
  }

  /**
   * A host dropped its stream. A run without a queue time treats it as ansible does: the host's
   * task in flight and the tasks queued behind it are {@code unreachable} now (if the agent comes
   * back and reports, its journaled result replaces that: no work is lost or run twice). A run
   * with a queue time keeps its task in flight until the reconnect window closes, and its queued
   * tasks until they expire.
   */
  public synchronized void disconnected(String host) {
    long now = clock.millis();
    Pending p = lanes.get(host);
    if (p != null) {
      if (p.waits) {
        p.disconnectedAt = now;
        p.deadline = reconnectDeadline(p, now);
      } else {
        complete(p, TaskOutcome.controllerSide(TaskOutcome.Status.UNREACHABLE, "the agent disconnected before "
            + "reporting a result; if it reports later, that result replaces this", now), NOTHING);
      }
    }
    for (Pending w : List.copyOf(pending.values())) {
      if (w.host.equals(host) && w != p && w.state == Phase.QUEUED && !w.waits) {
        complete(w, TaskOutcome.controllerSide(TaskOutcome.Status.UNREACHABLE,
            "host is not connected to the controller", now), NOTHING);
      }
    }
  }

  /**
   * Cancels a run: queued tasks end {@code cancelled} now; hosts working on one are told to stop
   * and report (an offline host's task is closed as cancelled; a result it sends later still
   * replaces that).
   */
  public synchronized void cancel(String runId, String by) throws NoSuchRunException {
    ActiveRun run = runs.get(runId);
    if (run == null) {
      Optional<Run> r = store.runs().run(runId);
      throw new NoSuchRunException(r.isEmpty() ? "no run '" + runId + "' ('homefleet runs' lists them)"
          : "run " + runId + " already ended: " + r.get().state());
    }
    run.cancelled = true;
    long now = clock.millis();
    for (Pending p : List.copyOf(pending.values())) {
      if (p.run != run || p.completing) {
        continue;
      }
      if (p.state == Phase.QUEUED) {
        complete(p, TaskOutcome.controllerSide(TaskOutcome.Status.CANCELLED, "cancelled by " + by + " before it was sent",
            now), NOTHING);
      } else if (p.disconnectedAt == 0 && dispatcher.cancel(p.host, p.taskId, "cancelled by " + by)) {
        log.info("asked {} to cancel task {}", p.host, p.taskId);
      } else {
        complete(p, TaskOutcome.controllerSide(TaskOutcome.Status.CANCELLED, "cancelled by " + by
            + " while the host was not connected", now), NOTHING);
      }
    }
    log.info("run {} cancelled by {}", runId, by);
  }

  /**
   * Runs {@code sweeper} at every delivery sweep, after this coordinator's own and outside its
   * lock: the playbook runs' queued host parts expire on the same tick as the ad-hoc tasks.
   */
  public void alsoSweep(Runnable sweeper) {
    sweepers.add(sweeper);
  }

  /** Expires queued work past its time and times out work whose result is overdue. */
  private void sweep() {
    try {
      synchronized (this) {
        long now = clock.millis();
        for (ActiveRun run : List.copyOf(runs.values())) {
          if (run.open == 0 && !run.finishing) {
            finishRun(run); // its first attempt could not be written (a full disk)
          }
        }
        for (Pending p : List.copyOf(pending.values())) {
          if (p.completing || p.deadline > now) {
            continue;
          }
          if (p.state == Phase.QUEUED) {
            complete(p, TaskOutcome.controllerSide(TaskOutcome.Status.EXPIRED, dispatcher.isOnline(p.host)
                ? "expired in the queue: host " + p.host + " was busy with earlier runs"
                : "expired in the queue: host " + p.host + " did not connect in time", now), NOTHING);
          } else if (p.disconnectedAt != 0) {
            complete(p, TaskOutcome.controllerSide(TaskOutcome.Status.UNREACHABLE, "the agent disconnected and did not "
                + "come back within " + Math.max(0, (p.deadline - p.disconnectedAt) / 1000) + " s; a result it reports"
                + " later replaces this", now),
                NOTHING);
          } else {
            complete(p, TaskOutcome.controllerSide(TaskOutcome.Status.TIMED_OUT, "no result within the task timeout",
                now), NOTHING);
          }
        }
      }
    } catch (RuntimeException e) {
      log.error("delivery sweep failed: {}", e.getMessage(), e);
    }
    for (Runnable s : sweepers) {
      try {
        s.run();
      } catch (RuntimeException e) {
        log.error("delivery sweep failed: {}", e.getMessage(), e);
      }
    }
  }

  private static final Runnable NOTHING = () -> { };

  /**
   * Holds the lock. The outcome is written through the group commit; only once it is committed
   * does the task leave the open set, the operator hear of it, the host's next task go out and
   * {@code recorded} run. If the write fails (a full disk) the task stays open: the agent offers
   * its result again, the sweep retries a controller-side outcome.
   */
  private void complete(Pending p, TaskOutcome outcome, Runnable recorded) {
    if (p.completing) {
      return;
    }
    p.completing = true;
    String taskId = p.taskId;
    writes.submit(s -> {
      if (!s.runs().finishTask(taskId, outcome.status().state(), outcome.rc() < 0 ? null : outcome.rc(), outcome.stdout(),
          outcome.stderr(), outcome.msg(), outcome.startedMillis() == 0 ? null : outcome.startedMillis(),
          outcome.finishedMillis())) {
        log.debug("task {} already had a result", taskId);
      }
    }, () -> committed(p, outcome, recorded), () -> {
      synchronized (this) {
        p.completing = false;
      }
    });
  }

  private void committed(Pending p, TaskOutcome outcome, Runnable recorded) {
    ActiveRun run = p.run;
    boolean last;
    synchronized (this) {
      if (pending.remove(p.taskId) == null) {
        return;
      }
      count(run, outcome.status());
      if (lanes.get(p.host) == p) {
        lanes.remove(p.host);
      }
      if (p.ticket != null) {
        hostLanes.release(p.ticket); // the host's next work (ours or a play's) goes out
      }
      run.open--;
      last = run.open == 0;
    }
    announce(run, p.host, outcome);
    recorded.run();
    if (last) {
      synchronized (this) {
        finishRun(run);
      }
    }
  }

  /**
   * On the writer thread, in a commit's follow-up: the listener hears of the hosts one commit
   * finished together, at the end of the batch (before the run's end, which a later commit stores).
   */
  private void announce(ActiveRun run, String host, TaskOutcome outcome) {
    boolean first;
    synchronized (run) {
      first = run.announced.isEmpty();
      run.announced.add(new RunListener.HostResult(host, outcome));
    }
    if (first) {
      writes.atBatchEnd(() -> {
        synchronized (run) {
          List<RunListener.HostResult> hosts = run.announced;
          run.announced = new ArrayList<>();
          run.listener.results(hosts);
        }
      });
    }
  }

  private static void count(ActiveRun run, TaskOutcome.Status status) {
    switch (status) {
      case OK, SKIPPED -> run.ok++;
      case CHANGED -> run.changed++;
      case UNREACHABLE, EXPIRED -> run.unreachable++;
      case FAILED, TIMED_OUT, CANCELLED -> run.failed++;
    }
  }

  /** Holds the lock. */
  private void finishRun(ActiveRun run) {
    if (run.finishing) {
      return;
    }
    run.finishing = true;
    String state = run.cancelled ? "cancelled" : run.failed + run.unreachable == 0 ? "succeeded" : "failed";
    RunSummary summary = new RunSummary(run.id, state, run.ok, run.changed, run.failed, run.unreachable);
    long now = clock.millis();
    writes.submit(s -> s.runs().finishRun(run.id, state, now), () -> {
      synchronized (this) {
        runs.remove(run.id);
      }
      synchronized (run) {
        run.listener.finished(summary);
      }
    }, () -> {
      synchronized (this) {
        run.finishing = false;
      }
    });
    log.info("run {} {}: ok={} changed={} failed={} unreachable={}", run.id, state, run.ok, run.changed, run.failed,
        run.unreachable);
  }

  private static String json(Map<String, Object> args) {
    try {
      return JSON.writeValueAsString(args);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("arguments are not serialisable: " + e.getMessage(), e);
    }
  }

  private static Map<String, Object> args(String json) {
    try {
      Map<String, Object> m = JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
      return m == null ? Map.of() : m;
    } catch (JsonProcessingException e) {
      log.error("stored arguments are unreadable ({}); sending none", e.getMessage());
      return Map.of();
    }
  }
}
