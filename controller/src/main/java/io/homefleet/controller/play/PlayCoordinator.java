package io.homefleet.controller.play;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.homefleet.controller.run.GroupCommit;
import io.homefleet.controller.run.HostLanes;
import io.homefleet.controller.run.Ids;
import io.homefleet.controller.store.Records;
import io.homefleet.controller.store.Store;
import io.homefleet.playbook.inventory.EnrolledHost;
import io.homefleet.playbook.inventory.HostPattern;
import io.homefleet.playbook.inventory.Inventory;
import io.homefleet.playbook.inventory.InventoryException;
import io.homefleet.playbook.model.Play;
import io.homefleet.playbook.model.Serial;
import io.homefleet.playbook.compile.ControllerLookups;
import io.homefleet.playbook.compile.IncludeVars;
import io.homefleet.playbook.parse.LoadedPlaybook;
import io.homefleet.playbook.parse.PlaybookException;
import io.homefleet.playbook.parse.PlaybookLoader;
import io.homefleet.playbook.plan.HostPlan;
import io.homefleet.playbook.plan.ItemResult;
import io.homefleet.playbook.plan.PlanCodec;
import io.homefleet.playbook.vault.Vault;
import io.homefleet.playbook.vault.VaultSecret;
import io.homefleet.playbook.run.SecretMask;
import io.homefleet.playbook.compile.PlanCompiler;
import io.homefleet.playbook.compile.PlanOptions;
import io.homefleet.playbook.plan.PlayRecap;
import io.homefleet.playbook.plan.TaskRef;
import io.homefleet.playbook.plan.TaskResult;
import io.homefleet.playbook.source.Diagnostic;
import io.homefleet.playbook.vars.Precedence;
import io.homefleet.playbook.vars.VarScope;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs playbooks: validates the playbook again on the controller, builds the inventory (the
 * {@code -i} file, if any, with every enrolled agent joined to its role's and labels' groups),
 * and for each play selects its hosts, splits them into {@code serial} batches, compiles one plan
 * per host with the host's variables (inventory, facts from the store and from earlier plays'
 * fact gathering, play vars, {@code set_fact} and registered results of earlier plays, extra
 * vars), sends each host its plan in one message, and collects the events the agents stream.
 * A host's part waits for the host's lane ({@link HostLanes}, shared with ad-hoc runs and other
 * plays): its plan is compiled and sent when the lane is granted, so no two pieces of work overlap
 * on one host and the plan sees the facts as they are then.
 * Between batches it applies {@code max_fail_percentage}, {@code any_errors_fatal} and
 * {@code meta: end_play}; hosts that failed or were unreachable take no part in later plays, as
 * in Ansible. Every task result and every recap is stored before a listener hears of it.
 */
public final class PlayCoordinator {
  private static final Logger log = LoggerFactory.getLogger(PlayCoordinator.class);
  private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  /**
   * What to run.
   *
   * @param root the playbook's directory (the uploaded tree, on the controller)
   * @param playbook the playbook file inside it
   * @param inventory the inventory file or directory, if any
   * @param limit {@code --limit}, empty for none
   * @param rolesPath extra roles directories
   * @param displayName the playbook as the operator named it
   * @param queueFor how long a host part may wait for its offline host to connect before it
   *     expires ({@code --queue-for}); zero: an offline host is unreachable at once
   * @param vaultSecrets the vault passwords for this run's load; held in memory for it only
   */
  public record PlaySpec(Path root, Path playbook, Optional<Path> inventory, String limit, List<String> tags,
      List<String> skipTags, boolean check, boolean diff, Map<String, Object> extraVars, List<Path> rolesPath,
      String displayName, Duration queueFor, List<VaultSecret> vaultSecrets) {
    public PlaySpec {
      tags = List.copyOf(tags);
      skipTags = List.copyOf(skipTags);
      extraVars = new LinkedHashMap<>(extraVars);
      rolesPath = List.copyOf(rolesPath);
      limit = limit == null ? "" : limit;
      vaultSecrets = List.copyOf(vaultSecrets);
      if (queueFor.isNegative()) {
        throw new IllegalArgumentException("the queue time must not be negative");
      }
    }

    public PlaySpec(Path root, Path playbook, Optional<Path> inventory, String limit, List<String> tags,
        List<String> skipTags, boolean check, boolean diff, Map<String, Object> extraVars, List<Path> rolesPath,
        String displayName, Duration queueFor) {
      this(root, playbook, inventory, limit, tags, skipTags, check, diff, extraVars, rolesPath, displayName, queueFor,
          List.of());
    }

    public PlaySpec(Path root, Path playbook, Optional<Path> inventory, String limit, List<String> tags,
        List<String> skipTags, boolean check, boolean diff, Map<String, Object> extraVars, List<Path> rolesPath,
        String displayName) {
      this(root, playbook, inventory, limit, tags, skipTags, check, diff, extraVars, rolesPath, displayName,
          Duration.ZERO);
    }
  }

