package io.homefleet.controller.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CronTest {
  private static final ZoneId UTC = ZoneOffset.UTC;
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  private static Instant utc(String local) {
    return LocalDateTime.parse(local).toInstant(ZoneOffset.UTC);
  }

  private static Instant at(String local, ZoneId zone) {
    return LocalDateTime.parse(local).atZone(zone).toInstant();
  }

  private static Instant next(String cron, Instant after, ZoneId zone) {
    return Cron.parse(cron).next(after, zone).orElseThrow();
  }

  private static List<Instant> fires(String cron, Instant after, ZoneId zone, int n) {
    List<Instant> out = new ArrayList<>();
    Instant t = after;
    for (int i = 0; i < n; i++) {
      t = next(cron, t, zone);
      out.add(t);
    }
    return out;
  }

  @Test
  void next_isStrictlyAfter_soAFireTimeIsNotRepeated() {
    assertThat(next("0 3 * * *", utc("2026-11-26T03:00"), UTC)).isEqualTo(utc("2026-11-27T03:00"));
    assertThat(next("0 3 * * *", utc("2026-11-26T02:59:59"), UTC)).isEqualTo(utc("2026-11-26T03:00"));
  }

  @Test
  void listsRangesAndSteps() {
    assertThat(fires("0-30/10 8 * * *", utc("2026-11-26T00:00"), UTC, 5)).containsExactly(
        utc("2026-11-26T08:00"), utc("2026-11-26T08:10"), utc("2026-11-26T08:20"), utc("2026-11-26T08:30"),
        utc("2026-11-27T08:00"));
    assertThat(fires("15,45 */12 * * *", utc("2026-11-26T00:00"), UTC, 4)).containsExactly(
        utc("2026-11-26T00:15"), utc("2026-11-26T00:45"), utc("2026-11-26T12:15"), utc("2026-11-26T12:45"));
    // N/S is N-max/S, as in Vixie cron.
    assertThat(fires("50/5 0 * * *", utc("2026-11-26T00:00"), UTC, 3)).containsExactly(
        utc("2026-11-26T00:50"), utc("2026-11-26T00:55"), utc("2026-11-27T00:50"));
  }

  @Test
  void namesOfMonthsAndDays_caseInsensitive() {
    // 2026-11-26 is a Thursday.
    assertThat(fires("0 9 * NOV,jan Mon-Fri", utc("2026-11-26T10:00"), UTC, 3)).containsExactly(
        utc("2026-11-27T09:00"), utc("2026-11-30T09:00"), utc("2027-01-01T09:00"));
  }

  @Test
  void sundayIsZeroOrSeven() {
    assertThat(next("0 0 * * 7", utc("2026-11-26T00:00"), UTC)).isEqualTo(utc("2026-11-29T00:00"));
    assertThat(next("0 0 * * 0", utc("2026-11-26T00:00"), UTC)).isEqualTo(utc("2026-11-29T00:00"));
    assertThat(next("0 0 * * 5-7", utc("2026-11-28T12:00"), UTC)).isEqualTo(utc("2026-11-29T00:00"));
  }

  @Test
  void nicknames() {
    Instant t = utc("2026-11-26T10:20");
    assertThat(next("@hourly", t, UTC)).isEqualTo(utc("2026-11-26T11:00"));
    assertThat(next("@daily", t, UTC)).isEqualTo(utc("2026-11-27T00:00"));
    assertThat(next("@midnight", t, UTC)).isEqualTo(utc("2026-11-27T00:00"));
    assertThat(next("@weekly", t, UTC)).isEqualTo(utc("2026-11-29T00:00"));
    assertThat(next("@monthly", t, UTC)).isEqualTo(utc("2026-12-01T00:00"));
    assertThat(next("@yearly", t, UTC)).isEqualTo(utc("2027-01-01T00:00"));
    assertThat(next("@annually", t, UTC)).isEqualTo(utc("2027-01-01T00:00"));
  }

  @Test
  void monthEnds_dayThirtyOneSkipsShortMonths() {
    assertThat(fires("0 0 31 * *", utc("2026-01-31T00:00"), UTC, 3)).containsExactly(
        utc("2026-03-31T00:00"), utc("2026-05-31T00:00"), utc("2026-07-31T00:00"));
    assertThat(next("0 0 30 * *", utc("2026-01-30T00:00"), UTC)).isEqualTo(utc("2026-03-30T00:00"));
  }

  @Test
  void leapDay_waitsForALeapYear() {
    assertThat(next("0 0 29 2 *", utc("2026-01-01T00:00"), UTC)).isEqualTo(utc("2028-02-29T00:00"));
  }

  @Test
  void aDayThatNeverComes_hasNoNext() {
    assertThat(Cron.parse("0 0 30 2 *").next(utc("2026-01-01T00:00"), UTC)).isEmpty();
    assertThat(Cron.parse("0 0 31 4,6,9,11 *").next(utc("2026-01-01T00:00"), UTC)).isEqualTo(Optional.empty());
  }

  @Test
  void dayOfMonthAndDayOfWeek_bothRestricted_eitherMatches() {
    // cron(5): "0 0 1-7 * 1" is the first seven days AND every Monday, not "the first Monday".
    // 2026-11-01 is a Sunday.
    assertThat(fires("0 0 1-7 * 1", utc("2026-11-06T12:00"), UTC, 3)).containsExactly(
        utc("2026-11-07T00:00"), utc("2026-11-09T00:00"), utc("2026-11-16T00:00"));
    // Friday the 13th (2026-11-13 is a Friday) is one fire, not two.
    assertThat(fires("0 12 13 * fri", utc("2026-11-07T00:00"), UTC, 3)).containsExactly(
        utc("2026-11-13T12:00"), utc("2026-11-20T12:00"), utc("2026-11-27T12:00"));
  }

  @Test
  void dayOfWeekStartingWithStar_isUnrestricted_soBothMustMatch() {
    // "*/2" starts with '*': the day-of-month alone decides (and the day of week must match too).
    // 2026-12-13 is a Sunday (0: even), 2027-01-13 a Wednesday (3: odd), 2027-02-13 a Saturday (6).
    assertThat(fires("0 0 13 * */2", utc("2026-11-14T00:00"), UTC, 2)).containsExactly(
        utc("2026-12-13T00:00"), utc("2027-02-13T00:00"));
    // A restricted day of month with '*' day of week: only the day of month.
    assertThat(next("0 0 13 * *", utc("2026-11-14T00:00"), UTC)).isEqualTo(utc("2026-12-13T00:00"));
  }

  @Test
  void springForward_aSkippedTimeFiresOnceWhenTheClocksJump() {
    // Europe/Berlin 2026-03-29: 02:00 CET becomes 03:00 CEST (01:00Z); 02:30 does not exist.
    assertThat(fires("30 2 * * *", at("2026-03-28T12:00", BERLIN), BERLIN, 3)).containsExactly(
        at("2026-03-29T03:00", BERLIN), at("2026-03-30T02:30", BERLIN), at("2026-03-31T02:30", BERLIN));
    // Every minute of the lost hour collapses onto the one instant; the next fire is a real 02:xx.
    assertThat(fires("*/20 2 * * *", at("2026-03-29T00:00", BERLIN), BERLIN, 2)).containsExactly(
        utc("2026-03-29T01:00"), at("2026-03-30T02:00", BERLIN));
  }

  @Test
  void fallBack_aFixedTimeInTheRepeatedHourFiresOnce() {
    // Europe/Berlin 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 happens at 00:30Z and 01:30Z.
    assertThat(fires("30 2 * * *", at("2026-10-24T12:00", BERLIN), BERLIN, 2)).containsExactly(
        utc("2026-10-25T00:30"), utc("2026-10-26T01:30"));
    // America/New_York 2026-11-01: 01:30 happens at 05:30Z and 06:30Z.
    assertThat(fires("30 1 * * *", at("2026-10-31T12:00", NEW_YORK), NEW_YORK, 2)).containsExactly(
        utc("2026-11-01T05:30"), utc("2026-11-02T06:30"));
  }

  @Test
  void fallBack_anHourlyJobFollowsTheWallClockThroughBothPasses() {
    assertThat(fires("0,30 * * * *", utc("2026-10-24T23:45"), BERLIN, 6)).containsExactly(
        utc("2026-10-25T00:00"), utc("2026-10-25T00:30"), // 02:00, 02:30 CEST
        utc("2026-10-25T01:00"), utc("2026-10-25T01:30"), // 02:00, 02:30 CET
        utc("2026-10-25T02:00"), utc("2026-10-25T02:30")); // 03:00, 03:30 CET
  }

  @Test
  void errorsNameTheFieldAndTheAllowedValues() {
    assertThatThrownBy(() -> Cron.parse("61 * * * *")).hasMessage("minute: 61 is out of range 0-59 (in '61')");
    assertThatThrownBy(() -> Cron.parse("0 24 * * *")).hasMessageContaining("hour: 24 is out of range 0-23");
    assertThatThrownBy(() -> Cron.parse("0 0 0 * *")).hasMessageContaining("day of month: 0 is out of range 1-31");
    assertThatThrownBy(() -> Cron.parse("0 0 * 13 *")).hasMessageContaining("month: 13 is out of range 1-12");
    assertThatThrownBy(() -> Cron.parse("0 0 * * 8")).hasMessageContaining("day of week: 8 is out of range 0-7");
    assertThatThrownBy(() -> Cron.parse("* * *")).hasMessageContaining("has 3 field(s); a cron expression has five");
    assertThatThrownBy(() -> Cron.parse("@fortnightly")).hasMessageContaining("unknown cron nickname '@fortnightly'");
    assertThatThrownBy(() -> Cron.parse("5-1 * * * *")).hasMessageContaining("range '5-1' runs backwards");
    assertThatThrownBy(() -> Cron.parse("0 0 * * fry")).hasMessageContaining("day of week: 'fry' is not a number or a name");
    assertThatThrownBy(() -> Cron.parse("*/0 * * * *")).hasMessageContaining("out of range 1-59");
    assertThatThrownBy(() -> Cron.parse("1,,2 * * * *")).hasMessageContaining("minute: '' is not a number");
  }
}
