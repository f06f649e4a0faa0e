package io.homefleet.controller.converge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.homefleet.controller.play.HostOutcome;
import io.homefleet.controller.play.PlayCoordinator;
import io.homefleet.controller.play.PlayDispatcher;
import io.homefleet.controller.play.PlayListener;
import io.homefleet.controller.run.GroupCommit;
import io.homefleet.controller.state.DesiredState;
import io.homefleet.controller.state.StateTree;
import io.homefleet.controller.store.Records;
import io.homefleet.controller.store.StateRecords;
import io.homefleet.controller.store.Store;
import io.homefleet.playbook.plan.PlayRecap;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The converger with a real store, play coordinator and state checkouts, and a fake agent side
 * that answers each plan with the number of changed tasks the test queued (as the session layer
 * would hand the coordinator an agent's recap).
 */
class ConvergerTest {
  @TempDir
  Path tmp;

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    volatile Instant now = Instant.parse("2026-11-26T12:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** Agents that are online and answer each plan with the next queued changed count (0 when none is queued). */
  final class FakeAgents implements PlayDispatcher {
    final List<Assignment> sent = new CopyOnWriteArrayList<>();
    final BlockingQueue<Integer> changed = new LinkedBlockingQueue<>();
    volatile boolean answer = true;
    final List<Assignment> held = new CopyOnWriteArrayList<>();

    @Override
    public boolean isOnline(String host) {
      return true;
    }

    @Override
    public boolean dispatch(String host, Assignment a) {
      sent.add(a);
      if (answer) {
        reply(host, a);
      } else {
        held.add(a);
      }
      return true;
    }

    void reply(String host, Assignment a) {
      Integer c = changed.poll();
      int n = c == null ? 0 : c;
      PlayRecap recap = new PlayRecap(1, n, 0, 0, 0, 0, 0, PlayRecap.End.COMPLETED, Map.of(), Map.of());
      new Thread(() -> plays.playFinished(host, a.assignmentId(), new HostOutcome(recap, false, ""), () -> { }))
          .start();
    }

    @Override
    public boolean cancel(String host, String assignmentId, String reason) {
      return true;
    }
  }

  private final TestClock clock = new TestClock();
  private Store store;
  private GroupCommit writes;
  private PlayCoordinator plays;
  private DesiredState state;
  private Converger converger;
  private FakeAgents agents;
  private ScheduledExecutorService timer;

  @BeforeEach
  void setUp() {
    store = Store.open(tmp.resolve("data"));
    writes = new GroupCommit(store);
    agents = new FakeAgents();
    plays = new PlayCoordinator(store, writes, agents, h -> Map.of(), clock);
    state = new DesiredState(store, tmp.resolve("data/state"), clock);
    timer = Executors.newSingleThreadScheduledExecutor();
    converger = new Converger(store, state, plays, agents, clock, timer, Duration.ofHours(1), ZoneOffset.UTC);
  }

  @AfterEach
  void tearDown() {
    converger.close();
    timer.shutdownNow();
    writes.close();
    store.close();
  }

  private static final String SITE = """
      - hosts: all
        gather_facts: false
        tasks:
          - name: motd
            copy: {dest: /tmp/motd, content: "hi\\n"}
      """;
  private static final String INVENTORY = "all:\n  children:\n    web:\n      hosts:\n        web-1:\n    desk:\n"
      + "      hosts:\n        desk-1:\n";

  private void apply(String homefleetYml) throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("site.yml", SITE.getBytes(StandardCharsets.UTF_8));
    files.put("inventory/hosts.yml", INVENTORY.getBytes(StandardCharsets.UTF_8));
    files.put("homefleet.yml", homefleetYml.getBytes(StandardCharsets.UTF_8));
    state.apply(new StateTree(files), "test", "");
  }

  private StateRecords.Convergence convergeAndWait(String host) {
    String run = converger.converge(host, Converger.Trigger.INTERVAL).orElseThrow();
    await().atMost(Duration.ofSeconds(20)).until(() -> store.state().convergences(host, 1).stream()
        .anyMatch(c -> c.runId().equals(run) && c.finishedAt().isPresent()));
    return store.state().convergences(host, 1).get(0);
  }

  @Test
  void enforce_firstChangesReachTheVersion_laterChangesAreDrift() throws Exception {
    apply("inventory: inventory/hosts.yml\n");
    agents.changed.add(2);
    StateRecords.Convergence first = convergeAndWait("web-1");
    assertThat(first.status()).isEqualTo("converged");
    assertThat(first.changed()).isEqualTo(2);
    assertThat(first.mode()).isEqualTo("enforce");
    assertThat(agents.sent.get(0).check()).isFalse();
    assertThat(agents.sent.get(0).diff()).isTrue();

    assertThat(convergeAndWait("web-1").status()).isEqualTo("converged");

    agents.changed.add(1);
    StateRecords.Convergence drift = convergeAndWait("web-1");
    assertThat(drift.status()).isEqualTo("drifted");
    assertThat(drift.msg()).contains("1 task(s) had drifted and were put back");
    assertThat(store.runs().run(drift.runId()).orElseThrow().requestedBy()).isEqualTo(Converger.REQUESTER);
  }

  @Test
  void reportMode_checksOnly_andRecordsWhatWouldChangeAsDrift() throws Exception {
    apply("inventory: inventory/hosts.yml\nconvergence:\n  groups:\n    desk: {mode: report}\n");
    agents.changed.add(3);
    StateRecords.Convergence c = convergeAndWait("desk-1");
    assertThat(agents.sent.get(0).check()).as("check mode").isTrue();
    assertThat(c.mode()).isEqualTo("report");
    assertThat(c.status()).isEqualTo("drifted");
    assertThat(c.msg()).contains("would change");
  }

  @Test
  void aHostWhoseConvergenceIsRunning_doesNotGetASecondOne() throws Exception {
    apply("inventory: inventory/hosts.yml\n");
    agents.answer = false;
    assertThat(converger.converge("web-1", Converger.Trigger.CONNECT)).isPresent();
    await().atMost(Duration.ofSeconds(20)).until(() -> agents.held.size() == 1);
    assertThat(converger.converge("web-1", Converger.Trigger.APPLY)).isEmpty();
    assertThat(converger.hosts(Optional.of("web-1"), 0)).isEmpty(); // not an enrolled host: no status row
    agents.answer = true;
    agents.reply("web-1", agents.held.get(0));
    await().atMost(Duration.ofSeconds(20)).until(() -> converger.converge("web-1", Converger.Trigger.INTERVAL)
        .isPresent());
    await().atMost(Duration.ofSeconds(20)).until(() -> agents.sent.size() == 2);
  }

  @Test
  void aManualPlay_waitsForTheHostsRunningConvergence_andIsSentWhenItEnds() throws Exception {
    apply("inventory: inventory/hosts.yml\n");
    agents.answer = false;
    String convergence = converger.converge("web-1", Converger.Trigger.CONNECT).orElseThrow();
    await().atMost(Duration.ofSeconds(20)).until(() -> agents.held.size() == 1);

    Path pb = tmp.resolve("manual");
    Files.createDirectories(pb);
    Files.writeString(pb.resolve("site.yml"), SITE);
    Files.writeString(pb.resolve("hosts.yml"), INVENTORY);
    List<String> notes = new CopyOnWriteArrayList<>();
    String manual = plays.start(new PlayCoordinator.PlaySpec(pb, pb.resolve("site.yml"),
        Optional.of(pb.resolve("hosts.yml")), "web-1", List.of(), List.of(), false, false, Map.of(), List.of(),
        "site.yml"), "admin", new PlayListener() {
          @Override
          public void note(String message) {
            notes.add(message);
          }
        });
    await().atMost(Duration.ofSeconds(20)).until(() -> !notes.isEmpty());
    assertThat(notes).containsExactly("waiting: web-1 is busy with run " + convergence);
    assertThat(agents.sent).as("one piece of work out to web-1").hasSize(1);

    agents.answer = true;
    agents.reply("web-1", agents.held.get(0));
    await().atMost(Duration.ofSeconds(20)).until(() -> agents.sent.size() == 2);
    assertThat(agents.sent.get(1).runId()).isEqualTo(manual);
  }

  @Test
  void schedule_missedManyTimesWhileDown_runsOnceAtTheFirstTick_thenAtItsTimes() throws Exception {
    apply("inventory: inventory/hosts.yml\nschedules:\n  - name: hourly-ping\n    group: web\n    cron: '@hourly'\n"
        + "    task: {module: ping}\n");
    // The schedule was last run ten hours ago, then the controller was down.
    store.state().seeSchedule("hourly-ping", clock.millis());
    store.state().recordScheduleRun("hourly-ping", clock.instant().minus(Duration.ofHours(10)).toEpochMilli(), null, "ok");
    converger.tick();
    converger.tick();
    converger.tick();
    await().atMost(Duration.ofSeconds(20)).until(() -> scheduleRuns().size() == 1
        && store.state().scheduleRun("hourly-ping").orElseThrow().lastState().orElse("").equals("succeeded"));
    assertThat(store.state().scheduleRun("hourly-ping").orElseThrow().lastAt()).contains(clock.millis());
    // 12:00 was the catch-up; the next time is 13:00.
    clock.now = Instant.parse("2026-11-26T12:59:00Z");
    converger.tick();
    assertThat(scheduleRuns()).hasSize(1);
    clock.now = Instant.parse("2026-11-26T13:00:00Z");
    converger.tick();
    converger.tick();
    await().atMost(Duration.ofSeconds(20)).until(() -> scheduleRuns().size() == 2);
    assertThat(converger.schedules()).singleElement().satisfies(s -> assertThat(s.next())
        .contains(Instant.parse("2026-11-26T14:00:00Z")));
  }

  private List<Records.Run> scheduleRuns() {
    return store.runs().recent(100).stream().filter(r -> r.requestedBy().equals("homefleet-schedule")).toList();
  }
}
