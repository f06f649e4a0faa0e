package io.homefleet.controller.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HostLanesTest {
  private final Set<String> ready = new HashSet<>(Set.of("a", "b"));
  private final HostLanes lanes = new HostLanes(ready::contains);
  private final List<String> granted = new ArrayList<>();

  private HostLanes.Ticket ask(String host, String owner) {
    return lanes.request(host, owner, t -> granted.add(t.owner()));
  }

  @Test
  void oneHolderPerHost_waitersGetTheLaneInTheOrderTheyAsked() {
    HostLanes.Ticket first = ask("a", "run1");
    HostLanes.Ticket second = ask("a", "play2");
    HostLanes.Ticket third = ask("a", "run3");
    ask("b", "run4");
    assertThat(granted).containsExactly("run1", "run4");
    assertThat(lanes.holder("a")).contains("run1");
    assertThat(lanes.tryTake("a", "run5")).as("nobody jumps the queue").isEmpty();
    lanes.release(first);
    assertThat(granted).containsExactly("run1", "run4", "play2");
    lanes.release(third); // leaves the queue before its turn
    lanes.release(second);
    assertThat(granted).containsExactly("run1", "run4", "play2");
    assertThat(lanes.holder("a")).isEmpty();
    assertThat(lanes.tryTake("a", "run5")).isPresent();
  }

  @Test
  void aHostThatIsNotReady_getsNoLane_untilItIsReadyAgain() {
    ready.remove("a");
    HostLanes.Ticket t = ask("a", "run1");
    assertThat(lanes.tryTake("a", "run0")).isEmpty();
    assertThat(granted).isEmpty();
    assertThat(lanes.holds(t)).isFalse();
    ready.add("a");
    lanes.ready("a");
    assertThat(granted).containsExactly("run1");
    assertThat(lanes.holds(t)).isTrue();
  }

  @Test
  void release_isIdempotent_andARecoveredTaskTakesTheLaneOfAnOfflineHost() {
    HostLanes.Ticket t = lanes.takeForRecovery("c", "run1").orElseThrow();
    ask("c", "run2");
    lanes.release(t);
    lanes.release(t);
    assertThat(granted).as("c is not ready: the waiter keeps waiting").isEmpty();
    assertThat(lanes.waiting("c")).isEqualTo(1);
  }
}
