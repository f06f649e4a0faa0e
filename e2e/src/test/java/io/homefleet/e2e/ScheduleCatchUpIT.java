package io.homefleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A schedule that missed several times while the controller was down (SIGKILL) runs once when the
 * controller is back — on the hosts coming back with it, not on none because they had not
 * reconnected yet — and then keeps to its interval. Real controller, CLI and agent processes.
 */
class ScheduleCatchUpIT {
  private static final Duration POLL = Duration.ofMillis(400);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static void write(Path dir, String path, String content) throws Exception {
    Path p = dir.resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  @Test
  void missedTwiceWhileDown_runsOnceWhenTheHostIsBack_thenOnItsInterval(@TempDir Path tmp) throws Exception {
    Path counter = tmp.resolve("counter");
    Path state = tmp.resolve("state");
    write(state, "site.yml", """
        - hosts: all
          gather_facts: false
          tasks:
            - name: nothing to converge
              debug:
                msg: converged
        """);
    write(state, "homefleet.yml", """
        site: site.yml
        convergence:
          interval: 30m
          splay: 0s
        schedules:
          - name: tick
            group: dev
            every: 10s
            task:
              module: shell
              args:
                cmd: date +%s%N >> COUNTER
        """.replace("COUNTER", counter.toString()));

    Files.createDirectories(tmp.resolve("fleet"));
    try (Fleet fleet = new Fleet(tmp.resolve("fleet"))) {
      fleet.init();
      fleet.startController();
      String[] a = fleet.token("agent-a", "dev");
      fleet.startAgent("agent-a", fleet.agentConfig("agent-a", a[0], a[1]));
      fleet.awaitOnline(Duration.ofSeconds(60), "agent-a");
      Fleet.Result applied = fleet.cli("state", "apply", state.toString());
      assertThat(applied.exitCode()).as(applied.all()).isZero();

      await("the schedule's first run").atMost(Duration.ofSeconds(60)).pollInterval(POLL)
          .until(() -> lines(counter) >= 1);
      fleet.killController();
      Instant killed = Instant.now();
      int before = lines(counter);
      // Down for two and a half intervals: two ticks missed.
      Thread.sleep(25_000);
      assertThat(lines(counter)).as("nothing runs while the controller is down").isEqualTo(before);

      Instant restarted = Instant.now();
      fleet.startController();
      await("two runs after the restart").atMost(Duration.ofSeconds(90)).pollInterval(POLL).ignoreExceptions()
          .until(() -> scheduleRunsSince(fleet, restarted).size() >= 2
              && scheduleRunsSince(fleet, restarted).stream().allMatch(r -> !r.path("finished").asText().isEmpty()));
      List<JsonNode> after = scheduleRunsSince(fleet, restarted);
      System.out.println("killed " + killed + ", restarted " + restarted + ", runs since: " + after);
      JsonNode catchUp = after.get(0);
      JsonNode next = after.get(1);
      // The catch-up reached the host (it waited for the agent to reconnect) and succeeded ...
      assertThat(catchUp.path("hosts").asInt()).as("the catch-up ran on the returning host: %s", catchUp).isEqualTo(1);
      assertThat(catchUp.path("state").asText()).isEqualTo("succeeded");
      // ... once, not once per missed tick: the next run keeps to the interval after it.
      Duration gap = Duration.between(Instant.parse(catchUp.path("created").asText()),
          Instant.parse(next.path("created").asText()));
      assertThat(gap).as("catch-up then the next interval, not two catch-ups").isGreaterThan(Duration.ofSeconds(8));
      // Every run that reached the host ran its task exactly once.
      List<JsonNode> all = scheduleRunsSince(fleet, Instant.EPOCH);
      long reached = all.stream().filter(r -> r.path("hosts").asInt() == 1 && !r.path("finished").asText().isEmpty())
          .count();
      await("the counter matches the runs").atMost(Duration.ofSeconds(10)).pollInterval(POLL)
          .until(() -> lines(counter) >= reached);
      assertThat(lines(counter)).isGreaterThanOrEqualTo((int) reached)
          .isLessThanOrEqualTo(all.size());
    }
  }

  private static int lines(Path counter) throws Exception {
    return Files.exists(counter) ? Files.readAllLines(counter).size() : 0;
  }

  /** The schedule's runs created at or after {@code since}, oldest first. */
  private static List<JsonNode> scheduleRunsSince(Fleet fleet, Instant since) throws Exception {
    Fleet.Result r = fleet.cli("runs", "--json", "--limit", "200");
    assertThat(r.exitCode()).as(r.all()).isZero();
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode run : JSON.readTree(r.stdout())) {
      if (run.path("requested_by").asText().equals("homefleet-schedule")
          && !Instant.parse(run.path("created").asText()).isBefore(since)) {
        out.add(run);
      }
    }
    out.sort(Comparator.comparing(run -> Instant.parse(run.path("created").asText())));
    return out;
  }
}
