package io.homefleet.controller.play;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.controller.run.GroupCommit;
import io.homefleet.controller.store.Store;
import io.homefleet.playbook.plan.HostPlan;
import io.homefleet.playbook.plan.PlanCodec;
import io.homefleet.playbook.plan.PlayRecap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's part between plans, with a real store and a fake agent side: each "agent"
 * answers its plan at once with a recap (failing the hosts it is told to).
 */
class PlayCoordinatorRunTest {

  private record Sent(String host, int play, HostPlan plan) {}

  /** Agents that answer every plan on another thread, as the session's threads would. */
  private static final class FakeAgents implements PlayDispatcher {
    final Set<String> online;
    final Set<String> failing;
    final List<Sent> sent = new CopyOnWriteArrayList<>();
    PlayCoordinator coordinator;

    FakeAgents(Set<String> online, Set<String> failing) {
      this.online = online;
      this.failing = failing;
    }

    @Override
    public boolean isOnline(String host) {
      return online.contains(host);
    }

    @Override
    public boolean dispatch(String host, Assignment a) {
      try {
        sent.add(new Sent(host, a.playIndex(), PlanCodec.decode(a.plan())));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      boolean fail = failing.contains(host);
      PlayRecap recap = new PlayRecap(1, 0, 0, fail ? 1 : 0, 0, 0, 0,
          fail ? PlayRecap.End.FAILED : PlayRecap.End.COMPLETED, Map.of("marker", "set-by-" + host), Map.of());
      new Thread(() -> coordinator.playFinished(host, a.assignmentId(), new HostOutcome(recap, false, ""), () -> { }))
          .start();
      return true;
    }

    @Override
    public boolean cancel(String host, String assignmentId, String reason) {
      return true;
    }
  }

  /** What the operator would see (also for {@link PlayCoordinatorDeliveryTest}). */
  static final class Seen implements PlayListener {
    final List<String> batches = new CopyOnWriteArrayList<>();
    final List<String> notes = new CopyOnWriteArrayList<>();
    final List<String> unreachable = new CopyOnWriteArrayList<>();
    final CompletableFuture<String> state = new CompletableFuture<>();

    @Override
    public void playStarted(int playIndex, String name, List<String> hosts, List<String> batch) {
      batches.add(playIndex + ":" + batch);
    }

    @Override
    public void hostFinished(String host, int playIndex, HostOutcome outcome) {
      if (outcome.unreachable()) {
        unreachable.add(host);
      }
    }

    @Override
    public void note(String message) {
      notes.add(message);
    }

    @Override
    public void finished(String state, Map<String, Totals> totals) {
      this.state.complete(state);
    }
  }

  private static final String PLAYBOOK = """
      - name: one
        hosts: all
        gather_facts: false
        serial: 2
        max_fail_percentage: 40
        tasks:
          - debug: {msg: one}
      - name: two
        hosts: all
        gather_facts: false
        tasks:
          - debug: {msg: "{{ marker }}"}
      """;

  private Seen run(Path tmp, FakeAgents agents) throws Exception {
    Path pb = Files.createDirectories(tmp.resolve("pb"));
    Files.writeString(pb.resolve("site.yml"), PLAYBOOK);
    Path inv = tmp.resolve("hosts.ini");
    Files.writeString(inv, "a\nb\nc\n");
    Store store = Store.open(tmp.resolve("data"));
    GroupCommit writes = new GroupCommit(store);
    try {
      PlayCoordinator c = new PlayCoordinator(store, writes, agents, h -> Map.of(), Clock.systemUTC());
      agents.coordinator = c;
      Seen seen = new Seen();
      String id = c.start(new PlayCoordinator.PlaySpec(pb, pb.resolve("site.yml"), Optional.of(inv), "", List.of(),
          List.of(), false, false, Map.of(), List.of(), "site.yml"), "test", seen);
      seen.state.get(30, TimeUnit.SECONDS);
      assertThat(store.runs().playRecaps(id)).isNotEmpty();
      return seen;
    } finally {
      writes.close();
      store.close();
    }
  }

  @Test
  void run_serialTwo_runsHostsInBatches_thenCarriesSetFactsIntoTheNextPlay(@TempDir Path tmp) throws Exception {
    FakeAgents agents = new FakeAgents(Set.of("a", "b", "c"), Set.of());
    Seen seen = run(tmp, agents);
    assertThat(seen.state.get()).isEqualTo("succeeded");
    assertThat(seen.batches).containsExactly("0:[a, b]", "0:[c]", "1:[a, b, c]");
    assertThat(agents.sent).filteredOn(s -> s.play() == 1)
        .allSatisfy(s -> assertThat(s.plan().mergedVars().get("marker")).isEqualTo("set-by-" + s.host()));
  }

  @Test
  void run_hostvarsInTheNextPlay_showEveryHostsSetFacts(@TempDir Path tmp) throws Exception {
    FakeAgents agents = new FakeAgents(Set.of("a", "b", "c"), Set.of());
    run(tmp, agents);
    assertThat(agents.sent).filteredOn(s -> s.play() == 1).hasSize(3).allSatisfy(s -> {
      Map<?, ?> hostvars = (Map<?, ?>) s.plan().mergedVars().get("hostvars");
      for (String other : List.of("a", "b", "c")) {
        assertThat(((Map<?, ?>) hostvars.get(other)).get("marker")).as("hostvars['%s'] sent to %s", other, s.host())
            .isEqualTo("set-by-" + other);
      }
    });
  }

  @Test
  void run_halfTheBatchFailing_overMaxFailPercentage40_stopsBeforeTheNextBatch(@TempDir Path tmp) throws Exception {
    FakeAgents agents = new FakeAgents(Set.of("a", "b", "c"), Set.of("b"));
    Seen seen = run(tmp, agents);
    assertThat(seen.state.get()).isEqualTo("failed");
    assertThat(seen.batches).containsExactly("0:[a, b]");
    assertThat(seen.notes).anyMatch(n -> n.startsWith("NO MORE HOSTS LEFT"));
    assertThat(agents.sent).extracting(Sent::host).containsExactly("a", "b");
  }

  @Test
  void run_offlineHost_isUnreachableAndNeverSent(@TempDir Path tmp) throws Exception {
    FakeAgents agents = new FakeAgents(Set.of("a", "b"), Set.of());
    Seen seen = run(tmp, agents);
    assertThat(seen.unreachable).containsExactly("c");
    assertThat(agents.sent).extracting(Sent::host).doesNotContain("c");
    // c's batch failed entirely (unreachable counts as failed), so the run stops there, as Ansible's does.
    assertThat(seen.state.get()).isEqualTo("failed");
  }
}
