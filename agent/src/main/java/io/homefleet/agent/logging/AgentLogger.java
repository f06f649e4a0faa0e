package io.homefleet.agent.logging;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** One logger of {@link AgentLogging}: a level threshold and a line per event on its stream. */
final class AgentLogger extends LegacyAbstractLogger {
  private static final long serialVersionUID = 1L;

  private final int threshold;
  private final String shortName;
  private final transient PrintStream out;

  AgentLogger(String name, Level threshold, PrintStream out) {
    this.name = name;
    this.threshold = threshold.toInt();
    this.shortName = name.substring(name.lastIndexOf('.') + 1);
    this.out = out;
  }

  @Override
  public boolean isTraceEnabled() {
    return Level.TRACE.toInt() >= threshold;
  }

  @Override
  public boolean isDebugEnabled() {
    return Level.DEBUG.toInt() >= threshold;
  }

  @Override
  public boolean isInfoEnabled() {
    return Level.INFO.toInt() >= threshold;
  }

  @Override
  public boolean isWarnEnabled() {
    return Level.WARN.toInt() >= threshold;
  }

  @Override
  public boolean isErrorEnabled() {
    return Level.ERROR.toInt() >= threshold;
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
      Throwable throwable) {
    StringBuilder line = new StringBuilder(96);
    timestamp(line, System.currentTimeMillis());
    line.append(' ').append(level.name()).append(' ').append(shortName).append(" - ")
        .append(MessageFormatter.basicArrayFormat(pattern, arguments)).append('\n');
    synchronized (out) {
      out.print(line);
      if (throwable != null) {
        throwable.printStackTrace(out);
      }
      out.flush();
    }
  }

  /** {@code millis} as {@code 2026-11-27T07:20:00.123Z}: UTC, so no time-zone or locale data is loaded. */
  static void timestamp(StringBuilder to, long millis) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000), 0, ZoneOffset.UTC);
    pad(to, t.getYear(), 4).append('-');
    pad(to, t.getMonthValue(), 2).append('-');
    pad(to, t.getDayOfMonth(), 2).append('T');
    pad(to, t.getHour(), 2).append(':');
    pad(to, t.getMinute(), 2).append(':');
    pad(to, t.getSecond(), 2).append('.');
    pad(to, (int) Math.floorMod(millis, 1000), 3).append('Z');
  }

  private static StringBuilder pad(StringBuilder to, int value, int width) {
    String digits = Integer.toString(value);
    for (int i = digits.length(); i < width; i++) {
      to.append('0');
    }
    return to.append(digits);
  }
}
