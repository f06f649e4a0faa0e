package io.homefleet.agent.status;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import io.homefleet.pki.SecureFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's health, written to {@code <state_dir>/status.json} on every change so
 * {@code homefleet-agent status} (and monitoring) can read it without talking to the process.
 * The file is 0600 like everything in the state dir: readers run as the agent's user (or root),
 * as they must anyway to read the identity {@code status} also checks.
 */
public final class AgentStatus {
  private static final Logger log = LoggerFactory.getLogger(AgentStatus.class);

  /**
   * Health states; everything but CONNECTED, CONNECTING and WAITING needs a person. WAITING is a
   * first boot without its enroll file yet (or with a malformed one; the message says which).
   */
  public enum State { STARTING, WAITING, ENROLLING, CONNECTING, CONNECTED, EXPIRED, REVOKED, REFUSED, STOPPED }

  /** Hears every state change (telemetry counts sessions with it); must be quick and must not throw. */
  @FunctionalInterface
  public interface Listener {
    Listener NONE = (from, to, message) -> { };

    void changed(State from, State to, String message);
  }

  private final Path file;
  private final Listener listener;
  private volatile State state = State.STARTING;

  public AgentStatus(Path stateDir) {
    this(stateDir, Listener.NONE);
  }

  public AgentStatus(Path stateDir, Listener listener) {
    this.file = stateDir.resolve("status.json");
    this.listener = listener;
  }

  public State state() {
    return state;
  }

  public synchronized void set(State s, String host, String controller, String message) {
    State from = state;
    state = s;
    try {
      listener.changed(from, s, message);
    } catch (RuntimeException e) {
      log.warn("status listener failed: {}", e.toString());
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", s.name().toLowerCase(java.util.Locale.ROOT));
    m.put("since", Instant.now().toString());
    m.put("host", host);
    m.put("controller", controller);
    m.put("message", message);
    m.put("pid", ProcessHandle.current().pid());
    try {
      SecureFiles.writePrivate(file, json(m) + "\n");
    } catch (IOException e) {
      log.warn("cannot write {}: {}", file, e.getMessage());
    }
  }

  /**
   * Six flat fields do not need a JSON library: writing them by hand keeps a data binder's
   * classes out of the resident agent.
   */
  static String json(Map<String, Object> fields) {
    StringBuilder b = new StringBuilder("{");
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      if (b.length() > 1) {
        b.append(',');
      }
      quote(b, e.getKey()).append(':');
      Object v = e.getValue();
      if (v == null) {
        b.append("null");
      } else if (v instanceof Number) {
        b.append(v);
      } else {
        quote(b, v.toString());
      }
    }
    return b.append('}').toString();
  }

  private static StringBuilder quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"');
  }

  public static Path file(Path stateDir) {
    return stateDir.resolve("status.json");
  }
}