  /** A playbook that does not validate, or an inventory or pattern that does not. */
  public static final class InvalidPlaybookException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidPlaybookException(String message) {
      super(message);
    }
  }

  /** One host's part in one play, while it runs. */
  private static final class HostPlay {
    final ActiveRun run;
    final String host;
    final int playIndex;
    final String assignmentId;
    final CompletableFuture<HostOutcome> done = new CompletableFuture<>();
    /** Where the grant of its lane (or its end while it waited) is announced to the run's thread. */
    final BlockingQueue<HostPlay> turns;
    /** Its claim on the host's lane; null when it never asked (offline). */
    volatile HostLanes.Ticket ticket;
    /** While it waits for a host that is not connected: when it expires; 0 for no limit. */
    volatile long expiresAt;
    /** Its batch's run_once and throttle state. */
    final BatchCalls batch;
    /** Its plan's reboot tasks: task id to reboot_timeout in seconds. */
    volatile Map<Integer, Integer> reboots = Map.of();
    /** While its reboot task runs: how long the controller waits for the host to come back; 0 otherwise. */
    volatile long rebootUntil;

    HostPlay(ActiveRun run, String host, int playIndex, String assignmentId, BlockingQueue<HostPlay> turns,
        BatchCalls batch) {
      this.batch = batch;
      this.run = run;
      this.host = host;
      this.playIndex = playIndex;
      this.assignmentId = assignmentId;
      this.turns = turns;
    }
  }

  /** A run in progress; its lock orders a cancel against its parts being queued and sent. */
  private static final class ActiveRun {
    final String id;
    final PlayListener listener;
    final Duration queueFor;
    final AtomicInteger seq = new AtomicInteger();
    /** Who cancelled the run; null while it is not cancelled. Guarded by this. */
    String cancelledBy;

    /** The run's vault secrets, masked again here: what an agent reports is stored and shown masked whatever it is. */
    final SecretMask mask;
    /** Facts delegated tasks returned for their delegated hosts (delegate_facts), for the plays after. */
    final Map<String, Map<String, Object>> delegatedFacts = new ConcurrentHashMap<>();
    /** The run's controller lookups and vault passwords, for its plans and its hosts' calls during the plays. */
    final ControllerLookups lookups;
    final Vault vault;

    ActiveRun(String id, PlayListener listener, Duration queueFor, SecretMask mask, ControllerLookups lookups,
        Vault vault) {
      this.mask = mask;
      this.lookups = lookups;
      this.vault = vault;
      this.id = id;
      this.listener = listener;
      this.queueFor = queueFor;
    }

    synchronized String cancelledBy() {
      return cancelledBy;
    }
  }

  private final Store store;
  private final GroupCommit writes;
  private final PlayDispatcher dispatcher;
  private final HostLanes lanes;
  private final Function<String, Map<String, Object>> storedFacts;
  private final Clock clock;
  private final Map<String, HostPlay> active = new ConcurrentHashMap<>();
  /** Host parts waiting for their host's lane (or granted, not yet sent). */
  private final Map<String, HostPlay> waiting = new ConcurrentHashMap<>();
  /** Runs in progress, by id, until their end is stored. */
  private final Map<String, ActiveRun> runs = new ConcurrentHashMap<>();
  private final Delegations delegations;
  private volatile String localhostAgent;
  private final Fetches fetches;

  /**
   * @param storedFacts a host's facts as the agent last reported them, as Ansible names them
   *     (without the {@code ansible_} prefix); empty when none
   */
  public PlayCoordinator(Store store, GroupCommit writes, PlayDispatcher dispatcher,
      Function<String, Map<String, Object>> storedFacts, Clock clock) {
    this(store, writes, dispatcher, new HostLanes(dispatcher::isOnline), storedFacts, clock);
  }

  /** @param lanes the hosts' lanes, shared with ad-hoc runs */
  public PlayCoordinator(Store store, GroupCommit writes, PlayDispatcher dispatcher, HostLanes lanes,
      Function<String, Map<String, Object>> storedFacts, Clock clock) {
    this.store = store;
    this.writes = writes;
    this.dispatcher = dispatcher;
    this.lanes = lanes;
    this.delegations = new Delegations(dispatcher);
    this.fetches = new Fetches(store.file().toAbsolutePath().getParent().resolve("fetched"));
    this.storedFacts = storedFacts;
    this.clock = clock;
  }

  /**
   * Validates and starts a run; returns its id. The plays run on a thread of the run's own.
   *
   * @throws InvalidPlaybookException with every error (file:line:column), when the playbook, the
   *     inventory or a host pattern is invalid; nothing is stored then
   */
  public String start(PlaySpec spec, String requestedBy, PlayListener listener) throws InvalidPlaybookException {
    LoadedPlaybook loaded;
    Vault vault = new Vault(spec.vaultSecrets());
    try {
      loaded = new PlaybookLoader(spec.root(), spec.rolesPath(), vault).load(spec.playbook());
    } catch (PlaybookException e) {
      StringBuilder sb = new StringBuilder();
      e.errors().forEach(d -> sb.append(d).append('\n'));
      sb.append(e.errors().size()).append(e.errors().size() == 1 ? " error" : " errors").append(" in ")
          .append(spec.displayName());
      throw new InvalidPlaybookException(sb.toString());
    }
    Inventory inventory;
    try {
      inventory = spec.inventory().isPresent() ? Inventory.load(spec.inventory().get(), vault)
          : Inventory.empty();
    } catch (InventoryException e) {
      throw new InvalidPlaybookException("inventory: " + e.getMessage());
    }
    inventory = inventory.withEnrolled(store.hosts().all().stream().filter(h -> !h.decommissioned())
        .map(h -> new EnrolledHost(h.name(), h.role(), h.labels())).toList());
    for (Play p : loaded.playbook().plays()) {
      try {
        HostPattern.select(inventory, p.hosts(), spec.limit());
      } catch (InventoryException e) {
        throw new InvalidPlaybookException(p.location() + ": hosts: " + e.getMessage());
      }
    }
    ControllerLookups lookups;
    try {
      // Read now: the upload is removed once the run has started, and hosts ask during the play.
      lookups = ControllerLookups.snapshot(spec.root(), inventory, store.file().toAbsolutePath().getParent());
    } catch (java.io.UncheckedIOException e) {
      throw new InvalidPlaybookException(spec.displayName() + ": " + e.getMessage());
    }
    long now = clock.millis();
    String runId = Ids.next(now);
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("limit", spec.limit());
    options.put("tags", spec.tags());
    options.put("skip_tags", spec.skipTags());
    options.put("check", spec.check());
    options.put("diff", spec.diff());
    options.put("extra_vars", spec.extraVars().keySet());
    store.runs().insertRun(new Records.Run(runId, "play", spec.displayName(), "play", json(options), "running", requestedBy,
        now, Optional.empty()), List.of());
    Set<String> secrets = vault.revealed();
    ActiveRun run = new ActiveRun(runId, listener, spec.queueFor(), new SecretMask(secrets), lookups, vault);
    runs.put(runId, run);
    List<String> warnings = loaded.warnings().stream().map(Diagnostic::toString).toList();
    emit(run, l -> l.runStarted(runId, warnings));
    Inventory inv = inventory;
    Thread t = new Thread(() -> runPlays(run, spec, loaded, inv, secrets), "homefleet-play-" + runId);
    t.setDaemon(true);
    t.start();
    log.info("run {}: playbook {} ({} play(s)) for {}", runId, spec.displayName(), loaded.playbook().plays().size(),
        requestedBy);
    return runId;
  }

  // ------------------------------------------------------------ the run

  private void runPlays(ActiveRun run, PlaySpec spec, LoadedPlaybook loaded, Inventory inventory, Set<String> secrets) {
    Map<String, Map<String, Object>> setFacts = new HashMap<>();
    Map<String, Map<String, Object>> gathered = new HashMap<>();
    Set<String> out = new HashSet<>();
    Map<String, PlayListener.Totals> totals = new LinkedHashMap<>();
    boolean failed = false;
    PlanOptions options = new PlanOptions(spec.tags(), spec.skipTags(), spec.check(), spec.diff(), spec.extraVars(),
        secrets);
    try {
      plays:
      for (int i = 0; i < loaded.playbook().plays().size(); i++) {
        Play play = loaded.playbook().plays().get(i);
        String name = play.name().isEmpty() ? play.hosts() : play.name();
        HostPattern.Selection sel = HostPattern.select(inventory, play.hosts(), spec.limit());
        sel.warnings().forEach(w -> emit(run, l -> l.note("[WARNING]: " + w)));
        List<String> hosts = sel.hosts().stream().filter(h -> !out.contains(h)).toList();
        if (hosts.isEmpty()) {
          int index = i;
          emit(run, l -> l.playStarted(index, name, List.of(), List.of()));
          emit(run, l -> l.note("skipping: no hosts matched"));
          continue;
        }
        for (List<String> batch : batches(play.serial(), hosts)) {
          if (run.cancelledBy() != null) {
            break plays;
          }
          int index = i;
          emit(run, l -> l.playStarted(index, name, hosts, batch));
          Map<String, HostPlay> started = new LinkedHashMap<>();
          BlockingQueue<HostPlay> turns = new LinkedBlockingQueue<>();
          Set<HostPlay> toSend = new HashSet<>();
          BatchCalls calls = new BatchCalls(batch);
          for (String host : batch) {
            HostPlay hp = claim(run, index, host, turns, calls);
            started.put(host, hp);
            if (hp.ticket != null) {
              toSend.add(hp);
            }
          }
          // Each host's plan is compiled and sent as its lane is granted, with the facts as they are then.
          while (!toSend.isEmpty()) {
            HostPlay hp = turns.take();
            if (toSend.remove(hp)) {
              launch(hp, loaded, play, inventory, hosts, batch, options, setFacts, gathered);
            }
          }
          int failedInBatch = 0;
          boolean endPlay = false;
          for (HostPlay hp : started.values()) {
            HostOutcome o = hp.done.get();
            totals.merge(hp.host, PlayListener.Totals.ZERO.plus(o), (a, b) -> a.plus(o));
            setFacts.computeIfAbsent(hp.host, k -> new LinkedHashMap<>()).putAll(o.recap().facts());
            gathered.computeIfAbsent(hp.host, k -> new LinkedHashMap<>()).putAll(o.recap().ansibleFacts());
            if (o.out()) {
              out.add(hp.host);
              failedInBatch++;
              failed = true;
            }
            endPlay |= o.recap().end() == PlayRecap.End.END_PLAY;
          }
          run.delegatedFacts.forEach((h, f) -> gathered.computeIfAbsent(h, k -> new LinkedHashMap<>()).putAll(f));
          if (run.cancelledBy() != null) {
            break plays; // the hosts' parts in later batches and plays never start
          }
          if (failedInBatch > 0 && play.anyErrorsFatal()) {
            emit(run, l -> l.note("NO MORE HOSTS LEFT (any_errors_fatal)"));
            break plays;
          }
          if (play.maxFailPercentage().isPresent()
              && failedInBatch * 100.0 / batch.size() > play.maxFailPercentage().getAsDouble()) {
            double pct = failedInBatch * 100.0 / batch.size();
            emit(run, l -> l.note(String.format(Locale.ROOT, "NO MORE HOSTS LEFT (%.0f%% of the batch failed;"
                + " max_fail_percentage is %s)", pct, play.maxFailPercentage().getAsDouble())));
            break plays;
          }
          if (failedInBatch == batch.size()) {
            emit(run, l -> l.note("NO MORE HOSTS LEFT"));
            break plays;
          }
          if (endPlay) {
            break;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failed = true;
      emit(run, l -> l.note("the run was interrupted"));
    } catch (InventoryException | ExecutionException | RuntimeException e) {
      log.error("run {} failed", run.id, e);
      failed = true;
      emit(run, l -> l.note("ERROR! the run stopped: " + e.getMessage()));
    } finally {
      // Stopped early: host parts still waiting for a lane give it up (their outcome is not needed).
      for (HostPlay hp : List.copyOf(waiting.values())) {
        if (hp.run == run && waiting.remove(hp.assignmentId, hp)) {
          lanes.release(hp.ticket);
        }
      }
    }
    String by = run.cancelledBy();
    String state = by != null ? "cancelled" : failed ? "failed" : "succeeded";
    if (by != null) {
      emit(run, l -> l.note("the run was cancelled by " + by));
    }
    long now = clock.millis();
    writes.submit(s -> s.runs().finishRun(run.id, state, now), () -> {
      runs.remove(run.id);
      run.listener.finished(state, totals);
    }, () -> {
      runs.remove(run.id);
    });
    log.info("run {} {}", run.id, state);
  }

  /**
   * A host's part in a play asks for the host's lane; the run's thread hears on {@code turns} when
   * it is granted. An offline host is unreachable at once, as in Ansible, unless the run has a
   * queue time: then the part waits for the host to connect, and expires in the sweep.
   */
  private HostPlay claim(ActiveRun run, int index, String host, BlockingQueue<HostPlay> turns, BatchCalls batch) {
    String assignmentId = run.id + "-p" + index + "-" + host;
    HostPlay hp = new HostPlay(run, host, index, assignmentId, turns, batch);
    boolean online = dispatcher.isOnline(host);
    boolean enrolled = online || store.hosts().host(host).isPresent();
    synchronized (run) {
      if (run.cancelledBy != null) {
        finish(hp, HostOutcome.cancelled("cancelled by " + run.cancelledBy + " before it was sent"), NOTHING);
        return hp;
      }
      if (!online && (run.queueFor.isZero() || !enrolled)) {
        finish(hp, HostOutcome.unreachable(enrolled ? "the host's agent is not connected to the controller (run with"
            + " --queue-for to deliver it when the host returns)" : "not an enrolled agent (only in the inventory)"),
            NOTHING);
        return hp;
      }
      if (!online) {
        hp.expiresAt = clock.millis() + run.queueFor.toMillis();
      }
      Long expires = online ? null : hp.expiresAt;
      writes.submit(s -> s.runs().openRunHostTask(assignmentId, run.id, host, expires));
      waiting.put(assignmentId, hp);
      hp.ticket = lanes.request(host, run.id, t -> turns.add(hp));
    }
    if (!lanes.holds(hp.ticket)) {
      Optional<String> busy = lanes.holder(host);
      String why = !online ? host + " is not connected; queued for " + run.queueFor.toSeconds() + " s"
          : busy.isPresent() ? host + " is busy with run " + busy.get()
          : host + " is not taking work yet (its agent is not reading what it was sent)";
      log.info("run {}: play {} waiting: {}", run.id, index, why);
      emit(run, l -> l.note("waiting: " + why));
    }
    return hp;
  }

  /** The host's lane is granted: compiles its plan with the facts of now and sends it. */
  private void launch(HostPlay hp, LoadedPlaybook loaded, Play play, Inventory inventory, List<String> playHosts,
      List<String> batch, PlanOptions options, Map<String, Map<String, Object>> setFacts,
      Map<String, Map<String, Object>> gathered) {
    if (!waiting.containsKey(hp.assignmentId)) {
      releaseLane(hp); // it ended while it waited (its host disconnected, it expired or was cancelled); idempotent
      return;
    }
    String host = hp.host;
    byte[] bytes;
    try {
      EnumMap<Precedence, Map<String, Object>> vars = vars(inventory, play, host, playHosts, batch, setFacts, gathered,
          options);
      HostPlan plan = PlanCompiler.compile(loaded, hp.playIndex, vars, options, hp.run.lookups);
      bytes = PlanCodec.encode(plan);
      hp.reboots = RebootWait.tasks(plan);
    } catch (RuntimeException e) {
      if (waiting.remove(hp.assignmentId, hp)) {
        log.error("cannot compile play {} for {}", hp.playIndex, host, e);
        finish(hp, HostOutcome.failed("the controller could not compile the plan: " + e.getMessage()), NOTHING);
      }
      return;
    }
    // Under the run's lock: a cancel sees the part either still waiting or sent (and then tells the agent).
    synchronized (hp.run) {
      if (!waiting.remove(hp.assignmentId, hp)) {
        releaseLane(hp);
        return;
      }
      active.put(hp.assignmentId, hp);
      if (!dispatcher.dispatch(host, new PlayDispatcher.Assignment(hp.assignmentId, hp.run.id, hp.playIndex, bytes,
          options.check(), options.diff()))) {
        active.remove(hp.assignmentId);
        finish(hp, HostOutcome.unreachable("the host's agent disconnected before the play was sent"), NOTHING);
        return;
      }
    }
    writes.submit(s -> s.runs().markTask(hp.assignmentId, "sent", null));
  }

  /**
   * The host's variables for a play by level, with {@code hostvars} as a plain snapshot of every host's,
   * each with the facts it set and gathered in the plays before (as Ansible's hostvars show
   * them: {@code hostvars['db1'].marker} after db1 ran {@code set_fact: marker=...}).
   */
  private EnumMap<Precedence, Map<String, Object>> vars(Inventory inventory, Play play, String host, List<String> playHosts,
      List<String> batch, Map<String, Map<String, Object>> setFacts, Map<String, Map<String, Object>> gathered,
      PlanOptions options) {
    Map<String, Object> hostvars = new LinkedHashMap<>();
    for (String other : inventory.hostNames()) {
      Map<String, Object> v = new LinkedHashMap<>(scope(inventory, play, other, playHosts, batch,
          setFacts.getOrDefault(other, Map.of()), gathered.getOrDefault(other, Map.of()), options).build());
      v.remove("hostvars");
      v.remove("groups");
      hostvars.put(other, v);
    }
    EnumMap<Precedence, Map<String, Object>> vars = scope(inventory, play, host, playHosts, batch,
        setFacts.getOrDefault(host, Map.of()), gathered.getOrDefault(host, Map.of()), options).layers();
    Map<String, Object> magic = new LinkedHashMap<>(vars.getOrDefault(Precedence.MAGIC, Map.of()));
    magic.put("hostvars", hostvars);
    vars.put(Precedence.MAGIC, magic);
    return vars;
  }

  private VarScope scope(Inventory inventory, Play play, String host, List<String> playHosts, List<String> batch,
      Map<String, Object> setFacts, Map<String, Object> gathered, PlanOptions options) {
    Map<String, Object> facts = new LinkedHashMap<>(storedFacts.apply(host));
    facts.putAll(gathered);
    return VarScope.forPlay(inventory, host, play, facts, setFacts, options.extraVars()).playHosts(playHosts, batch);
  }

  /** Ansible's batches: each size in turn, the last one repeating; a percentage of the play's hosts, at least one. */
  static List<List<String>> batches(Serial serial, List<String> hosts) {
    List<List<String>> out = new ArrayList<>();
    if (serial.batches().isEmpty()) {
      out.add(hosts);
      return out;
    }
    int at = 0;
    int step = 0;
    while (at < hosts.size()) {
      Serial.Batch b = serial.batches().get(Math.min(step++, serial.batches().size() - 1));
      int size = b instanceof Serial.Count c ? c.hosts()
          : Math.max(1, (int) (hosts.size() * ((Serial.Percent) b).percent() / 100.0));
      int end = Math.min(hosts.size(), at + size);
      out.add(List.copyOf(hosts.subList(at, end)));
      at = end;
    }
    return out;
  }

  // ------------------------------------------------------------ events from agents

  public void taskStarted(String host, String assignmentId, TaskRef task) {
    HostPlay hp = own(host, assignmentId);
    if (hp != null) {
      Integer rebootTimeout = hp.reboots.get(task.id());
      if (rebootTimeout != null) {
        hp.rebootUntil = clock.millis() + RebootWait.waitMillis(rebootTimeout);
      }
      emit(hp.run, l -> l.taskStarted(host, hp.playIndex, hp.run.mask.task(task)));
    }
  }

  public void itemFinished(String host, String assignmentId, ItemResult item) {
    HostPlay hp = own(host, assignmentId);
    if (hp != null) {
      emit(hp.run, l -> l.itemFinished(host, hp.playIndex, hp.run.mask.item(item)));
    }
  }

  public void taskFinished(String host, String assignmentId, TaskResult reported) {
    HostPlay hp = own(host, assignmentId);
    if (hp == null) {
      return;
    }
    hp.batch.taskFinished(host, reported);
    if (hp.reboots.containsKey(reported.task().id())) {
      hp.rebootUntil = 0;
    }
    TaskResult r = hp.run.mask.result(reported);
    Records.RunTask row = new Records.RunTask(hp.run.id, hp.run.seq.getAndIncrement(), hp.playIndex, host,
        r.task().path(), r.task().name(), r.task().location(), r.task().handler(),
        r.status().name().toLowerCase(Locale.ROOT), r.ignored(), json(r.result()), json(r.diffs()), clock.millis());
    writes.submit(s -> s.runs().insertRunTask(row), () -> hp.run.listener.taskFinished(host, hp.playIndex, r));
  }

  /**
   * The controller lookups of a run in progress, for a host's lookup during the play (the
   * agent-to-controller channel calls {@code lookup(plugin, terms, keywords, roleDir)} on it);
   * empty once the run has ended.
   */
  public java.util.Optional<ControllerLookups> controllerLookups(String runId) {
    return java.util.Optional.ofNullable(runs.get(runId)).map(r -> r.lookups);
  }

  /**
   * A host's play ended. {@code recorded} runs once the recap is stored, so the agent may be told
   * it can forget it. A recap for a part that is no longer running (the controller restarted, or
   * called the host unreachable when it disconnected) is stored in its place ({@link #recordLate}).
   */
  public void playFinished(String host, String assignmentId, HostOutcome reported, Runnable recorded) {
    HostPlay hp = active.get(assignmentId);
    if (hp == null || !hp.host.equals(host)) {
      recordLate(host, assignmentId, reported, recorded);
      return;
    }
    HostOutcome outcome = new HostOutcome(hp.run.mask.recap(reported.recap()), reported.unreachable(),
        hp.run.mask.mask(reported.msg()), reported.ending());
    if (active.remove(assignmentId, hp)) {
      String by = hp.run.cancelledBy();
      finish(hp, by != null && outcome.ending() == HostOutcome.Ending.CANCELLED
          ? HostOutcome.cancelled("cancelled by " + by + " while it ran") : outcome, recorded);
    }
  }

  /**
   * What the agent says its part did replaces what the controller guessed, as for an ad-hoc task's
   * late result; acknowledged once stored, or at once for a part the store does not know.
   */
  private void recordLate(String host, String assignmentId, HostOutcome outcome, Runnable recorded) {
    long now = clock.millis();
    String[] how = {"unknown play part, dropped"};
    writes.submit(s -> {
      Optional<String> runId = s.runs().playRunOfTask(assignmentId, host);
      OptionalInt index = runId.isEmpty() ? OptionalInt.empty() : playIndex(assignmentId, runId.get(), host);
      if (index.isEmpty()) {
        return;
      }
      if (s.runs().recordLatePlayHost(assignmentId, outcome.state(), outcome.msg(), now)) {
        s.runs().insertPlayRecap(recapRow(runId.get(), index.getAsInt(), host, outcome));
        how[0] = "recorded (" + outcome.state() + ")";
      } else {
        how[0] = "already recorded";
      }
    }, () -> {
      log.info("late recap for play {} from {}: {}", assignmentId, host, how[0]);
      recorded.run();
    }, () -> log.error("cannot store the late recap of play {} from {}; the agent offers it again", assignmentId,
        host));
  }

  /** The play index in an assignment id ({@code RUN-pINDEX-HOST}, see {@link #claim}); empty if it is not one. */
  static OptionalInt playIndex(String assignmentId, String runId, String host) {
    String prefix = runId + "-p";
    String suffix = "-" + host;
    if (!assignmentId.startsWith(prefix) || !assignmentId.endsWith(suffix)
        || assignmentId.length() <= prefix.length() + suffix.length()) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(Integer.parseInt(assignmentId.substring(prefix.length(),
          assignmentId.length() - suffix.length())));
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  /**
   * Every play a host was running when it dropped its stream ends as unreachable (a recap the
   * agent sends later replaces that), and so does every play part still waiting for the host's
   * lane, unless its run has a queue time: then it waits for the host to come back until that ends.
   */
  public void disconnected(String host) {
    delegations.lost(host);
    long at = clock.millis();
    for (HostPlay hp : List.copyOf(active.values())) {
      if (hp.host.equals(host) && hp.rebootUntil > at) {
        // Its reboot task took the host down on purpose: the agent resumes the play after the boot.
        String why = host + " is rebooting (its reboot task runs); the play waits for its agent to come back until "
            + java.time.Instant.ofEpochMilli(hp.rebootUntil);
        log.info("run {}: play {}: {}", hp.run.id, hp.playIndex, why);
        emit(hp.run, l -> l.note("waiting: " + why));
        continue;
      }
      if (hp.host.equals(host) && active.remove(hp.assignmentId, hp)) {
        finish(hp, HostOutcome.unreachable("the agent disconnected during the play; if it reports later, that "
            + "recap replaces this"), NOTHING);
      }
    }
    long now = clock.millis();
    for (HostPlay hp : List.copyOf(waiting.values())) {
      if (!hp.host.equals(host)) {
        continue;
      }
      if (!hp.run.queueFor.isZero()) {
        if (hp.expiresAt == 0) {
          hp.expiresAt = now + hp.run.queueFor.toMillis();
        }
      } else if (waiting.remove(hp.assignmentId, hp)) {
        finish(hp, HostOutcome.unreachable("the agent disconnected while the play waited for the host"), NOTHING);
        hp.turns.add(hp);
      }
    }
  }

  /**
   * Cancels a playbook run of this coordinator, as {@code homefleet runs cancel} does an ad-hoc
   * one: parts not yet sent end {@code cancelled} now, hosts running a part are told to stop it
   * (the agent stops the running task and reports), and no later batch or play starts. Returns
   * false when no such run is in progress here.
   */
  public boolean cancel(String runId, String by) {
    ActiveRun run = runs.get(runId);
    if (run == null) {
      return false;
    }
    synchronized (run) {
      if (run.cancelledBy != null) {
        return true;
      }
      run.cancelledBy = by;
      for (HostPlay hp : List.copyOf(waiting.values())) {
        if (hp.run == run && waiting.remove(hp.assignmentId, hp)) {
          finish(hp, HostOutcome.cancelled("cancelled by " + by + " before it was sent"), NOTHING);
          hp.turns.add(hp);
        }
      }
      for (HostPlay hp : List.copyOf(active.values())) {
        if (hp.run != run) {
          continue;
        }
        if (dispatcher.cancel(hp.host, hp.assignmentId, "cancelled by " + by)) {
          log.info("asked {} to cancel play {}", hp.host, hp.assignmentId);
        } else if (active.remove(hp.assignmentId, hp)) {
          finish(hp, HostOutcome.cancelled("cancelled by " + by + " while the host was not connected"), NOTHING);
        }
      }
    }
    log.info("run {} cancelled by {}", runId, by);
    return true;
  }

  /**
   * Expires the host parts whose queue time is up, as the ad-hoc runs' queued tasks expire; run
   * by {@link io.homefleet.controller.run.RunCoordinator}'s delivery sweep.
   */
  public void sweep() {
    long now = clock.millis();
    for (HostPlay hp : List.copyOf(active.values())) {
      if (hp.rebootUntil != 0 && hp.rebootUntil <= now && !dispatcher.isOnline(hp.host)
          && active.remove(hp.assignmentId, hp)) {
        finish(hp, HostOutcome.unreachable("the host did not come back from its reboot within the task's"
            + " reboot_timeout (and " + RebootWait.MARGIN_SECONDS + " s more); if its agent reports later, that recap"
            + " replaces this"), NOTHING);
      }
    }
    for (HostPlay hp : List.copyOf(waiting.values())) {
      if (hp.expiresAt != 0 && hp.expiresAt <= now && waiting.remove(hp.assignmentId, hp)) {
        finish(hp, HostOutcome.expired(dispatcher.isOnline(hp.host)
            ? "expired in the queue: host " + hp.host + " was busy with earlier runs"
            : "expired in the queue: host " + hp.host + " did not connect in time"), NOTHING);
        hp.turns.add(hp);
      }
    }
  }

  // ------------------------------------------------------------ calls from running plays

  /**
   * A running part asks something (delegate_to, run_once, throttle); {@code reply} gets the
   * answer, now or when it is known (another host's task ends, a slot frees up).
   */
  public void call(String host, Calls.Call call, Consumer<Calls.Answer> reply) {
    HostPlay hp = own(host, call.assignmentId());
    if (hp == null) {
      reply.accept(Calls.Answer.error(call, "the controller has no running play " + call.assignmentId() + " for "
          + host));
      return;
    }
    if (call instanceof Calls.Delegate d) {
      delegations.start(hp.run.id, host, d, target(d.host()), reply, facts -> hp.run.delegatedFacts
          .computeIfAbsent(facts.getKey(), k -> new ConcurrentHashMap<>()).putAll(facts.getValue()));
    } else if (call instanceof Calls.RunOnce o) {
      hp.batch.runOnce(host, o, reply);
    } else if (call instanceof Calls.Lookup l) {
      reply.accept(lookup(hp, l));
    } else if (call instanceof Calls.IncludeVars v) {
      reply.accept(includeVars(hp, v));
    } else if (call instanceof Calls.Fetch f) {
      reply.accept(Calls.Answer.module(call, fetches.write(host, f), List.of()));
    } else {
      hp.batch.throttle(host, (Calls.Throttle) call, reply);
    }
  }

  /** A controller lookup during the play, with the run's tree and inventory; its Failure's message as the error. */
  private Calls.Answer lookup(HostPlay hp, Calls.Lookup l) {
    if (!runs.containsKey(hp.run.id)) {
      return Calls.Answer.error(l, "run " + hp.run.id + " has ended");
    }
    try {
      return Calls.Answer.values(l, hp.run.lookups.lookup(l.plugin(), l.terms(), l.keywords(), l.roleDir()));
    } catch (io.homefleet.playbook.template.ControllerLookup.Failure e) {
      return Calls.Answer.error(l, e.getMessage());
    }
  }

  /** include_vars: the run's tree read with its vault; the decrypted values join the run's mask. */
  private Calls.Answer includeVars(HostPlay hp, Calls.IncludeVars v) {
    if (!runs.containsKey(hp.run.id)) {
      return Calls.Answer.error(v, "run " + hp.run.id + " has ended");
    }
    IncludeVars.Result r = new IncludeVars(hp.run.lookups, hp.run.vault).include(v.args(), v.roleDir());
    hp.run.mask.add(r.secrets());
    return Calls.Answer.module(v, r.result(), r.secrets());
  }

  /** Whether {@code taskId} is a task this coordinator sent for a delegate_to. */
  public boolean isDelegated(String taskId) {
    return Delegations.isDelegated(taskId);
  }

  /** The delegated host's result for {@code taskId}, as register stores it. */
  public void delegatedResult(String host, String taskId, io.homefleet.playbook.plan.TaskStatus status,
      Map<String, Object> result) {
    delegations.finished(host, taskId, status, result);
  }

  /** Which enrolled host runs a task delegated to {@code name}: {@code localhost} is the controller's host. */
  private String target(String name) {
    if (!name.equals("localhost") && !name.equals("127.0.0.1") && !name.equals("::1")) {
      return name;
    }
    if (localhostAgent != null) {
      return localhostAgent;
    }
    if (dispatcher.isOnline("localhost")) {
      return "localhost";
    }
    try {
      String self = java.net.InetAddress.getLocalHost().getHostName();
      if (dispatcher.isOnline(self) || store.hosts().host(self).isPresent()) {
        return self;
      }
    } catch (java.io.IOException e) {
      // no name for this machine: only localhost_agent can say
    }
    return null;
  }

  /** The enrolled host that {@code delegate_to: localhost} means (controller.yaml's {@code localhost_agent}). */
  public void localhostAgent(String name) {
    this.localhostAgent = name == null || name.isBlank() ? null : name;
  }

  private HostPlay own(String host, String assignmentId) {
    HostPlay hp = active.get(assignmentId);
    return hp != null && hp.host.equals(host) ? hp : null;
  }

  private static Records.PlayRecapRow recapRow(String runId, int playIndex, String host, HostOutcome o) {
    PlayRecap r = o.recap();
    return new Records.PlayRecapRow(runId, playIndex, host, r.ok(), r.changed(), o.unreachable() ? 1 : r.unreachable(),
        r.failed(), r.skipped(), r.rescued(), r.ignored(), o.end(), o.msg());
  }

  private void finish(HostPlay hp, HostOutcome o, Runnable recorded) {
    hp.batch.hostDone(hp.host);
    delegations.ended(hp.assignmentId);
    Records.PlayRecapRow row = recapRow(hp.run.id, hp.playIndex, hp.host, o);
    String state = o.state();
    String taskId = hp.assignmentId;
    long now = clock.millis();
    writes.submit(s -> {
      s.runs().insertPlayRecap(row);
      s.runs().insertRunHostTask(taskId, hp.run.id, hp.host, state, o.msg(), now);
    }, () -> {
      releaseLane(hp); // stored: the host's next work may go out (before this run's next play asks)
      hp.run.listener.hostFinished(hp.host, hp.playIndex, o);
      recorded.run();
      hp.done.complete(o);
    }, () -> releaseLane(hp));
  }

  private static final Runnable NOTHING = () -> { };

  private void releaseLane(HostPlay hp) {
    if (hp.ticket != null) {
      lanes.release(hp.ticket);
    }
  }

  /** Listener calls go through the writer so that they keep the order of the stored events. */
  private void emit(ActiveRun run, Consumer<PlayListener> call) {
    writes.submit(s -> { }, () -> call.accept(run.listener));
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      return "{\"unrepresentable\": true}";
    }
  }
}
