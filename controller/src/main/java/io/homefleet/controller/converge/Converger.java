package io.homefleet.controller.converge;

import io.homefleet.playbook.vault.Vault;
import io.homefleet.playbook.vault.VaultException;
import io.homefleet.playbook.vault.VaultSecret;
import io.homefleet.controller.play.HostOutcome;
import io.homefleet.controller.play.PlayCoordinator;
import io.homefleet.controller.play.PlayDispatcher;
import io.homefleet.controller.play.PlayListener;
import io.homefleet.controller.state.DesiredState;
import io.homefleet.controller.state.StateCheckout;
import io.homefleet.controller.state.StateConfig;
import io.homefleet.controller.state.StateTree;
import io.homefleet.controller.store.Records;
import io.homefleet.controller.store.StateRecords;
import io.homefleet.controller.store.Store;
import io.homefleet.playbook.inventory.EnrolledHost;
import io.homefleet.playbook.inventory.Inventory;
import io.homefleet.playbook.inventory.InventoryException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps hosts at the desired state and runs the state's schedules. A host converges to the
 * current version when its agent connects, when a new version becomes current, and every {@code
 * convergence.interval} after its last convergence (stretched by its share of {@code splay}); one
 * convergence per host at a time. A convergence is a playbook run of the state's site playbook
 * limited to the host, through the {@link PlayCoordinator}, in check mode for hosts in report
 * mode. Its outcome is recorded per host: converged, drifted, failed or offline.
 */
