package io.homefleet.e2e.netns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
    long until = System.nanoTime() + timeout.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < until) {
      last = show(c, id);
      String state = last.path("state").asText();
      if (!state.equals("running") && !state.equals("queued")) {
        return last;
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
    throw new AssertionError("run " + id + " still open after " + timeout + ": " + last + "\n" + c.logs());
  }
}
