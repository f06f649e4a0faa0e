package io.homefleet.agent.session;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: the n-th retry waits between half and all of
 * {@code min(max, base * 2^n)}, so a fleet that lost its controller at the same instant does
 * not come back at the same instant.
 */
public final class Backoff {
  private final Duration base;
  private final Duration max;
  private int attempt;

  public Backoff(Duration base, Duration max) {
    this.base = base;
    this.max = max;
  }

  public Duration next() {
    long ceiling = Math.min(max.toMillis(), base.toMillis() << Math.min(attempt, 20));
    attempt++;
    long half = ceiling / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
  }

  public void reset() {
    attempt = 0;
  }

  public int attempts() {
    return attempt;
  }
}