public final class Converger implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Converger.class);
  /** Who the runs are requested by, in the run history. */
  public static final String REQUESTER = "homefleet-converge";

  /** Why a convergence started. */
  public enum Trigger { CONNECT, APPLY, INTERVAL }

  /**
   * One host's convergence as {@code homefleet status} shows it.
   *
   * @param status converged, drifted, failed, offline, running or pending (never converged)
   * @param next when the interval brings the next convergence (empty: not scheduled, such as offline)
   */
  public record HostStatus(String host, String status, StateConfig.Mode mode, Optional<StateRecords.Convergence> last,
      Optional<Instant> next, List<StateRecords.Convergence> history) {}

  /** One schedule as {@code homefleet status} shows it. */
  public record ScheduleStatus(StateConfig.Schedule schedule, Optional<StateRecords.ScheduleRun> run,
      Optional<Instant> next) {}

  private final Store store;
  private final DesiredState state;
  private final PlayCoordinator plays;
  private final PlayDispatcher online;
  private final Clock clock;
  private final ScheduledExecutorService timer;
  private final Duration tick;
  private final ZoneId defaultZone;
  /** After a start, how long schedules wait for the enrolled agents to reconnect before running anyway. */
  private final Duration settle;
  private volatile long startedAt;
  private volatile boolean settled;
  /** Hosts with a convergence in progress, to the version it runs. */
  private final Set<String> running = ConcurrentHashMap.newKeySet();
  /** When each host is due for its interval convergence. */
  private final Map<String, Instant> due = new ConcurrentHashMap<>();
  private ScheduledFuture<?> ticking;

  public Converger(Store store, DesiredState state, PlayCoordinator plays, PlayDispatcher online, Clock clock,
      ScheduledExecutorService timer, Duration tick, ZoneId defaultZone) {
    this(store, state, plays, online, clock, timer, tick, defaultZone, Duration.ZERO);
  }

  /**
   * @param settle after {@link #start}, schedules wait until every enrolled agent has reconnected or
   *     this much time has passed, so that a catch-up run reaches the hosts coming back after a
   *     controller restart instead of finding none online
   */
  public Converger(Store store, DesiredState state, PlayCoordinator plays, PlayDispatcher online, Clock clock,
      ScheduledExecutorService timer, Duration tick, ZoneId defaultZone, Duration settle) {
    this.settle = settle;
    this.store = store;
    this.state = state;
    this.plays = plays;
    this.online = online;
    this.clock = clock;
    this.timer = timer;
    this.tick = tick;
    this.defaultZone = defaultZone;
  }

  /** Starts the interval and schedule clock; schedules missed while the controller was down run at the first tick. */
  public void start() {
    startedAt = clock.millis();
    state.current().ifPresent(this::seeSchedules);
    state.onChange(c -> timer.execute(() -> versionChanged(c)));
    ticking = timer.scheduleWithFixedDelay(this::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** An agent connected (after its hello): it converges now. */
  public void hostConnected(String host) {
    timer.execute(() -> converge(host, Trigger.CONNECT));
  }

  private void versionChanged(DesiredState.Current c) {
    seeSchedules(c);
    for (Records.Host h : store.hosts().all()) {
      if (!h.decommissioned() && online.isOnline(h.name())) {
        converge(h.name(), Trigger.APPLY);
      }
    }
  }

  private void seeSchedules(DesiredState.Current c) {
    long now = clock.millis();
    for (StateConfig.Schedule s : c.checkout().config().schedules()) {
      store.state().seeSchedule(s.name(), now);
    }
  }

  /** One look at the hosts and schedules that are due (the timer calls it every tick; tests call it with a fixed clock). */
  void tick() {
    try {
      Optional<DesiredState.Current> c = state.current();
      if (c.isEmpty()) {
        return;
      }
      Instant now = clock.instant();
      List<Records.Host> hosts = store.hosts().all();
      for (Records.Host h : hosts) {
        if (h.decommissioned() || !online.isOnline(h.name()) || running.contains(h.name())) {
          continue;
        }
        Instant d = due.computeIfAbsent(h.name(), this::dueFromStore);
        if (!d.isAfter(now)) {
          converge(h.name(), Trigger.INTERVAL);
        }
      }
      if (!settled(hosts, now)) {
        return;
      }
      for (StateConfig.Schedule s : c.get().checkout().config().schedules()) {
        runIfDue(c.get(), s, now);
      }
    } catch (RuntimeException e) {
      log.error("convergence tick failed", e);
    }
  }

  /** A host's due time from its last convergence in the store (after a restart): now when it has none. */
  private Instant dueFromStore(String host) {
    List<StateRecords.Convergence> last = store.state().convergences(host, 1);
    Optional<DesiredState.Current> c = state.current();
    if (last.isEmpty() || last.get(0).finishedAt().isEmpty() || c.isEmpty()) {
      return clock.instant();
    }
    return nextAfter(host, Instant.ofEpochMilli(last.get(0).finishedAt().get()), c.get().checkout().config());
  }

  /** The interval stretched by the host's fixed share of the splay, so that the fleet spreads out. */
  static Instant nextAfter(String host, Instant finished, StateConfig config) {
    long splay = config.convergence().splay().toMillis();
    long offset = splay <= 0 ? 0 : Math.floorMod((long) host.hashCode() * 2654435761L, splay);
    return finished.plus(config.convergence().interval()).plusMillis(offset);
  }

  /**
   * Starts a convergence of {@code host} to the current version unless one is running; returns
   * the run id when one started.
   */
  public Optional<String> converge(String host, Trigger trigger) {
    Optional<DesiredState.Current> cur = state.current();
    if (cur.isEmpty() || !running.add(host)) {
      return Optional.empty();
    }
    DesiredState.Current c = cur.get();
    StateCheckout checkout = c.checkout();
    StateConfig.Mode mode = modeOf(host, checkout);
    try {
      PlayCoordinator.PlaySpec spec = new PlayCoordinator.PlaySpec(checkout.dir(), checkout.site(),
          checkout.inventory(), host, List.of(), List.of(), mode == StateConfig.Mode.REPORT, true, Map.of(),
          checkout.rolesPath(),
          "state " + StateTree.shortVersion(c.version()) + " " + checkout.config().site() + " (converge " + host + ")",
          Duration.ZERO, vaultSecrets());
      String runId = plays.start(spec, REQUESTER, new Recorder(host, c.version(), mode, trigger));
      log.info("converging {} to state {} ({}, {}): run {}", host, StateTree.shortVersion(c.version()),
          mode.label(), trigger.name().toLowerCase(java.util.Locale.ROOT), runId);
      return Optional.of(runId);
    } catch (PlayCoordinator.InvalidPlaybookException | VaultException | RuntimeException e) {
      running.remove(host);
      due.put(host, nextAfter(host, clock.instant(), checkout.config()));
      log.error("cannot converge {} to state {}: {}", host, StateTree.shortVersion(c.version()), e.getMessage());
      return Optional.empty();
    }
  }

  private List<VaultSecret> vaultSecrets() throws VaultException {
    return state.vaultKeys().secrets();
  }

  /** The vault for reading the inventory's groups; without the passwords only vaulted vars files fail. */
  private Vault vault() {
    try {
      return new Vault(vaultSecrets());
    } catch (VaultException e) {
      return Vault.none();
    }
  }

  /** The host's mode: report if any of its groups (inventory, role, labels) says so, else its group's or the default. */
  private StateConfig.Mode modeOf(String host, StateCheckout checkout) {
    return checkout.config().convergence().modeFor(groupsOf(host, checkout));
  }

  private List<String> groupsOf(String host, StateCheckout checkout) {
    try {
      Inventory inv = checkout.inventory().isPresent() ? Inventory.load(checkout.inventory().get(), vault())
          : Inventory.empty();
      inv = inv.withEnrolled(store.hosts().host(host).stream().map(h -> new EnrolledHost(h.name(), h.role(), h.labels()))
          .toList());
      List<String> groups = new ArrayList<>(inv.groupNamesOf(host));
      groups.add(0, "all");
      return groups;
    } catch (InventoryException e) {
      return List.of("all");
    }
  }

  /** Records one convergence as the run goes: started, then its outcome. Calls come on the store's writer thread. */
  private final class Recorder implements PlayListener {
    private final String host;
    private final String version;
    private final StateConfig.Mode mode;
    private final Trigger trigger;
    private String runId = "";
    private String msg = "";

    Recorder(String host, String version, StateConfig.Mode mode, Trigger trigger) {
      this.host = host;
      this.version = version;
      this.mode = mode;
      this.trigger = trigger;
    }

    @Override
    public void runStarted(String id, List<String> warnings) {
      runId = id;
      store.state().insertConvergence(new StateRecords.Convergence(id, host, version, mode.label(),
          trigger.name().toLowerCase(java.util.Locale.ROOT), "running", 0, "", clock.millis(), Optional.empty()));
    }

    @Override
    public void hostFinished(String h, int playIndex, HostOutcome outcome) {
      if (!outcome.msg().isEmpty()) {
        msg = outcome.msg();
      }
    }

    @Override
    public void note(String message) {
      if (message.startsWith("ERROR!")) {
        msg = message;
      }
    }

    @Override
    public void finished(String runState, Map<String, Totals> totals) {
      try {
        Totals t = totals.get(host);
        String status;
        int changed = t == null ? 0 : t.changed();
        String why = msg;
        if (t == null) {
          status = "converged";
          why = "no play of the site playbook selects this host";
        } else if (t.unreachable() > 0) {
          status = "offline";
        } else if (t.failed() > 0) {
          status = "failed";
          if (why.isEmpty()) {
            why = t.failed() + " task(s) failed (homefleet runs show " + runId + ")";
          }
        } else if (changed > 0) {
          status = mode == StateConfig.Mode.REPORT || wasConverged() ? "drifted" : "converged";
          why = mode == StateConfig.Mode.REPORT ? changed + " task(s) would change (report mode: nothing was changed)"
              : status.equals("drifted") ? changed + " task(s) had drifted and were put back"
              : changed + " task(s) changed to reach this version";
        } else {
          status = "converged";
        }
        store.state().finishConvergence(runId, status, changed, why, clock.millis());
        log.info("convergence of {} ({}): {}{}", host, runId, status, why.isEmpty() ? "" : " - " + why);
      } catch (RuntimeException e) {
        log.error("cannot record the convergence of {} ({})", host, runId, e);
      } finally {
        // A version applied while this ran is the host's next convergence, at the next tick.
        Optional<DesiredState.Current> c = state.current();
        c.ifPresent(cur -> due.put(host, cur.version().equals(version)
            ? nextAfter(host, clock.instant(), cur.checkout().config()) : clock.instant()));
        running.remove(host);
      }
    }

    /** Whether the host's previous finished convergence was to this same version and left it converged. */
    private boolean wasConverged() {
      for (StateRecords.Convergence prev : store.state().convergences(host, 5)) {
        if (prev.runId().equals(runId) || prev.finishedAt().isEmpty()) {
          continue;
        }
        return prev.version().equals(version) && (prev.status().equals("converged") || prev.status().equals("drifted"));
      }
      return false;
    }
  }

  // ------------------------------------------------------------ schedules

  /**
   * Whether schedules may run: once every enrolled agent is back after the start, or the settle
   * time is up (a host that stays away then misses the run, as any offline host does).
   */
  private boolean settled(List<Records.Host> hosts, Instant now) {
    if (settled) {
      return true;
    }
    boolean allBack = hosts.stream().filter(h -> !h.decommissioned()).allMatch(h -> online.isOnline(h.name()));
    if (allBack || now.toEpochMilli() - startedAt >= settle.toMillis()) {
      settled = true;
      if (!settle.isZero()) {
        log.info("schedules running: {}", allBack ? "every enrolled agent is connected"
            : "agents still away after " + settle.toSeconds() + " s; they miss what runs now");
      }
    }
    return settled;
  }

  private void runIfDue(DesiredState.Current c, StateConfig.Schedule s, Instant now) {
    ZoneId zone = c.checkout().config().timezone().orElse(defaultZone);
    Optional<StateRecords.ScheduleRun> r = store.state().scheduleRun(s.name());
    if (r.isEmpty()) {
      store.state().seeSchedule(s.name(), now.toEpochMilli());
      return;
    }
    Optional<Instant> last = r.get().lastAt().map(Instant::ofEpochMilli);
    if (!s.when().isDue(last, Instant.ofEpochMilli(r.get().firstSeenAt()), now, zone)) {
      return;
    }
    // The last run is recorded before the run starts, so that the next tick cannot start it again.
    store.state().recordScheduleRun(s.name(), now.toEpochMilli(), null, "starting");
    StateCheckout checkout = c.checkout();
    String limit = s.action() instanceof StateConfig.RunPlaybook ? s.group() : "";
    PlayCoordinator.PlaySpec spec;
    try {
      spec = new PlayCoordinator.PlaySpec(checkout.dir(), checkout.playbookOf(s), checkout.inventory(), limit,
          List.of(), List.of(), false, true, Map.of(), checkout.rolesPath(), "schedule " + s.name() + " (" + s.action().describe()
          + ", state " + StateTree.shortVersion(c.version()) + ")", Duration.ZERO, vaultSecrets());
    } catch (VaultException e) {
      log.error("schedule {} cannot start: {}", s.name(), e.getMessage());
      store.state().recordScheduleRun(s.name(), now.toEpochMilli(), null, "failed");
      return;
    }
    try {
      plays.start(spec, "homefleet-schedule", new PlayListener() {
        private String runId = "";

        @Override
        public void runStarted(String id, List<String> warnings) {
          runId = id;
          store.state().recordScheduleRun(s.name(), now.toEpochMilli(), id, "running");
        }

        @Override
        public void finished(String runState, Map<String, Totals> totals) {
          store.state().recordScheduleState(runId, runState);
        }
      });
      log.info("schedule {} ({}) started: {}", s.name(), s.when().describe(), s.action().describe());
    } catch (PlayCoordinator.InvalidPlaybookException | RuntimeException e) {
      store.state().recordScheduleRun(s.name(), now.toEpochMilli(), null, "failed: " + e.getMessage());
      log.error("schedule {} could not start: {}", s.name(), e.getMessage());
    }
  }

  // ------------------------------------------------------------ status

  /** Every enrolled host's convergence (or just {@code host}'s), with {@code history} past convergences each. */
  public List<HostStatus> hosts(Optional<String> host, int history) {
    Optional<DesiredState.Current> c = state.current();
    List<HostStatus> out = new ArrayList<>();
    for (Records.Host h : store.hosts().all()) {
      if (h.decommissioned() || host.isPresent() && !host.get().equals(h.name())) {
        continue;
      }
      List<StateRecords.Convergence> past = store.state().convergences(h.name(), Math.max(1, history + 1));
      Optional<StateRecords.Convergence> last = past.stream().filter(x -> x.finishedAt().isPresent()).findFirst();
      boolean isOnline = online.isOnline(h.name());
      String status = running.contains(h.name()) ? "running" : !isOnline ? "offline"
          : last.map(StateRecords.Convergence::status).orElse("pending");
      StateConfig.Mode mode = c.map(cur -> modeOf(h.name(), cur.checkout())).orElse(StateConfig.Mode.ENFORCE);
      Optional<Instant> next = isOnline && c.isPresent() ? Optional.ofNullable(due.get(h.name())) : Optional.empty();
      out.add(new HostStatus(h.name(), status, mode, last, next, history == 0 ? List.of()
          : past.subList(0, Math.min(history, past.size()))));
    }
    return out;
  }

  public List<ScheduleStatus> schedules() {
    Optional<DesiredState.Current> c = state.current();
    if (c.isEmpty()) {
      return List.of();
    }
    ZoneId zone = c.get().checkout().config().timezone().orElse(defaultZone);
    List<ScheduleStatus> out = new ArrayList<>();
    for (StateConfig.Schedule s : c.get().checkout().config().schedules()) {
      Optional<StateRecords.ScheduleRun> r = store.state().scheduleRun(s.name());
      Optional<Instant> next = r.flatMap(x -> s.when().nextRun(x.lastAt().map(Instant::ofEpochMilli),
          Instant.ofEpochMilli(x.firstSeenAt()), zone));
      out.add(new ScheduleStatus(s, r, next));
    }
    return out;
  }

  @Override
  public void close() {
    if (ticking != null) {
      ticking.cancel(false);
    }
  }
}
