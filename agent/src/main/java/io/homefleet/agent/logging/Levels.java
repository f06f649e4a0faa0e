package io.homefleet.agent.logging;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.event.Level;

/**
 * The least severe level each logger writes: the longest configured name prefix wins, else the
 * default. Configured with system properties ({@code JAVA_OPTS} in the agent's launcher):
 * {@code homefleet.log=LEVEL} for the default ({@code info}) and {@code homefleet.log.PREFIX=LEVEL}
 * per prefix; Netty and gRPC write warnings and errors only unless told otherwise.
 */
record Levels(Level fallback, Map<String, Level> byPrefix) {
  static final String PROPERTY = "homefleet.log";

  Levels {
    byPrefix = Map.copyOf(byPrefix);
  }

  static Levels fromSystemProperties() {
    Map<String, Level> prefixes = new TreeMap<>();
    prefixes.put("io.netty", Level.WARN);
    prefixes.put("io.grpc", Level.WARN);
    Level fallback = Level.INFO;
    for (String key : System.getProperties().stringPropertyNames()) {
      if (key.equals(PROPERTY)) {
        fallback = parse(key, System.getProperty(key), fallback);
      } else if (key.startsWith(PROPERTY + ".")) {
        prefixes.put(key.substring(PROPERTY.length() + 1), parse(key, System.getProperty(key), Level.INFO));
      }
    }
    return new Levels(fallback, prefixes);
  }

  /** {@code value} as a level; a bad one is reported once on standard error and {@code otherwise} used. */
  static Level parse(String key, String value, Level otherwise) {
    try {
      return Level.valueOf(value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      System.err.println("homefleet-agent: -D" + key + "=" + value + " is not a log level (trace, debug, info, warn,"
          + " error); using " + otherwise.name().toLowerCase(Locale.ROOT));
      return otherwise;
    }
  }

  /** The least severe level that {@code logger} writes. */
  Level threshold(String logger) {
    Level found = fallback;
    int longest = -1;
    for (Map.Entry<String, Level> e : byPrefix.entrySet()) {
      String prefix = e.getKey();
      boolean matches = logger.equals(prefix) || (logger.startsWith(prefix) && logger.charAt(prefix.length()) == '.');
      if (matches && prefix.length() > longest) {
        longest = prefix.length();
        found = e.getValue();
      }
    }
    return found;
  }
}
