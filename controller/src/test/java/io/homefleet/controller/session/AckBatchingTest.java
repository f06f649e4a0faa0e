package io.homefleet.controller.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.grpc.stub.StreamObserver;
import io.homefleet.controller.testing.ControllerHarness;
import io.homefleet.controller.testing.ControllerHarness.EnrolledAgent;
import io.homefleet.controller.testing.LogCapture;
import io.homefleet.controller.testing.SessionStream;
import io.homefleet.proto.v1.Ack;
import io.homefleet.proto.v1.AdhocRequest;
import io.homefleet.proto.v1.AgentMessage;
import io.homefleet.proto.v1.ControllerMessage;
import io.homefleet.proto.v1.OperatorGrpc;
import io.homefleet.proto.v1.RunEvent;
import io.homefleet.proto.v1.TaskAssignment;
import io.homefleet.proto.v1.TaskEvent;
import io.homefleet.proto.v1.TaskResult;
import io.homefleet.proto.v1.TaskStatus;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Batched acknowledgements through a real controller (real mTLS on loopback, real SQLite): an
 * agent's result is acknowledged only once it is stored, on the next message to that agent or
 * alone after the delay ({@code -Dhomefleet.ackDelayMillis}), and never when the store refused it.
 * The fake agent is the test's own session stream, so what the controller sends is seen exactly.
 */
class AckBatchingTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  private interface Body {
    void run(ControllerHarness controller, SessionStream agent) throws Exception;
  }

  /**
   * A controller started with {@code ackDelayMillis} (read when its session service is built) and
   * host web1's agent on it, welcomed.
   */
  private static void withController(long ackDelayMillis, Body body) throws Exception {
    System.setProperty("homefleet.ackDelayMillis", Long.toString(ackDelayMillis));
    ControllerHarness controller = new ControllerHarness();
    try {
      controller.beforeEach(null);
      EnrolledAgent web1 = controller.enrollAgent("web1");
      SessionStream agent = controller.openSession(web1.credentials());
      agent.helloAndAwaitWelcome();
      body.run(controller, agent);
    } finally {
      System.clearProperty("homefleet.ackDelayMillis");
      controller.afterEach(null);
    }
  }

  /** Starts an ad-hoc ping on {@code host}; its events land in the returned queue. */
  private static BlockingQueue<RunEvent> ping(ControllerHarness controller, String host) throws Exception {
    BlockingQueue<RunEvent> events = new LinkedBlockingQueue<>();
    OperatorGrpc.newStub(controller.channel(controller.operatorCredentials()))
        .withDeadlineAfter(60, TimeUnit.SECONDS)
        .runAdhoc(AdhocRequest.newBuilder().setTarget(host).setModule("ping").setTimeoutSeconds(30).build(),
            new StreamObserver<>() {
              @Override
              public void onNext(RunEvent e) {
                events.add(e);
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            });
    return events;
  }

  private static void awaitFinished(BlockingQueue<RunEvent> events) throws InterruptedException {
    long until = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < until) {
      RunEvent e = events.poll(50, TimeUnit.MILLISECONDS);
      if (e != null && e.hasFinished()) {
        return;
      }
    }
    fail("the run did not finish within " + WAIT);
  }

  private static AgentMessage ok(TaskAssignment a) {
    return AgentMessage.newBuilder().setTaskEvent(TaskEvent.newBuilder().setTaskId(a.getTaskId())
        .setRunId(a.getRunId()).setResult(TaskResult.newBuilder().setStatus(TaskStatus.OK))).build();
  }

  private static List<String> ids(Ack ack) {
    List<String> ids = new ArrayList<>();
    if (!ack.getTaskId().isEmpty()) {
      ids.add(ack.getTaskId());
    }
    ids.addAll(ack.getTaskIdsList());
    return ids;
  }

  private static List<String> ackedSoFar(SessionStream s) {
    List<String> ids = new ArrayList<>();
    for (ControllerMessage m : s.received()) {
      if (m.hasAck()) {
        ids.addAll(ids(m.getAck()));
      }
      if (m.hasAcks()) {
        ids.addAll(ids(m.getAcks()));
      }
    }
    return ids;
  }

  @Test
  void aStoredResultsAck_ridesOnTheNextTaskToThatAgent_notAlone() throws Exception {
    // The longest delay allowed, so that the second task goes out well before the ack would go alone.
    withController(10_000, (controller, agent) -> {
      BlockingQueue<RunEvent> run1 = ping(controller, "web1");
      ControllerMessage first = agent.next(WAIT);
      assertThat(first.getKindCase()).isEqualTo(ControllerMessage.KindCase.ASSIGN);
      assertThat(first.hasAcks()).as("nothing is owed before the first result").isFalse();
      agent.send(ok(first.getAssign()));
      awaitFinished(run1); // the result is stored: the operator only hears of it after the commit

      ping(controller, "web1");
      ControllerMessage second = agent.next(WAIT);
      assertThat(second.getKindCase()).as("no ack went alone before the next task").isEqualTo(
          ControllerMessage.KindCase.ASSIGN);
      assertThat(ids(second.getAcks())).containsExactly(first.getAssign().getTaskId());
    });
  }

  @Test
  void aResultTheStoreRefused_isNeverAcked_andOnceStoredItsAckGoesAloneAfterTheDelay() throws Exception {
    withController(200, (controller, agent) -> {
      // The store refuses to finish any task, as a full disk would (a real SQLite error in the real file).
      try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + controller.dataDir().resolve("homefleet.db"));
          Statement sql = db.createStatement();
          LogCapture log = new LogCapture()) {
        sql.execute("CREATE TRIGGER refuse_results BEFORE UPDATE OF finished_at ON tasks "
            + "BEGIN SELECT RAISE(ABORT, 'database or disk is full (test)'); END");

        BlockingQueue<RunEvent> run = ping(controller, "web1");
        TaskAssignment task = agent.next(WAIT).getAssign();
        agent.send(ok(task));
        long until = System.nanoTime() + WAIT.toNanos();
        while (!log.text().contains("store write failed") && System.nanoTime() < until) {
          Thread.sleep(20);
        }
        assertThat(log.text()).as("the controller's log").contains("store write failed");
        Thread.sleep(1_000); // five ack delays: an ack owed would have gone out by now
        assertThat(ackedSoFar(agent)).as("acks for a result the store refused").isEmpty();

        // Space is back; the agent offers its unacknowledged result again, as it does every 20 s.
        sql.execute("DROP TRIGGER refuse_results");
        agent.send(ok(task));
        awaitFinished(run);
        ControllerMessage ack = agent.next(WAIT);
        assertThat(ack.getKindCase()).as("with no other message to ride on, the ack goes alone")
            .isEqualTo(ControllerMessage.KindCase.ACK);
        assertThat(ids(ack.getAck())).containsExactly(task.getTaskId());
      }
    });
  }
}
