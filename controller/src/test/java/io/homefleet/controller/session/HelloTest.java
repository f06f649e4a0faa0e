package io.homefleet.controller.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.homefleet.controller.testing.ControllerHarness;
import io.homefleet.controller.testing.ControllerHarness.EnrolledAgent;
import io.homefleet.controller.testing.SessionStream;
import io.homefleet.proto.v1.ControllerMessage;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hello goes through the group commit (the session handler does not wait for the store):
 * the welcome follows only once the hello is stored, and a hello the store refuses ends the
 * session instead of leaving the agent unwelcomed. Real controller, mTLS on loopback, real SQLite.
 */
class HelloTest {
  @RegisterExtension
  final ControllerHarness controller = new ControllerHarness();

  @Test
  void theWelcome_comesOnceTheHelloIsStored() throws Exception {
    EnrolledAgent web1 = controller.enrollAgent("web1");
    SessionStream agent = controller.openSession(web1.credentials());
    agent.helloAndAwaitWelcome();
    // No waiting: the welcome itself says the hello is on disk.
    assertThat(controller.host("web1").getAgentVersion()).isEqualTo("security-test");
  }

  @Test
  void aHelloTheStoreRefuses_endsTheSessionUnavailable_withoutAWelcome() throws Exception {
    EnrolledAgent web1 = controller.enrollAgent("web1");
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + controller.dataDir().resolve("homefleet.db"));
        Statement sql = db.createStatement()) {
      // As a full disk would: a real SQLite error from the real file.
      sql.execute("CREATE TRIGGER refuse_hellos BEFORE UPDATE OF agent_version ON hosts "
          + "BEGIN SELECT RAISE(ABORT, 'database or disk is full (test)'); END");
      SessionStream agent = controller.openSession(web1.credentials());
      agent.hello();
      Status end = agent.awaitEnd(Duration.ofSeconds(30));
      assertThat(end.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(end.getDescription()).contains("cannot store this agent's hello");
      assertThat(agent.received()).extracting(ControllerMessage::getKindCase)
          .doesNotContain(ControllerMessage.KindCase.WELCOME);
    }
  }
}
