package io.homefleet.controller.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * When a schedule runs: at the times of a cron expression, or at a fixed interval after its last
 * run.
 *
 * <p>The catch-up rule: a schedule is due when its next time after the reference (its last run,
 * or the moment the controller first saw it) has come. Running sets the reference to now, so a
 * schedule that missed several times while the controller was down runs once at start-up, not
 * once per missed time, and then keeps to its times.
 */
public sealed interface When permits When.AtCron, When.Every {

  /** The first time strictly after {@code after}; empty when there is none. */
  Optional<Instant> next(Instant after, ZoneId zone);

  /** The schedule as the operator wrote it, for {@code homefleet status}. */
  String describe();

  /**
   * Whether a schedule last run at {@code lastRun} (empty: never; then {@code firstSeen} is the
   * reference) must run at {@code now}.
   */
  default boolean isDue(Optional<Instant> lastRun, Instant firstSeen, Instant now, ZoneId zone) {
    return nextRun(lastRun, firstSeen, zone).map(t -> !t.isAfter(now)).orElse(false);
  }

  /** The next run as the catch-up rule has it: may be in the past (then it is overdue and runs at the next tick). */
  default Optional<Instant> nextRun(Optional<Instant> lastRun, Instant firstSeen, ZoneId zone) {
    return next(lastRun.orElse(firstSeen), zone);
  }

  /** At the times of a cron expression. */
  record AtCron(Cron cron) implements When {
    @Override
    public Optional<Instant> next(Instant after, ZoneId zone) {
      return cron.next(after, zone);
    }

    @Override
    public String describe() {
      return cron.toString();
    }
  }

  /** Every {@code interval} after the last run. */
  record Every(Duration interval) implements When {
    public Every {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("an interval must be positive");
      }
    }

    @Override
    public Optional<Instant> next(Instant after, ZoneId zone) {
      return Optional.of(after.plus(interval));
    }

    @Override
    public String describe() {
      return "every " + io.homefleet.controller.config.Durations.format(interval);
    }
  }
}
