package io.homefleet.controller.play;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.controller.play.PlayCoordinatorRunTest.Seen;
import io.homefleet.controller.run.AgentDispatcher;
import io.homefleet.controller.run.GroupCommit;
import io.homefleet.controller.run.HostLanes;
import io.homefleet.controller.run.RunCoordinator;
import io.homefleet.controller.run.TaskSpec;
import io.homefleet.controller.store.Records;
import io.homefleet.controller.store.Store;
import io.homefleet.controller.testing.Enrolled;
import io.homefleet.playbook.plan.PlayRecap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery of playbook runs as ad-hoc runs have it, with a real store, the shared host lanes and
 * the ad-hoc coordinator's sweep: {@code --queue-for} for offline hosts (delivered when they
 * connect, {@code expired} after), {@code runs cancel}, and a recap that arrives after a restart.
 * The agents are fakes that hold each plan until the test answers it.
 */
class PlayCoordinatorDeliveryTest {
  private static final String ONE_PLAY = """
      - hosts: all
        gather_facts: false
        tasks:
          - command: sleep 60
      """;
  private static final String SERIAL_ONE = """
      - hosts: all
        gather_facts: false
        serial: 1
        tasks:
          - command: sleep 60
      """;

  /** Agents that keep what they are sent: the test decides who is online and answers for them. */
  private static final class FakeAgents implements PlayDispatcher, AgentDispatcher {
    final Set<String> online = ConcurrentHashMap.newKeySet();
    final BlockingQueue<Assignment> sent = new LinkedBlockingQueue<>();
    final List<String> cancels = new CopyOnWriteArrayList<>();
    PlayCoordinator coordinator;

    @Override
    public boolean isOnline(String host) {
      return online.contains(host);
    }

    @Override
    public boolean dispatch(String host, Assignment a) {
      return online.contains(host) && sent.add(a);
    }

    @Override
    public boolean dispatch(String host, TaskSpec task) {
      return false;
    }

