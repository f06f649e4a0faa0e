package io.homefleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plays delivered as ad-hoc runs are, with the packaged controller and two agents on loopback:
 * {@code play --queue-for} reaches a host whose agent starts later, and expires for one that does
 * not; {@code runs cancel} stops a play's running task (its process is gone) and the host parts of
 * later batches never start; a recap that arrives after the controller was SIGKILLed mid-play and
 * restarted is stored ({@code runs show} gives it).
 */
class PlayDeliveryIT {
  private static final Pattern RUN_ID = Pattern.compile("\"id\" : \"([0-9a-f]+)\"");

  @Test
  void plays_queueForOfflineHosts_cancel_andKeepRecapsThatArriveAfterARestart(@TempDir Path tmp) throws Exception {
    Path out = Files.createDirectories(tmp.resolve("out"));
    Path pb = Files.createDirectories(tmp.resolve("pb"));
    Files.writeString(pb.resolve("deliver.yml"), """
        - hosts: all
          gather_facts: false
          tasks:
            - copy: {content: "delivered\\n", dest: "%s/delivered-{{ inventory_hostname }}.txt"}
        """.formatted(out));
    // A sleep no other process on the machine runs, so that the test can tell it is gone.
    String sleep = "59." + ThreadLocalRandom.current().nextInt(100_000, 999_999);
    Files.writeString(pb.resolve("long.yml"), """
        - hosts: all
          gather_facts: false
          serial: 1
          tasks:
            - command: sleep %s
        """.formatted(sleep));
    Files.writeString(pb.resolve("slow.yml"), """
        - hosts: agent-a
          gather_facts: false
          tasks:
            - command: sleep 6
            - copy: {content: "late\\n", dest: "%s/late.txt"}
        """.formatted(out));

    Files.createDirectories(tmp.resolve("fleet"));
    try (Fleet fleet = new Fleet(tmp.resolve("fleet"))) {
      fleet.init();
      fleet.startController();
      String[] a = fleet.token("agent-a", "dev");
      String[] b = fleet.token("agent-b", "dev");
      fleet.startAgent("agent-a", fleet.agentConfig("agent-a", a[0], a[1]));
      fleet.startAgent("agent-b", fleet.agentConfig("agent-b", b[0], b[1]));
      fleet.awaitOnline(Duration.ofSeconds(60), "agent-a", "agent-b");
      Path agentB = fleet.agentConfig("agent-b", null, b[1]);

      // --queue-for: agent-b is down when the play starts; its part waits, and runs once it is back.
      fleet.stopAgent("agent-b");
      awaitState(fleet, "agent-b", "offline");
      Path queuedOut = tmp.resolve("queued.out");
      Process queued = fleet.cliInBackground(queuedOut, "play", pb.resolve("deliver.yml").toString(), "--limit",
          "agent-b", "--queue-for", "2m");
      String queuedRun = awaitPart(fleet, null, "agent-b", "queued");
      fleet.startAgent("agent-b", agentB);
      assertThat(queued.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(queuedOut)).isTrue();
      assertThat(queued.exitValue()).as(Files.readString(queuedOut)).isZero();
      assertThat(Files.readString(queuedOut)).contains("changed: [agent-b]");
      assertThat(out.resolve("delivered-agent-b.txt")).hasContent("delivered");
      assertThat(show(fleet, queuedRun)).contains("\"state\" : \"succeeded\"");

      // ... and expires when the host does not come back in time.
      fleet.awaitOnline(Duration.ofSeconds(60), "agent-b");
      fleet.stopAgent("agent-b");
      awaitState(fleet, "agent-b", "offline");
      Fleet.Result expired = fleet.cli("play", pb.resolve("deliver.yml").toString(), "--limit", "agent-b",
          "--queue-for", "2s");
      assertThat(expired.exitCode()).as(expired.all()).isEqualTo(4);
      assertThat(expired.stdout()).contains("fatal: [agent-b]: UNREACHABLE!", "did not connect in time");
      String expiredRun = newestRun(fleet);
      assertThat(show(fleet, expiredRun)).containsPattern(part("agent-b", "expired"));

      // runs cancel: the running task's process stops, the second batch's host never starts.
      fleet.startAgent("agent-b", agentB);
      fleet.awaitOnline(Duration.ofSeconds(60), "agent-a", "agent-b");
      Path longOut = tmp.resolve("long.out");
      Process longPlay = fleet.cliInBackground(longOut, "play", pb.resolve("long.yml").toString());
      awaitSleep(sleep, true);
      String longRun = newestRun(fleet);
      Fleet.Result cancel = fleet.cli("runs", "cancel", longRun);
      assertThat(cancel.exitCode()).as(cancel.all()).isZero();
      assertThat(cancel.stdout()).contains("run " + longRun + ": cancel requested");
      assertThat(longPlay.waitFor(30, TimeUnit.SECONDS)).as(Files.readString(longOut)).isTrue();
      awaitSleep(sleep, false);
      String cancelled = show(fleet, longRun);
      System.out.println(Files.readString(longOut));
      assertThat(cancelled).contains("\"state\" : \"cancelled\"").containsPattern("\"state\" : \"cancelled\",\\s*\"msg\" : "
          + "\"cancelled by [^\"]* while it ran\"");
      assertThat(Pattern.compile("\"id\" : \"" + longRun + "-p0-").matcher(cancelled).results().count())
          .as("one host part only: the other batch never started\n%s", cancelled).isEqualTo(1);
      Fleet.Result again = fleet.cli("runs", "cancel", longRun);
      assertThat(again.exitCode()).as(again.all()).isEqualTo(1);
      assertThat(again.all()).contains("already ended: cancelled");

      // The controller is SIGKILLed while agent-a runs a play; restarted, it stores the recap the agent resends.
      Process slow = fleet.cliInBackground(tmp.resolve("slow.out"), "play", pb.resolve("slow.yml").toString());
      String slowRun = awaitPart(fleet, null, "agent-a", "sent");
      fleet.killController();
      slow.waitFor(10, TimeUnit.SECONDS);
      fleet.startController();
      awaitPart(fleet, slowRun, "agent-a", "changed");
      // Stored by the late path: the restarted controller had closed the part as unreachable.
      Fleet.waitForLog(fleet.dir.resolve("controller.log"), "late recap for play " + slowRun + "-p0-agent-a from "
          + "agent-a: recorded (changed)", Duration.ofSeconds(5), null);
      assertThat(out.resolve("late.txt")).hasContent("late");
      String late = show(fleet, slowRun);
      assertThat(late).containsPattern("\"host\" : \"agent-a\",\\s*\"ok\" : 2,\\s*\"changed\" : 2");
      Fleet.Result text = fleet.cli("runs", "show", slowRun);
      System.out.println(text.stdout());
      assertThat(text.stdout()).contains("play 0 agent-a", "ok=2 changed=2 unreachable=0 failed=0");
    }
  }

