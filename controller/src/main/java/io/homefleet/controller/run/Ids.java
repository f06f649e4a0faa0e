package io.homefleet.controller.run;

import java.security.SecureRandom;

/** Time-ordered, collision-resistant identifiers for runs and tasks: 12 hex digits of millis + 8 random. */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  public static String next(long nowMillis) {
    return String.format("%012x%08x", nowMillis, RANDOM.nextInt());
  }
}
