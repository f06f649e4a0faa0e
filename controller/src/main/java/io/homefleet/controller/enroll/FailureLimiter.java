package io.homefleet.controller.enroll;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed enrollment attempts per source address in fixed windows; past the limit, the
 * source is refused until its window ends. Keeps a burst of guessed tokens cheap for us and
 * slow for the guesser.
 */
final class FailureLimiter {
  private record Window(long startMillis, int failures) {}

  private final int limit;
  private final Duration window;
  private final Clock clock;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  FailureLimiter(int limit, Duration window, Clock clock) {
    this.limit = limit;
    this.window = window;
    this.clock = clock;
  }

  boolean blocked(String source) {
    Window w = windows.get(source);
    return w != null && !expired(w) && w.failures() >= limit;
  }

  /** Records a failure; returns the failures counted in the current window. */
  int fail(String source) {
    if (windows.size() > 10_000) {
      windows.values().removeIf(this::expired);
    }
    return windows.compute(source, (k, w) -> w == null || expired(w)
        ? new Window(clock.millis(), 1) : new Window(w.startMillis(), w.failures() + 1)).failures();
  }

  private boolean expired(Window w) {
    return clock.millis() - w.startMillis() >= window.toMillis();
  }
}
