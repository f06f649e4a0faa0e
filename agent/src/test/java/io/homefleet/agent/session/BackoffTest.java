package io.homefleet.agent.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void next_growsExponentiallyWithJitterUpToTheCap() {
    Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(8));
    long[] ceilings = {500, 1000, 2000, 4000, 8000, 8000, 8000};
    for (long ceiling : ceilings) {
      long d = b.next().toMillis();
      assertThat(d).isBetween(ceiling / 2, ceiling);
    }
  }

  @Test
  void next_isJittered_soAFleetDoesNotReconnectInStep() {
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));
      b.next();
      b.next();
      seen.add(b.next().toMillis());
    }
    assertThat(seen.size()).isGreaterThan(10);
  }

  @Test
  void reset_startsOverFromTheBase() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(60));
    for (int i = 0; i < 10; i++) {
      b.next();
    }
    b.reset();
    assertThat(b.next().toMillis()).isLessThanOrEqualTo(100);
  }
}