    /** As an agent does: the play stops and its recap says "cancelled" (mapped by the session layer). */
    @Override
    public boolean cancel(String host, String assignmentId, String reason) {
      if (!online.contains(host)) {
        return false;
      }
      cancels.add(assignmentId);
      new Thread(() -> coordinator.playFinished(host, assignmentId,
          HostOutcome.cancelled("the play was cancelled on the host"), () -> { })).start();
      return true;
    }
  }

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final FakeAgents agents = new FakeAgents();
  private Store store;
  private GroupCommit writes;
  private HostLanes lanes;
  private PlayCoordinator plays;
  /** The play coordinator's time: the system's, moved on by the test. */
  private final java.util.concurrent.atomic.AtomicLong skew = new java.util.concurrent.atomic.AtomicLong();
  private final Clock playClock = new Clock() {
    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return java.time.Instant.now().plusMillis(skew.get());
    }
  };

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

  /** A controller's coordinators, wired as ControllerServer wires them. */
  private void controller(Path data) {
    store = Store.open(data);
    writes = new GroupCommit(store);
    lanes = new HostLanes(agents::isOnline);
    RunCoordinator runs = new RunCoordinator(store, writes, agents, lanes, Clock.systemUTC(), timer,
        Duration.ofSeconds(60));
    plays = new PlayCoordinator(store, writes, agents, lanes, h -> Map.of(), playClock);
    runs.alsoSweep(plays::sweep);
    runs.startSweep();
    agents.coordinator = plays;
  }


  private String start(Path tmp, String playbook, Duration queueFor, Seen seen) throws Exception {
    Path pb = Files.createDirectories(tmp.resolve("pb"));
    Files.writeString(pb.resolve("site.yml"), playbook);
    return plays.start(new PlayCoordinator.PlaySpec(pb, pb.resolve("site.yml"), Optional.empty(), "", List.of(),
        List.of(), false, false, Map.of(), List.of(), "site.yml", queueFor), "alice", seen);
  }

  private static final HostOutcome CHANGED = new HostOutcome(new PlayRecap(1, 1, 0, 0, 0, 0, 0,
      PlayRecap.End.COMPLETED, Map.of(), Map.of()), false, "");

  private Map<String, String> states(String runId) {
    Map<String, String> m = new java.util.TreeMap<>();
    store.runs().tasks(runId).forEach(t -> m.put(t.host(), t.state()));
    return m;
  }

  private static void await(Supplier<Boolean> condition) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.get()) {
      assertThat(System.nanoTime()).as("waited 30 s").isLessThan(until);
      Thread.sleep(20);
    }
  }

  /** A run of one play for web1, which is offline, with five minutes to connect: its part is queued. */
  private String queuedForOfflineHost(Path tmp, Seen seen) throws Exception {
    controller(tmp.resolve("data"));
    Enrolled.host(store, "web1");
    String id = start(tmp, ONE_PLAY, Duration.ofMinutes(5), seen);
    await(() -> "queued".equals(states(id).get("web1")));
    assertThat(agents.sent).isEmpty();
    return id;
  }

  @Test
  void queueFor_offlineHost_isQueued_andGetsThePlayWhenItConnects(@TempDir Path tmp) throws Exception {
    Seen seen = new Seen();
    String id = queuedForOfflineHost(tmp, seen);

    agents.online.add("web1");
    lanes.ready("web1"); // what the session layer does once the agent's hello is handled
    PlayDispatcher.Assignment a = agents.sent.poll(30, TimeUnit.SECONDS);
    assertThat(a).isNotNull();
    await(() -> "sent".equals(states(id).get("web1")));
    plays.playFinished("web1", a.assignmentId(), CHANGED, () -> { });

    assertThat(seen.state.get(30, TimeUnit.SECONDS)).isEqualTo("succeeded");
    assertThat(states(id)).containsEntry("web1", "changed");
  }

  @Test
  void queueFor_hostThatDoesNotConnect_expiresInTheSweep(@TempDir Path tmp) throws Exception {
    controller(tmp.resolve("data"));
    Enrolled.host(store, "web1");
    Seen seen = new Seen();
    String id = start(tmp, ONE_PLAY, Duration.ofSeconds(1), seen);

    assertThat(seen.state.get(30, TimeUnit.SECONDS)).isEqualTo("failed");
    assertThat(agents.sent).isEmpty();
    Records.Task t = store.runs().tasks(id).get(0);
    assertThat(t.state()).isEqualTo("expired");
    assertThat(t.msg()).contains("did not connect in time");
    assertThat(store.runs().playRecaps(id)).singleElement().satisfies(r -> {
      assertThat(r.end()).isEqualTo("EXPIRED");
      assertThat(r.unreachable()).isEqualTo(1);
    });
  }

  @Test
  void cancel_stopsTheRunningPart_andLaterPartsNeverStart(@TempDir Path tmp) throws Exception {
    controller(tmp.resolve("data"));
    Enrolled.host(store, "web1");
    Enrolled.host(store, "web2");
    agents.online.addAll(Set.of("web1", "web2"));
    Seen seen = new Seen();
    String id = start(tmp, SERIAL_ONE, Duration.ZERO, seen);
    PlayDispatcher.Assignment first = agents.sent.poll(30, TimeUnit.SECONDS);
    assertThat(first).isNotNull();

    assertThat(plays.cancel(id, "bob")).isTrue();

    assertThat(seen.state.get(30, TimeUnit.SECONDS)).isEqualTo("cancelled");
    assertThat(agents.cancels).containsExactly(first.assignmentId());
    assertThat(agents.sent).isEmpty(); // web2's batch never started
    assertThat(store.runs().run(id).orElseThrow().state()).isEqualTo("cancelled");
    assertThat(store.runs().tasks(id)).singleElement().satisfies(t -> {
      assertThat(t.state()).isEqualTo("cancelled");
      assertThat(t.msg()).isEqualTo("cancelled by bob while it ran");
    });
    assertThat(plays.cancel(id, "bob")).as("an ended run is not this coordinator's").isFalse();
  }

  @Test
  void cancel_partWaitingForItsHost_endsCancelledAndIsNeverSent(@TempDir Path tmp) throws Exception {
    Seen seen = new Seen();
    String id = queuedForOfflineHost(tmp, seen);

    assertThat(plays.cancel(id, "bob")).isTrue();
    assertThat(seen.state.get(30, TimeUnit.SECONDS)).isEqualTo("cancelled");
    agents.online.add("web1");
    lanes.ready("web1");
    Thread.sleep(200);
    assertThat(agents.sent).isEmpty();
    assertThat(store.runs().tasks(id)).singleElement().satisfies(t -> {
      assertThat(t.state()).isEqualTo("cancelled");
      assertThat(t.msg()).isEqualTo("cancelled by bob before it was sent");
    });
  }

  @Test
  void lateRecap_afterAControllerRestart_isStoredAsTheHostsEnd(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("data");
    controller(data);
    Enrolled.host(store, "web1");
    agents.online.add("web1");
    String id = start(tmp, ONE_PLAY, Duration.ZERO, new Seen());
    PlayDispatcher.Assignment a = agents.sent.poll(30, TimeUnit.SECONDS);
    assertThat(a).isNotNull();
    await(() -> "sent".equals(states(id).get("web1")));
    // The controller stops with the play out (what is stored stays; the old process's memory does not).
    writes.close();
    store.close();

    controller(data);
    assertThat(store.runs().closeInterruptedRuns(System.currentTimeMillis())).isEqualTo(1);
    assertThat(states(id)).containsEntry("web1", "unreachable");
    CountDownLatch acked = new CountDownLatch(1);
    plays.playFinished("web1", a.assignmentId(), CHANGED, acked::countDown);

    assertThat(acked.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(states(id)).containsEntry("web1", "changed");
    assertThat(store.runs().playRecaps(id)).singleElement().satisfies(r -> {
      assertThat(r.changed()).isEqualTo(1);
      assertThat(r.end()).isEqualTo("COMPLETED");
    });
    // A repeat (the acknowledgement was lost) is acknowledged and changes nothing.
    CountDownLatch again = new CountDownLatch(1);
    plays.playFinished("web1", a.assignmentId(), HostOutcome.failed("other"), again::countDown);
    assertThat(again.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(states(id)).containsEntry("web1", "changed");
  }

  @Test
  void lateRecap_forAnUnknownPart_isAcknowledgedAndDropped(@TempDir Path tmp) throws Exception {
    controller(tmp.resolve("data"));
    CountDownLatch acked = new CountDownLatch(1);
    plays.playFinished("web1", "20261207-nope-p0-web1", CHANGED, acked::countDown);
    assertThat(acked.await(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void playIndex_readsTheAssignmentId() {
    assertThat(PlayCoordinator.playIndex("r1-p3-web-1", "r1", "web-1")).hasValue(3);
    assertThat(PlayCoordinator.playIndex("r1-p3-web-1", "r2", "web-1")).isEmpty();
    assertThat(PlayCoordinator.playIndex("r1-px-web-1", "r1", "web-1")).isEmpty();
  }

  @Test
  void reboot_hostThatDisconnectsDuringItsRebootTask_isWaitedFor_untilTheTimeoutAndMargin(@TempDir Path tmp)
      throws Exception {
    controller(tmp.resolve("data"));
    Enrolled.host(store, "web1");
    agents.online.add("web1");
    Seen seen = new Seen();
    String id = start(tmp, """
        - hosts: all
          gather_facts: false
          tasks:
            - reboot: {reboot_timeout: 30}
            - command: "true"
        """, Duration.ZERO, seen);
    PlayDispatcher.Assignment a = agents.sent.poll(30, TimeUnit.SECONDS);
    io.homefleet.playbook.plan.PlanTask reboot = io.homefleet.playbook.plan.PlanCodec.decode(a.plan()).items().stream()
        .filter(io.homefleet.playbook.plan.PlanTask.class::isInstance).map(io.homefleet.playbook.plan.PlanTask.class::cast)
        .filter(t -> t.module().equals("reboot")).findFirst().orElseThrow();
    await(() -> "sent".equals(states(id).get("web1")));

    plays.taskStarted("web1", a.assignmentId(), new io.homefleet.playbook.plan.TaskRef(reboot.id(), reboot.path(),
        "reboot", reboot.location(), false));
    agents.online.remove("web1");
    plays.disconnected("web1");
    skew.set((30 + RebootWait.MARGIN_SECONDS - 5) * 1000L);
    plays.sweep();

    assertThat(seen.state).as("the host is rebooting: its part stays open").isNotDone();
    assertThat(seen.notes).anySatisfy(n -> assertThat(n).startsWith("waiting: web1 is rebooting"));
    skew.set((30 + RebootWait.MARGIN_SECONDS + 5) * 1000L);
    plays.sweep();

    assertThat(seen.state.get(30, TimeUnit.SECONDS)).isEqualTo("failed");
    Records.Task t = store.runs().tasks(id).get(0);
    assertThat(t.state()).isEqualTo("unreachable");
    assertThat(t.msg()).contains("did not come back from its reboot");
  }
}
