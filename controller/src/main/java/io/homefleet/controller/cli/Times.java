package io.homefleet.controller.cli;

import java.time.Instant;

/** Human renderings of times for tables. */
final class Times {
  private Times() {}

  static String ago(long millis, long now) {
    if (millis <= 0) {
      return "never";
    }
    long s = Math.max(0, (now - millis) / 1000);
    if (s < 60) {
      return s + "s ago";
    } else if (s < 3600) {
      return s / 60 + "m ago";
    } else if (s < 86400) {
      return s / 3600 + "h ago";
    }
    return s / 86400 + "d ago";
  }

  static String iso(long millis) {
    return millis <= 0 ? "" : Instant.ofEpochMilli(millis).toString();
  }
}
