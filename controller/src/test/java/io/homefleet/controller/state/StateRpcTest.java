package io.homefleet.controller.state;

import static io.homefleet.controller.testing.ControllerHarness.operator;
import static io.homefleet.controller.testing.ControllerHarness.statusOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.Status.Code;
import io.homefleet.controller.testing.ControllerHarness;
import io.homefleet.controller.testing.ControllerHarness.EnrolledAgent;
import io.homefleet.controller.testing.SessionStream;
import io.homefleet.proto.v1.ApplyStateRequest;
import io.homefleet.proto.v1.ApplyStateResponse;
import io.homefleet.proto.v1.ControllerMessage;
import io.homefleet.proto.v1.GetStateRequest;
import io.homefleet.proto.v1.GetStatusRequest;
import io.homefleet.proto.v1.HostConvergence;
import io.homefleet.proto.v1.ListStateHistoryRequest;
import io.homefleet.proto.v1.OperatorGrpc;
import io.homefleet.proto.v1.RollbackStateRequest;
import io.homefleet.proto.v1.SourceFile;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The state rpcs through a real controller (real TLS, real store): who may call them, and convergence on connect. */
@Timeout(90)
class StateRpcTest {
  @RegisterExtension
  final ControllerHarness controller = new ControllerHarness();

  private static ApplyStateRequest request(String site, String homefleetYml) {
    return ApplyStateRequest.newBuilder().setSource("test")
        .addFiles(SourceFile.newBuilder().setPath("site.yml").setContent(ByteString.copyFromUtf8(site)))
        .addFiles(SourceFile.newBuilder().setPath("homefleet.yml").setContent(ByteString.copyFromUtf8(homefleetYml)))
        .build();
  }

  private static final String SITE = "- hosts: all\n  gather_facts: false\n  tasks:\n    - name: hi\n      ping: {}\n";

  @Test
  void agentCertificate_callingTheStateRpcs_permissionDenied() throws Exception {
    EnrolledAgent web1 = controller.enrollAgent("web1");
    ManagedChannel agent = controller.channel(web1.credentials());
    Map<String, ThrowingCallable> calls = Map.of(
        "ApplyState", () -> operator(agent).applyState(request(SITE, "")),
        "RollbackState", () -> operator(agent).rollbackState(RollbackStateRequest.newBuilder().setVersion("abcd")
            .build()),
        "GetState", () -> operator(agent).getState(GetStateRequest.getDefaultInstance()),
        "ListStateHistory", () -> operator(agent).listStateHistory(ListStateHistoryRequest.getDefaultInstance()),
        "GetStatus", () -> operator(agent).getStatus(GetStatusRequest.getDefaultInstance()));
    for (var c : calls.entrySet()) {
      Status s = statusOf(c.getValue());
      assertThat(s.getCode()).as("agent://web1 calling Operator.%s", c.getKey()).isEqualTo(Code.PERMISSION_DENIED);
    }
    assertThat(controller.operator().listStateHistory(ListStateHistoryRequest.getDefaultInstance()).getEntriesList())
        .as("the refused ApplyState stored nothing").isEmpty();
  }

  @Test
  void apply_invalidIsRefusedWithEveryError_validBecomesCurrent_andAConnectingAgentIsSentItsConvergence()
      throws Exception {
    OperatorGrpc.OperatorBlockingStub op = controller.operator();
    Status refused = statusOf(() -> op.applyState(request(SITE.replace("ping", "pingg"), "mode: x\n")));
    assertThat(refused.getCode()).isEqualTo(Code.INVALID_ARGUMENT);
    assertThat(refused.getDescription()).contains("site.yml:5:7: ", "pingg", "homefleet.yml:1:1: homefleet.yml: "
        + "unknown key 'mode'", "2 errors");
    assertThat(statusOf(() -> op.getState(GetStateRequest.getDefaultInstance())).getCode()).isEqualTo(Code.NOT_FOUND);

    ApplyStateResponse applied = op.applyState(request(SITE, "convergence: {groups: {web: {mode: report}}}\n"));
    assertThat(applied.getUnchanged()).isFalse();
    assertThat(applied.getVersion()).hasSize(64);
    assertThat(op.applyState(request(SITE, "convergence: {groups: {web: {mode: report}}}\n")).getUnchanged()).isTrue();
    assertThat(op.getState(GetStateRequest.newBuilder().setVersion(applied.getVersion().substring(0, 6)).build())
        .getCurrent()).isTrue();

    // web1's role is 'web' (the harness enrolls with role web): report mode, so its convergence is a check.
    EnrolledAgent web1 = controller.enrollAgent("web1");
    try (SessionStream s = controller.openSession(web1.credentials())) {
      s.helloAndAwaitWelcome();
      ControllerMessage m = s.next(Duration.ofSeconds(30));
      while (!m.hasPlay()) {
        m = s.next(Duration.ofSeconds(30));
      }
      assertThat(m.getPlay().getCheckMode()).as("report mode converges in check mode").isTrue();
      assertThat(m.getPlay().getDiff()).isTrue();
      HostConvergence h = op.getStatus(GetStatusRequest.newBuilder().setHost("web1").build()).getHosts(0);
      assertThat(h.getStatus()).isEqualTo("running");
      assertThat(h.getMode()).isEqualTo("report");
    }
  }
}
