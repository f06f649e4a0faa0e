package io.homefleet.controller.schedule;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A cron(5) time specification: five fields (minute, hour, day of month, month, day of week) with
 * lists, ranges, steps and the English names of months and days, or one of the nicknames
 * {@code @yearly @annually @monthly @weekly @daily @midnight @hourly}.
 *
 * <p>Rules kept from cron(5): when both day of month and day of week are restricted (neither
 * starts with {@code *}) a day matches if either does; otherwise both must ({@code *} matches
 * every day). Sunday is 0 or 7.
 *
 * <p>Daylight saving time, as Vixie cron and cronie handle it: a wall-clock time that does not
 * exist (skipped by a spring-forward change) fires once at the instant the clocks jump; a
 * wall-clock time that happens twice (fall back) fires once, at its first occurrence, unless the
 * hour field starts with {@code *} (jobs that run every hour or more often follow the wall clock
 * and run in both passes).
 */
public final class Cron {
  private static final Map<String, String> NICKNAMES = Map.of("@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *",
      "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *",
      "@hourly", "0 * * * *");
  private static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
      "oct", "nov", "dec");
  private static final List<String> DAYS = List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat");
  /** How far ahead to look for the next match: a leap day that must also be a given weekday recurs within 28 years. */
  private static final int MAX_YEARS = 29;

  private final String text;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean domStar;
  private final boolean dowStar;
  private final boolean hourStar;

  private Cron(String text, BitSet minutes, BitSet hours, BitSet daysOfMonth, BitSet months, BitSet daysOfWeek,
      boolean domStar, boolean dowStar, boolean hourStar) {
    this.text = text;
    this.minutes = minutes;
    this.hours = hours;
    this.daysOfMonth = daysOfMonth;
    this.months = months;
    this.daysOfWeek = daysOfWeek;
    this.domStar = domStar;
    this.dowStar = dowStar;
    this.hourStar = hourStar;
  }

  /**
   * Parses an expression.
   *
   * @throws IllegalArgumentException naming the field and what is wrong with it
   */
  public static Cron parse(String expression) {
    String text = expression == null ? "" : expression.trim();
    String spec = text.startsWith("@") ? NICKNAMES.get(text.toLowerCase(Locale.ROOT)) : text;
    if (spec == null) {
      throw new IllegalArgumentException("unknown cron nickname '" + text + "' (use @hourly, @daily, @weekly, "
          + "@monthly or @yearly, or five fields: minute hour day-of-month month day-of-week)");
    }
    String[] f = spec.split("\\s+");
    if (f.length != 5) {
      throw new IllegalArgumentException("'" + text + "' has " + (text.isEmpty() ? 0 : f.length) + " field(s); a cron"
          + " expression has five: minute hour day-of-month month day-of-week (example: '0 3 * * 0')");
    }
    BitSet dow = field(f[4], "day of week", 0, 7, DAYS);
    if (dow.get(7)) {
      dow.set(0);
      dow.clear(7);
    }
    return new Cron(text, field(f[0], "minute", 0, 59, List.of()), field(f[1], "hour", 0, 23, List.of()),
        field(f[2], "day of month", 1, 31, List.of()), field(f[3], "month", 1, 12, MONTHS), dow,
        f[2].startsWith("*"), f[4].startsWith("*"), f[1].startsWith("*"));
  }

  private static BitSet field(String field, String what, int min, int max, List<String> names) {
    BitSet bits = new BitSet(max + 1);
    for (String part : field.split(",", -1)) {
      String range = part;
      int step = 1;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        step = number(part.substring(slash + 1), what, 1, max, List.of(), part);
      }
      int lo;
      int hi;
      if (range.equals("*")) {
        lo = min;
        hi = max;
      } else if (range.indexOf('-') > 0) {
        int dash = range.indexOf('-');
        lo = number(range.substring(0, dash), what, min, max, names, part);
        hi = number(range.substring(dash + 1), what, min, max, names, part);
        if (hi < lo) {
          throw new IllegalArgumentException(what + ": range '" + range + "' runs backwards (write " + hi + "-" + lo
              + ", or a list for a wrap-around)");
        }
      } else {
        lo = number(range, what, min, max, names, part);
        // cron(5): "a step after a single number" is not standard; Vixie cron takes N/S as N-max/S.
        hi = slash >= 0 ? max : lo;
      }
      for (int v = lo; v <= hi; v += step) {
        bits.set(v);
      }
    }
    return bits;
  }

  private static int number(String s, String what, int min, int max, List<String> names, String part) {
    int named = names.indexOf(s.toLowerCase(Locale.ROOT));
    if (named >= 0) {
      return named + (names.size() == 12 ? 1 : 0);
    }
    int v;
    try {
      v = Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + ": '" + part + "' is not a number" + (names.isEmpty() ? ""
          : " or a name (" + String.join(", ", names) + ")") + "; allowed: " + min + "-" + max + ", lists (1,15),"
          + " ranges (1-5) and steps (*/10)");
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException(what + ": " + v + " is out of range " + min + "-" + max + " (in '" + part
          + "')");
    }
    return v;
  }

  /** The expression as written. */
  @Override
  public String toString() {
    return text;
  }

  /** Whether {@code date} is one of the days this expression runs on (cron(5)'s day rule). */
  boolean matchesDay(LocalDate date) {
    if (!months.get(date.getMonthValue())) {
      return false;
    }
    boolean dom = daysOfMonth.get(date.getDayOfMonth());
    boolean dow = daysOfWeek.get(date.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : date.getDayOfWeek().getValue());
    if (!domStar && !dowStar) {
      return dom || dow;
    }
    return dom && dow;
  }

  /**
   * The first instant strictly after {@code after} at which this expression fires in {@code zone};
   * empty if it never does (such as {@code 0 0 30 2 *}).
   */
  public Optional<Instant> next(Instant after, ZoneId zone) {
    // From the day before: around a DST change a local day's instants can precede 'after''s local date.
    LocalDate day = LocalDate.ofInstant(after, zone).minusDays(1);
    LocalDate end = day.plusYears(MAX_YEARS);
    for (; !day.isAfter(end); day = day.plusDays(1)) {
      if (!matchesDay(day)) {
        continue;
      }
      // The earliest of the day's candidates: in a repeated hour, a later wall-clock time's first
      // pass comes before an earlier one's second pass. A later day's candidates are all later.
      Instant best = null;
      for (int h = hours.nextSetBit(0); h >= 0; h = hours.nextSetBit(h + 1)) {
        for (int m = minutes.nextSetBit(0); m >= 0; m = minutes.nextSetBit(m + 1)) {
          Optional<Instant> at = fire(LocalDateTime.of(day, LocalTime.of(h, m)), zone, after);
          if (at.isPresent() && (best == null || at.get().isBefore(best))) {
            best = at.get();
          }
        }
      }
      if (best != null) {
        return Optional.of(best);
      }
    }
    return Optional.empty();
  }

  /**
   * The first instant after {@code after} at which a wall-clock time fires, after the DST rules
   * above; empty when it has fired already.
   */
  private Optional<Instant> fire(LocalDateTime local, ZoneId zone, Instant after) {
    List<ZoneOffset> offsets = zone.getRules().getValidOffsets(local);
    if (offsets.isEmpty()) {
      ZoneOffsetTransition gap = zone.getRules().getTransition(local);
      return Optional.of(gap.getInstant()).filter(i -> i.isAfter(after));
    }
    Instant first = local.toInstant(offsets.get(0));
    if (first.isAfter(after)) {
      return Optional.of(first);
    }
    if (offsets.size() == 2 && hourStar) {
      // The repeated hour's second pass, for jobs that run every hour or more often.
      return Optional.of(local.toInstant(offsets.get(1))).filter(i -> i.isAfter(after));
    }
    return Optional.empty();
  }
}
