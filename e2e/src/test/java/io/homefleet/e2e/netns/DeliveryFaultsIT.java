package io.homefleet.e2e.netns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.homefleet.e2e.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery fault cases of docs/SECURITY-AND-FAULTS (18, 19, 20, 21, 22, 25, 26), each its own
 * test with a real controller process and real agents in network namespaces. Every task appends
 * its run id to a counter file on its host before it sleeps; each test ends by checking that
 * every run's line is there exactly once: no task ran twice, whatever was killed or cut.
 */
class DeliveryFaultsIT {
  /**
   * A shell task that records that it ran in its host's counter file and then takes
   * {@code seconds}. The same text works on every host: each agent has its own root dir.
   */
  private static String counted(String tag, int seconds) {
    return "echo " + tag + " >> \"$" + TestHost.ROOT_ENV + "/counter\"; sleep " + seconds + "; echo done-" + tag;
  }

  private static List<String> counter(TestHost h) {
    try {
      Path f = h.root().resolve("counter");
      return Files.exists(f) ? Files.readAllLines(f) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String detached(TestController c, String target, String shell, String... extra) {
    List<String> args = new ArrayList<>(List.of("run", target, "-m", "shell", "-a", shell, "--detach"));
    args.addAll(List.of(extra));
    CommandResult r = c.cli(args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.all()).isZero();
    return r.stdout().strip();
  }

  private static JsonNode run(TestController c, String id) {
    return RunJson.show(c, id);
  }


  private static JsonNode awaitRunEnd(TestController c, String id, Duration timeout) {
    return RunJson.awaitEnd(c, id, timeout);
  }


  /** Waits until the run's task on {@code host} is in {@code state} (a late result may replace an earlier one). */
  private static JsonNode awaitHostState(TestController c, String id, String host, String state, Duration timeout) {
    JsonNode[] last = {null};
    Waits.until("run " + id + ": " + host + " " + state, timeout, Duration.ofMillis(500), null, () -> {
      last[0] = run(c, id);
      return hostState(last[0], host).equals(state);
    }, () -> last[0] + "\n" + c.logs());
    return last[0];
  }

  private static void awaitLines(TestHost h, int n, Duration timeout) {
    Waits.until(h.name() + ": " + n + " counter line(s)", timeout, Duration.ofMillis(100), null,
        () -> counter(h).size() >= n,
        () -> "counter has " + counter(h) + "\n" + (Files.exists(h.agentLog()) ? Files.readString(h.agentLog())
            : "(no agent log)"));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static String hostState(JsonNode run, String host) {
    return run.path("hosts").path(host).path("status").asText();
  }

  /**
   * A shell task that records {@code tag} in its host's counter file, waits (bounded) until the
   * file {@code gate} exists under the host's root, and records {@code tag-end}: work that holds
   * its host's lane until the test lets it go, with no timing in the test.
   */
  private static String gated(String tag, String gate) {
    String root = "\"$" + TestHost.ROOT_ENV + "\"";
    return "echo " + tag + " >> " + root + "/counter; i=0; while [ ! -e " + root + "/" + gate + " ] && [ $i -lt 600 ]; "
        + "do sleep 0.2; i=$((i+1)); done; echo " + tag + "-end >> " + root + "/counter";
  }

  /** A one-play playbook on every enrolled host running {@code shell} (plus {@code padding} bytes of comment). */
  private static Path playbook(Path dir, String shell, int padding) throws IOException {
    Files.createDirectories(dir);
    Path pb = dir.resolve("site.yml");
    Files.writeString(pb, "- name: lane\n  hosts: all\n  gather_facts: false\n  tasks:\n    - name: in the lane\n"
        + "      shell: |\n        " + shell + "\n" + (padding > 0 ? "        # " + "x".repeat(padding) + "\n" : ""));
    return pb;
  }

  /** Runs {@code homefleet play} on a thread of its own (the CLI waits for the run to end). */
  private static CompletableFuture<CommandResult> playInBackground(TestController c, Path pb) {
    return CompletableFuture.supplyAsync(() -> c.cli("play", pb.toString()), r -> {
      Thread t = new Thread(r, "play-cli");
      t.setDaemon(true);
      t.start();
    });
  }

  private static void awaitLog(TestController c, String text, Duration timeout) {
    Waits.until("'" + text + "' in the logs", timeout, Duration.ofMillis(200), null, () -> c.logs().contains(text),
        c::logs);
  }

  private static void awaitAgentLog(TestHost h, String text, Duration timeout) {
    Waits.until("'" + text + "' in " + h.agentLog(), timeout, Duration.ofMillis(200), null,
        () -> Files.readString(h.agentLog()).contains(text), () -> Files.readString(h.agentLog()));
  }

  private static void touch(Path f) throws IOException {
    Files.writeString(f, "go\n");
  }


  /** Enrolls each host and waits until all are online; returns the CA fingerprint for restarts. */
  private static String enrollAll(TestHosts net, TestController c) {
    String fp = null;
    for (TestHost h : net.hosts()) {
      TestController.Enrollment e = c.token(h.name(), "sandbox");
      fp = e.caFingerprint();
      h.startAgent(c.address(), e.token(), e.caFingerprint(), Map.of());
    }
    c.awaitStatus(Duration.ofSeconds(90), "online", net.hosts().stream().map(TestHost::name).toArray(String[]::new));
    return fp;
  }

  // 18: controller killed in the middle of a run.
  @Test
  void controllerKilledMidRun_unfinishedWorkIsResent_finishedWorkNotRepeated(@TempDir Path tmp) {
    try (TestHosts net = TestHosts.create(tmp, "fault18-a", "fault18-b");
        TestController c = TestController.start(net, tmp.resolve("controller"))) {
      enrollAll(net, c);
      TestHost a = net.host("fault18-a");
      TestHost b = net.host("fault18-b");
      // First runs on both hosts; the second waits in the store behind it on host a (one run per host).
      String first = detached(c, "sandbox", counted("first", 12));
      String second = detached(c, "fault18-a", counted("second", 1));
      awaitLines(a, 1, Duration.ofSeconds(20));
      awaitLines(b, 1, Duration.ofSeconds(20));
      assertThat(hostState(run(c, second), "fault18-a")).isEqualTo("queued");

      c.killServer();
      sleep(14_000); // the first tasks finish while the controller is dead: their results wait in the journals
      c.startServer();

      JsonNode f = awaitRunEnd(c, first, Duration.ofSeconds(60));
      assertThat(f.path("state").asText()).as(f.toString()).isEqualTo("succeeded");
      assertThat(hostState(f, "fault18-a")).isEqualTo("changed");
      assertThat(f.path("hosts").path("fault18-b").path("stdout").asText()).contains("done-first");
      JsonNode s = awaitRunEnd(c, second, Duration.ofSeconds(60));
      assertThat(s.path("state").asText()).as(s.toString()).isEqualTo("succeeded");
      assertThat(counter(a)).containsExactly("first", "second");
      assertThat(counter(b)).containsExactly("first");
    }
  }

  // 19: agent killed after doing a task, before its result was acknowledged.
  @Test
  void agentKilledBeforeItsResultWasAcknowledged_resultReplayedFromJournal_notRerun(@TempDir Path tmp)
      throws Exception {
    try (TestHosts net = TestHosts.create(tmp, "fault19");
        TestController c = TestController.start(net, tmp.resolve("controller"))) {
      String fp = enrollAll(net, c);
      TestHost h = net.host("fault19");
      String id = detached(c, "fault19", counted("once", 3));
      awaitLines(h, 1, Duration.ofSeconds(20));
      h.cut(); // the result cannot reach the controller ...
      awaitAgentLog(h, "finished: CHANGED", Duration.ofSeconds(30));
      h.agent().orElseThrow().destroyForcibly().waitFor(); // ... and the agent dies with it unacknowledged
      h.restore();
      h.startAgent(c.address(), null, fp, Map.of());

      // The controller called the host unreachable when its stream dropped (no queue time, as
      // ansible does); the journaled result, replayed after the restart, replaces that.
      awaitHostState(c, id, "fault19", "changed", Duration.ofSeconds(60));
      JsonNode r = awaitRunEnd(c, id, Duration.ofSeconds(10));
      assertThat(r.path("state").asText()).as(r.toString()).isEqualTo("succeeded");
      assertThat(r.path("hosts").path("fault19").path("stdout").asText()).contains("done-once");
      assertThat(counter(h)).containsExactly("once");
      awaitAgentLog(h, "re-sending 1 unacknowledged result", Duration.ofSeconds(10));
    }
  }

  // 19, the other half: an agent killed while the task runs does not run it again after restart.
  @Test
  void agentKilledMidTask_taskIsReportedInterrupted_notRunAgain(@TempDir Path tmp) throws Exception {
    try (TestHosts net = TestHosts.create(tmp, "fault19b");
        TestController c = TestController.start(net, tmp.resolve("controller"))) {
      String fp = enrollAll(net, c);
      TestHost h = net.host("fault19b");
      String id = detached(c, "fault19b", counted("once", 30));
      awaitLines(h, 1, Duration.ofSeconds(20));
      h.agent().orElseThrow().destroyForcibly().waitFor();
      h.startAgent(c.address(), null, fp, Map.of());

      JsonNode r = awaitHostState(c, id, "fault19b", "failed", Duration.ofSeconds(60));
      assertThat(r.path("state").asText()).isEqualTo("failed");
      assertThat(r.path("hosts").path("fault19b").path("msg").asText()).contains("agent stopped", "not started again");
      sleep(2_000);
      assertThat(counter(h)).containsExactly("once");
    }
  }

  // 20: the link is cut mid-run; both ends notice; the agent comes back and the run completes.
  @Test
  void linkCutMidRun_agentReconnects_runCompletesWithTheRealResult(@TempDir Path tmp) {
    try (TestHosts net = TestHosts.create(tmp, "fault20");
        TestController c = TestController.start(net, tmp.resolve("controller"))) {
      enrollAll(net, c);
      TestHost h = net.host("fault20");
      // With a queue time the task stays open across the cut (without one it would be unreachable
      // at once, ansible-style, and replaced by the late result: NetnsHostsIT, the test above).
      String id = detached(c, "fault20", counted("cut", 3), "--queue-for", "5m");
      awaitLines(h, 1, Duration.ofSeconds(20));
      h.cut();
      c.awaitStatus(Duration.ofSeconds(30), "offline", "fault20"); // the controller noticed (keepalive)
      assertThat(run(c, id).path("state").asText()).as("still open: the host may come back").isEqualTo("running");
      h.restore();
      c.awaitStatus(Duration.ofSeconds(40), "online", "fault20"); // the agent noticed and reconnected

      JsonNode r = awaitRunEnd(c, id, Duration.ofSeconds(60));
      assertThat(r.path("state").asText()).as(r.toString()).isEqualTo("succeeded");
      assertThat(r.path("hosts").path("fault20").path("stdout").asText()).contains("done-cut");
      assertThat(counter(h)).containsExactly("cut");
    }
  }

  // 21: a black-holed connection (packets dropped, no RST): keepalive finds it, the session is freed.
  @Test
  void blackholedConnection_hostMarkedOfflineAndSessionFreed(@TempDir Path tmp) {
    try (TestHosts net = TestHosts.create(tmp, "fault21");
        TestController c = TestController.start(net, tmp.resolve("controller"))) {
      enrollAll(net, c);
      TestHost h = net.host("fault21");
      // The host's bridge port stops forwarding (STP state "disabled"): both links stay up, no RST,
      // no carrier loss; every frame is silently dropped.
      CommandResult drop = Commands.run(Duration.ofSeconds(10), "bridge", "link", "set", "dev", h.rootSideLink(),
          "state", "0");
      assertThat(drop.ok()).as("bridge link set state 0: " + drop.all()).isTrue();
      try {
        c.awaitStatus(Duration.ofSeconds(30), "offline", "fault21");
        CommandResult r = c.cli("run", "fault21", "-m", "command", "-a", "true");
        assertThat(r.exitCode()).as(r.all()).isEqualTo(4);
        assertThat(r.stdout()).contains("UNREACHABLE");
      } finally {
        Commands.run(Duration.ofSeconds(10), "bridge", "link", "set", "dev", h.rootSideLink(), "state", "3");
      }
      c.awaitStatus(Duration.ofSeconds(60), "online", "fault21");
      CommandResult r = c.cli("run", "fault21", "-m", "command", "-a", "true");
      assertThat(r.exitCode()).as(r.all()).isZero();
    }
  }

  // 22: a stalled agent (SIGSTOP): its work waits in the store, one task out at a time; all of it runs, once, in order.
  @Test
  void stalledAgent_workWaitsInTheStore_thenRunsOnceInOrder(@TempDir Path tmp) throws Exception {
    try (TestHosts net = TestHosts.create(tmp, "fault22");
        TestController c = TestController.start(net, tmp.resolve("controller"))) {
      enrollAll(net, c);
      TestHost h = net.host("fault22");
      long pid = h.agent().orElseThrow().pid();
      List<Long> pids = new ArrayList<>(List.of(pid));
      h.agent().orElseThrow().descendants().forEach(p -> pids.add(p.pid()));
      for (long p : pids) {
        Commands.run(Duration.ofSeconds(5), "kill", "-STOP", Long.toString(p));
      }
      List<String> ids = new ArrayList<>();
      String big = "x".repeat(64 * 1024);
      try {
        for (int i = 0; i < 12; i++) {
          ids.add(detached(c, "fault22", counted("n" + i, 0) + " # " + big, "--queue-for", "5m"));
        }
        JsonNode last = run(c, ids.get(ids.size() - 1));
        assertThat(hostState(last, "fault22")).isEqualTo("queued");
        int out = 0;
        for (String id : ids) {
          String st = hostState(run(c, id), "fault22");
          assertThat(st).isIn("queued", "sent");
          out += st.equals("sent") ? 1 : 0;
        }
        assertThat(out).as("one task out to the stalled host, the rest in the store").isLessThanOrEqualTo(1);
      } finally {
        for (long p : pids) {
          Commands.run(Duration.ofSeconds(5), "kill", "-CONT", Long.toString(p));
        }
      }
      for (String id : ids) {
        JsonNode r = awaitRunEnd(c, id, Duration.ofSeconds(90));
        assertThat(r.path("state").asText()).as(r.toString()).isEqualTo("succeeded");
      }
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        expected.add("n" + i);
      }
      assertThat(counter(h)).containsExactlyElementsOf(expected);
    }
  }

  // One run per host at a time, whatever its kind: a play's part and ad-hoc tasks take turns in
  // the host's lane in the order they came, each waiting (ad-hoc tasks queued in the store, the
  // play saying so) while another holds it; the play's plan (over 64 KiB) is sent only when its
  // turn comes. Each piece runs once.
  @Test
  void playAndAdhoc_onOneHost_takeTurnsInTheHostsLane(@TempDir Path tmp) throws Exception {
    try (TestHosts net = TestHosts.create(tmp, "lanes-1");
        TestController c = TestController.start(net, tmp.resolve("controller"))) {
      enrollAll(net, c);
      TestHost h = net.host("lanes-1");
      Path pb = playbook(tmp.resolve("pb"), gated("play", "go-play"), 64 * 1024);

      // A play's part holds the lane: an ad-hoc run waits in the store until it ends.
      CompletableFuture<CommandResult> play = playInBackground(c, pb);
      awaitLines(h, 1, Duration.ofSeconds(60));
      String adhoc = detached(c, "lanes-1", counted("adhoc", 0));
      assertThat(hostState(run(c, adhoc), "lanes-1")).as("waits behind the play's part").isEqualTo("queued");
      assertThat(counter(h)).containsExactly("play");
      touch(h.root().resolve("go-play"));
      CommandResult p = play.get(120, TimeUnit.SECONDS);
      assertThat(p.exitCode()).as(p.all()).isZero();
      JsonNode a = awaitRunEnd(c, adhoc, Duration.ofSeconds(60));
      assertThat(a.path("state").asText()).as(a.toString()).isEqualTo("succeeded");
      assertThat(counter(h)).containsExactly("play", "play-end", "adhoc");

      // An ad-hoc task holds the lane: a play waits and says so; ad-hoc runs started after the
      // play wait behind it.
      String first = detached(c, "lanes-1", gated("adhoc2", "go-adhoc"));
      awaitLines(h, 4, Duration.ofSeconds(60));
      CompletableFuture<CommandResult> play2 = playInBackground(c, pb);
      awaitLog(c, "waiting: lanes-1 is busy with run " + first, Duration.ofSeconds(60));
      List<String> later = new ArrayList<>();
      for (int i = 1; i <= 2; i++) {
        later.add(detached(c, "lanes-1", counted("a" + i, 0), "--queue-for", "5m"));
      }
      for (String id : later) {
        assertThat(hostState(run(c, id), "lanes-1")).as("queued behind the waiting play").isEqualTo("queued");
      }
      assertThat(counter(h)).as("the play waits for the ad-hoc task").hasSize(4);
      assertThat(play2).isNotDone();
      touch(h.root().resolve("go-adhoc"));
      CommandResult p2 = play2.get(120, TimeUnit.SECONDS);
      assertThat(p2.exitCode()).as(p2.all()).isZero();
      assertThat(p2.stdout()).contains("waiting: lanes-1 is busy with run " + first);
      for (String id : later) {
        JsonNode r = awaitRunEnd(c, id, Duration.ofSeconds(60));
        assertThat(r.path("state").asText()).as(r.toString()).isEqualTo("succeeded");
      }
      assertThat(counter(h)).containsExactly("play", "play-end", "adhoc", "adhoc2", "adhoc2-end", "play", "play-end",
          "a1", "a2");
    }
  }

  // 25: an offline host gets its queued work when it returns; work queued too briefly expires.
  @Test
  void offlineHost_getsQueuedWorkWhenBack_orItExpires(@TempDir Path tmp) throws Exception {
    try (TestHosts net = TestHosts.create(tmp, "fault25");
        TestController c = TestController.start(net, tmp.resolve("controller"))) {
      String fp = enrollAll(net, c);
      TestHost h = net.host("fault25");
      h.stopAgent();
      c.awaitStatus(Duration.ofSeconds(30), "offline", "fault25");

      CommandResult now = c.cli("run", "fault25", "-m", "command", "-a", "true");
      assertThat(now.exitCode()).as("no queue time: unreachable at once, as with ansible").isEqualTo(4);
      String expires = detached(c, "fault25", counted("expired", 0), "--queue-for", "2s");
      String waits = detached(c, "fault25", counted("delivered", 0), "--queue-for", "5m");
      JsonNode e = awaitRunEnd(c, expires, Duration.ofSeconds(20));
      assertThat(hostState(e, "fault25")).isEqualTo("expired");
      assertThat(e.path("hosts").path("fault25").path("msg").asText()).contains("did not connect in time");
      assertThat(hostState(run(c, waits), "fault25")).isEqualTo("queued");

      h.startAgent(c.address(), null, fp, Map.of());
      JsonNode w = awaitRunEnd(c, waits, Duration.ofSeconds(60));
      assertThat(w.path("state").asText()).as(w.toString()).isEqualTo("succeeded");
      assertThat(counter(h)).containsExactly("delivered");
    }
  }

  // Cancel: a queued task never runs; a running one is stopped and reported.
  @Test
  void cancel_stopsTheRunningTaskAndDropsTheQueuedOne(@TempDir Path tmp) {
    try (TestHosts net = TestHosts.create(tmp, "cancel-1");
        TestController c = TestController.start(net, tmp.resolve("controller"))) {
      enrollAll(net, c);
      TestHost h = net.host("cancel-1");
      String running = detached(c, "cancel-1", counted("long", 60));
      String queued = detached(c, "cancel-1", counted("never", 0));
      awaitLines(h, 1, Duration.ofSeconds(20));
      CommandResult cq = c.cli("runs", "cancel", queued);
      assertThat(cq.exitCode()).as(cq.all()).isZero();
      CommandResult cr = c.cli("runs", "cancel", running);
      assertThat(cr.exitCode()).as(cr.all()).isZero();
      assertThat(awaitRunEnd(c, queued, Duration.ofSeconds(20)).path("state").asText()).isEqualTo("cancelled");
      JsonNode r = awaitRunEnd(c, running, Duration.ofSeconds(30));
      assertThat(r.path("state").asText()).isEqualTo("cancelled");
      assertThat(hostState(r, "cancel-1")).isEqualTo("cancelled");
      CommandResult again = c.cli("runs", "cancel", running);
      assertThat(again.exitCode()).isEqualTo(1);
      assertThat(again.stderr()).contains("already ended");
      assertThat(counter(h)).containsExactly("long");
    }
  }
}
