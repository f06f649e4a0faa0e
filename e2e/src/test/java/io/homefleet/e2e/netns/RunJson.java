package io.homefleet.e2e.netns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import io.homefleet.e2e.Waits;
import java.time.Duration;

/** A run as {@code homefleet runs show ID --json} prints it, and waiting for its end. */
final class RunJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunJson() {}

  static JsonNode show(TestController c, String id) {
    CommandResult r = c.cli("runs", "show", id, "--json");
    if (!r.ok()) {
      throw new AssertionError("runs show " + id + " failed: " + r.all());
    }
    try {
      return JSON.readTree(r.stdout());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + r.all(), e);
    }
  }

  /** Polls until the run is neither running nor queued; fails with the controller's logs after {@code timeout}. */
  static JsonNode awaitEnd(TestController c, String id, Duration timeout) {
    JsonNode[] last = {null};
    Waits.until("run " + id + " ended", timeout, Duration.ofMillis(500), null, () -> {
      last[0] = show(c, id);
      String state = last[0].path("state").asText();
      return !state.equals("running") && !state.equals("queued");
    }, () -> last[0] + "\n" + c.logs());
    return last[0];
  }
}
