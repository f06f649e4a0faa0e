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
import io.homefleet.playbook.model.VarsFile;
import io.homefleet.playbook.parse.LoadedPlaybook;
import io.homefleet.playbook.parse.PlaybookException;
import io.homefleet.playbook.parse.PlaybookLoader;
import io.homefleet.playbook.plan.HostPlan;
import io.homefleet.playbook.plan.ItemResult;
import io.homefleet.playbook.plan.PlanCodec;
import io.homefleet.playbook.plan.PlanCompiler;
import io.homefleet.playbook.plan.PlanOptions;
import io.homefleet.playbook.plan.PlayRecap;
import io.homefleet.playbook.plan.TaskRef;
import io.homefleet.playbook.plan.TaskResult;
import io.homefleet.playbook.source.Diagnostic;
import io.homefleet.playbook.vars.Precedence;
import io.homefleet.playbook.vars.VarScope;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
   */
  public record PlaySpec(Path root, Path playbook, Optional<Path> inventory, String limit, List<String> tags,
      List<String> skipTags, boolean check, boolean diff, Map<String, Object> extraVars, List<Path> rolesPath,
      String displayName) {
    public PlaySpec {
      tags = List.copyOf(tags);
      skipTags = List.copyOf(skipTags);
      extraVars = new LinkedHashMap<>(extraVars);
      rolesPath = List.copyOf(rolesPath);
      limit = limit == null ? "" : limit;
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

    HostPlay(ActiveRun run, String host, int playIndex, String assignmentId, BlockingQueue<HostPlay> turns) {
      this.run = run;
      this.host = host;
      this.playIndex = playIndex;
      this.assignmentId = assignmentId;
      this.turns = turns;
    }
  }

  private static final class ActiveRun {
    final String id;
    final PlayListener listener;
    final AtomicInteger seq = new AtomicInteger();

    ActiveRun(String id, PlayListener listener) {
      this.id = id;
      this.listener = listener;
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
    try {
      loaded = new PlaybookLoader(spec.root(), spec.rolesPath()).load(spec.playbook());
    } catch (PlaybookException e) {
      StringBuilder sb = new StringBuilder();
      e.errors().forEach(d -> sb.append(d).append('\n'));
      sb.append(e.errors().size()).append(e.errors().size() == 1 ? " error" : " errors").append(" in ")
          .append(spec.displayName());
      throw new InvalidPlaybookException(sb.toString());
    }
    Inventory inventory;
    try {
      inventory = spec.inventory().isPresent() ? Inventory.load(spec.inventory().get()) : Inventory.empty();
    } catch (InventoryException e) {
      throw new InvalidPlaybookException("inventory: " + e.getMessage());
    }
    inventory = inventory.withEnrolled(store.hosts().stream().filter(h -> !h.decommissioned())
        .map(h -> new EnrolledHost(h.name(), h.role(), h.labels())).toList());
    for (Play p : loaded.playbook().plays()) {
      try {
        HostPattern.select(inventory, p.hosts(), spec.limit());
      } catch (InventoryException e) {
        throw new InvalidPlaybookException(p.location() + ": hosts: " + e.getMessage());
      }
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
    store.insertRun(new Records.Run(runId, "play", spec.displayName(), "play", json(options), "running", requestedBy,
        now, Optional.empty()), List.of());
    ActiveRun run = new ActiveRun(runId, listener);
    List<String> warnings = loaded.warnings().stream().map(Diagnostic::toString).toList();
    emit(run, l -> l.runStarted(runId, warnings));
    Inventory inv = inventory;
    Thread t = new Thread(() -> runPlays(run, spec, loaded, inv), "homefleet-play-" + runId);
    t.setDaemon(true);
    t.start();
    log.info("run {}: playbook {} ({} play(s)) for {}", runId, spec.displayName(), loaded.playbook().plays().size(),
        requestedBy);
    return runId;
  }

  // ------------------------------------------------------------ the run

  private void runPlays(ActiveRun run, PlaySpec spec, LoadedPlaybook loaded, Inventory inventory) {
    Map<String, Map<String, Object>> setFacts = new HashMap<>();
    Map<String, Map<String, Object>> gathered = new HashMap<>();
    Set<String> out = new HashSet<>();
    Map<String, PlayListener.Totals> totals = new LinkedHashMap<>();
    boolean failed = false;
    PlanOptions options = new PlanOptions(spec.tags(), spec.skipTags(), spec.check(), spec.diff(), spec.extraVars());
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
          int index = i;
          emit(run, l -> l.playStarted(index, name, hosts, batch));
          Map<String, HostPlay> started = new LinkedHashMap<>();
          BlockingQueue<HostPlay> turns = new LinkedBlockingQueue<>();
          Set<HostPlay> toSend = new HashSet<>();
          for (String host : batch) {
            HostPlay hp = claim(run, index, host, turns);
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
    String state = failed ? "failed" : "succeeded";
    long now = clock.millis();
    writes.submit(s -> s.finishRun(run.id, state, now), () -> run.listener.finished(state, totals));
    log.info("run {} {}", run.id, state);
  }

  /**
   * A host's part in a play asks for the host's lane; the run's thread hears on {@code turns} when
   * it is granted. An offline host is unreachable at once, as in Ansible.
   */
  private HostPlay claim(ActiveRun run, int index, String host, BlockingQueue<HostPlay> turns) {
    String assignmentId = run.id + "-p" + index + "-" + host;
    HostPlay hp = new HostPlay(run, host, index, assignmentId, turns);
    if (!dispatcher.isOnline(host)) {
      boolean enrolled = store.host(host).isPresent();
      finish(hp, HostOutcome.unreachable(enrolled ? "the host's agent is not connected to the controller"
          : "not an enrolled agent (only in the inventory)"), () -> { });
      return hp;
    }
    waiting.put(assignmentId, hp);
    hp.ticket = lanes.request(host, run.id, t -> turns.add(hp));
    if (!lanes.holds(hp.ticket)) {
      Optional<String> busy = lanes.holder(host);
      String why = busy.isPresent() ? host + " is busy with run " + busy.get()
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
    if (!waiting.remove(hp.assignmentId, hp)) {
      releaseLane(hp); // it ended while it waited (its host disconnected); idempotent
      return;
    }
    String host = hp.host;
    byte[] bytes;
    try {
      Map<String, Object> vars = vars(inventory, play, host, playHosts, batch, setFacts, gathered, options);
      HostPlan plan = PlanCompiler.compile(loaded, hp.playIndex, vars, options);
      bytes = PlanCodec.encode(plan);
    } catch (RuntimeException e) {
      log.error("cannot compile play {} for {}", hp.playIndex, host, e);
      finish(hp, HostOutcome.failed("the controller could not compile the plan: " + e.getMessage()), () -> { });
      return;
    }
    active.put(hp.assignmentId, hp);
    if (!dispatcher.dispatch(host, new PlayDispatcher.Assignment(hp.assignmentId, hp.run.id, hp.playIndex, bytes,
        options.check(), options.diff()))) {
      active.remove(hp.assignmentId);
      finish(hp, HostOutcome.unreachable("the host's agent disconnected before the play was sent"), () -> { });
    }
  }

  /**
   * The host's variables for a play, with {@code hostvars} as a plain snapshot of every host's,
   * each with the facts it set and gathered in the plays before (as Ansible's hostvars show
   * them: {@code hostvars['db1'].marker} after db1 ran {@code set_fact: marker=...}).
   */
  private Map<String, Object> vars(Inventory inventory, Play play, String host, List<String> playHosts,
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
    Map<String, Object> vars = new LinkedHashMap<>(scope(inventory, play, host, playHosts, batch,
        setFacts.getOrDefault(host, Map.of()), gathered.getOrDefault(host, Map.of()), options).build());
    vars.put("hostvars", hostvars);
    return vars;
  }

  private VarScope scope(Inventory inventory, Play play, String host, List<String> playHosts, List<String> batch,
      Map<String, Object> setFacts, Map<String, Object> gathered, PlanOptions options) {
    Map<String, Object> facts = new LinkedHashMap<>(storedFacts.apply(host));
    facts.putAll(gathered);
    Map<String, Object> varsFiles = new LinkedHashMap<>();
    for (VarsFile f : play.varsFiles()) {
      f.vars().ifPresent(varsFiles::putAll);
    }
    return VarScope.forHost(inventory, host).facts(facts).with(Precedence.PLAY_VARS, play.keywords().vars())
        .with(Precedence.VARS_FILES, varsFiles).with(Precedence.SET_FACTS, setFacts)
        .with(Precedence.EXTRA_VARS, options.extraVars()).playHosts(playHosts, batch);
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
      emit(hp.run, l -> l.taskStarted(host, hp.playIndex, task));
    }
  }

  public void itemFinished(String host, String assignmentId, ItemResult item) {
    HostPlay hp = own(host, assignmentId);
    if (hp != null) {
      emit(hp.run, l -> l.itemFinished(host, hp.playIndex, item));
    }
  }

  public void taskFinished(String host, String assignmentId, TaskResult r) {
    HostPlay hp = own(host, assignmentId);
    if (hp == null) {
      return;
    }
    Records.RunTask row = new Records.RunTask(hp.run.id, hp.run.seq.getAndIncrement(), hp.playIndex, host,
        r.task().path(), r.task().name(), r.task().location(), r.task().handler(),
        r.status().name().toLowerCase(Locale.ROOT), r.ignored(), json(r.result()), json(r.diffs()), clock.millis());
    writes.submit(s -> s.insertRunTask(row), () -> hp.run.listener.taskFinished(host, hp.playIndex, r));
  }

  /**
   * A host's play ended. {@code recorded} runs once the recap is stored (or at once for an
   * assignment that is no longer active), so the agent may be told it can forget it.
   */
  public void playFinished(String host, String assignmentId, HostOutcome outcome, Runnable recorded) {
    HostPlay hp = active.get(assignmentId);
    if (hp == null || !hp.host.equals(host)) {
      log.info("recap for play {} from {} that is not running (late or unknown); acknowledged", assignmentId, host);
      recorded.run();
      return;
    }
    if (active.remove(assignmentId, hp)) {
      finish(hp, outcome, recorded);
    }
  }

  /**
   * Every play a host was running when it dropped its stream ends as unreachable, and so does
   * every play part still waiting for the host's lane.
   */
  public void disconnected(String host) {
    for (HostPlay hp : List.copyOf(active.values())) {
      if (hp.host.equals(host) && active.remove(hp.assignmentId, hp)) {
        finish(hp, HostOutcome.unreachable("the agent disconnected during the play"), () -> { });
      }
    }
    for (HostPlay hp : List.copyOf(waiting.values())) {
      if (hp.host.equals(host) && waiting.remove(hp.assignmentId, hp)) {
        finish(hp, HostOutcome.unreachable("the agent disconnected while the play waited for the host"), () -> { });
        hp.turns.add(hp);
      }
    }
  }

  private HostPlay own(String host, String assignmentId) {
    HostPlay hp = active.get(assignmentId);
    return hp != null && hp.host.equals(host) ? hp : null;
  }

  private void finish(HostPlay hp, HostOutcome o, Runnable recorded) {
    PlayRecap r = o.recap();
    Records.PlayRecapRow row = new Records.PlayRecapRow(hp.run.id, hp.playIndex, hp.host, r.ok(), r.changed(),
        o.unreachable() ? 1 : r.unreachable(), r.failed(), r.skipped(), r.rescued(), r.ignored(),
        o.unreachable() ? "UNREACHABLE" : r.end().name(), o.msg());
    String state = o.unreachable() ? "unreachable" : r.failed() > 0 ? "failed" : r.changed() > 0 ? "changed" : "ok";
    String taskId = hp.assignmentId;
    long now = clock.millis();
    writes.submit(s -> {
      s.insertPlayRecap(row);
      s.insertRunHostTask(taskId, hp.run.id, hp.host, state, o.msg(), now);
    }, () -> {
      releaseLane(hp); // stored: the host's next work may go out (before this run's next play asks)
      hp.run.listener.hostFinished(hp.host, hp.playIndex, o);
      recorded.run();
      hp.done.complete(o);
    }, () -> releaseLane(hp));
  }

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
