package io.homefleet.controller.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The catch-up rule: missed times while the controller was down give one run at start-up, not one per time. */
class WhenTest {
  private static final ZoneId UTC = ZoneOffset.UTC;
  private final When nightly = new When.AtCron(Cron.parse("0 3 * * *"));

  @Test
  void cron_missedSixNights_runsOnceAtStartUp_thenKeepsToItsTimes() {
    Instant lastRun = Instant.parse("2026-11-20T03:00:00Z");
    Instant firstSeen = Instant.parse("2026-11-01T00:00:00Z");
    Instant startUp = Instant.parse("2026-11-26T12:00:00Z");
    assertThat(nightly.isDue(Optional.of(lastRun), firstSeen, startUp, UTC)).isTrue();
    // It ran at start-up: the six missed nights are not run again, one by one.
    Instant ranAt = startUp;
    for (Instant t = startUp; t.isBefore(Instant.parse("2026-11-27T02:59:00Z")); t = t.plus(Duration.ofMinutes(7))) {
      assertThat(nightly.isDue(Optional.of(ranAt), firstSeen, t, UTC)).as("due at %s", t).isFalse();
    }
    assertThat(nightly.nextRun(Optional.of(ranAt), firstSeen, UTC)).contains(Instant.parse("2026-11-27T03:00:00Z"));
    assertThat(nightly.isDue(Optional.of(ranAt), firstSeen, Instant.parse("2026-11-27T03:00:00Z"), UTC)).isTrue();
  }

  @Test
  void cron_neverRun_countsFromWhenTheScheduleWasFirstSeen() {
    Instant firstSeen = Instant.parse("2026-11-26T04:00:00Z");
    assertThat(nightly.isDue(Optional.empty(), firstSeen, Instant.parse("2026-11-26T23:00:00Z"), UTC)).isFalse();
    assertThat(nightly.isDue(Optional.empty(), firstSeen, Instant.parse("2026-11-27T03:00:00Z"), UTC)).isTrue();
    // Down over the first time: once at start-up.
    assertThat(nightly.isDue(Optional.empty(), firstSeen, Instant.parse("2026-11-29T09:00:00Z"), UTC)).isTrue();
  }

  @Test
  void cron_notMissed_isNotDueBeforeItsTime() {
    Instant lastRun = Instant.parse("2026-11-26T03:00:00Z");
    assertThat(nightly.isDue(Optional.of(lastRun), lastRun, Instant.parse("2026-11-27T02:59:59Z"), UTC)).isFalse();
  }

  @Test
  void interval_countsFromTheLastRun_andCatchesUpOnce() {
    When every = new When.Every(Duration.ofHours(6));
    Instant lastRun = Instant.parse("2026-11-26T00:00:00Z");
    assertThat(every.isDue(Optional.of(lastRun), lastRun, Instant.parse("2026-11-26T05:59:59Z"), UTC)).isFalse();
    assertThat(every.isDue(Optional.of(lastRun), lastRun, Instant.parse("2026-11-26T06:00:00Z"), UTC)).isTrue();
    Instant startUp = Instant.parse("2026-11-28T13:00:00Z");
    assertThat(every.isDue(Optional.of(lastRun), lastRun, startUp, UTC)).isTrue();
    assertThat(every.nextRun(Optional.of(startUp), lastRun, UTC)).contains(Instant.parse("2026-11-28T19:00:00Z"));
    assertThat(every.describe()).isEqualTo("every 6h");
  }
}
