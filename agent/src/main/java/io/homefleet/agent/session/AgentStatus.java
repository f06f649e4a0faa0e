package io.homefleet.agent.session;

import com.fasterxml.jackson.databind.ObjectMapper;
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
 */
public final class AgentStatus {
  private static final Logger log = LoggerFactory.getLogger(AgentStatus.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Health states; everything but CONNECTED and CONNECTING needs a person. */
  public enum State { STARTING, ENROLLING, CONNECTING, CONNECTED, EXPIRED, REVOKED, REFUSED, STOPPED }

  private final Path file;
  private volatile State state = State.STARTING;

  public AgentStatus(Path stateDir) {
    this.file = stateDir.resolve("status.json");
  }

  public State state() {
    return state;
  }

  public synchronized void set(State s, String host, String controller, String message) {
    state = s;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", s.name().toLowerCase(java.util.Locale.ROOT));
    m.put("since", Instant.now().toString());
    m.put("host", host);
    m.put("controller", controller);
    m.put("message", message);
    m.put("pid", ProcessHandle.current().pid());
    try {
      SecureFiles.writePublic(file, JSON.writeValueAsString(m) + "\n");
    } catch (IOException e) {
      log.warn("cannot write {}: {}", file, e.getMessage());
    }
  }

  public static Path file(Path stateDir) {
    return stateDir.resolve("status.json");
  }
}