  private static String part(String host, String state) {
    return "\"host\" : \"" + host + "\",\\s*\"state\" : \"" + state + "\"";
  }

  private static String newestRun(Fleet fleet) throws Exception {
    Fleet.Result runs = fleet.cli("runs", "--json");
    Matcher m = RUN_ID.matcher(runs.stdout());
    assertThat(m.find()).as(runs.all()).isTrue();
    return m.group(1);
  }

  private static String show(Fleet fleet, String runId) throws Exception {
    Fleet.Result r = fleet.cli("runs", "show", runId, "--json");
    assertThat(r.exitCode()).as(r.all()).isZero();
    return r.stdout();
  }

  /** Waits until the run ({@code null}: the newest) has {@code host}'s part in {@code state}; returns the run's id. */
  private static String awaitPart(Fleet fleet, String runId, String host, String state) {
    String[] found = {null, ""};
    Waits.until(host + "'s part " + state, Duration.ofSeconds(40), Duration.ofMillis(300), null, () -> {
      Matcher m = RUN_ID.matcher(fleet.cli("runs", "--json").stdout());
      String id = runId != null ? runId : m.find() ? m.group(1) : null;
      if (id == null) {
        return false;
      }
      Fleet.Result r = fleet.cli("runs", "show", id, "--json");
      found[1] = r.all();
      found[0] = id;
      return Pattern.compile(part(host, state)).matcher(r.stdout()).find();
    }, () -> found[1] + "\n" + fleet.logs());
    return found[0];
  }

  private static void awaitState(Fleet fleet, String host, String status) {
    Waits.until(host + " " + status, Duration.ofSeconds(30), Duration.ofMillis(300), null,
        () -> Pattern.compile(Pattern.quote(host) + "\\s+\\S+\\s+" + status).matcher(fleet.cli("hosts").stdout()).find(),
        () -> fleet.cli("hosts").all());
  }

  /** Waits until a process runs {@code sleep SECONDS} (or, with {@code running} false, none does). */
  private static void awaitSleep(String seconds, boolean running) {
    Waits.until("sleep " + seconds + (running ? " running" : " gone"), Duration.ofSeconds(30),
        Duration.ofMillis(100), null, () -> ProcessHandle.allProcesses().anyMatch(h -> h.info().commandLine()
            .map(c -> c.endsWith("sleep " + seconds)).orElse(false)) == running, () -> "");
  }
}
