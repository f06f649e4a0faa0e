package io.homefleet.controller.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.homefleet.controller.testing.ControllerHarness;
import io.homefleet.proto.v1.AdhocRequest;
import io.homefleet.proto.v1.OperatorGrpc;
import io.homefleet.proto.v1.RunEvent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An ad-hoc wipe through a real controller: refused unless the operator names the target twice. */
class WipeConfirmationTest {
  @RegisterExtension
  final ControllerHarness controller = new ControllerHarness();

  private List<RunEvent> run(AdhocRequest.Builder r) throws Exception {
    Iterator<RunEvent> it = OperatorGrpc.newBlockingStub(controller.channel(controller.operatorCredentials()))
        .withDeadlineAfter(30, TimeUnit.SECONDS).runAdhoc(r.setTimeoutSeconds(5).build());
    List<RunEvent> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  @Test
  void adhocWipe_withoutConfirmation_isRefused_namingTheFlag() throws Exception {
    controller.enrollAgent("sandbox-1");
    StatusRuntimeException e = catchThrowableOfType(() -> run(AdhocRequest.newBuilder().setTarget("sandbox-1")
        .setModule("wipe")), StatusRuntimeException.class);
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(e.getStatus().getDescription()).contains("--confirm-wipe sandbox-1");
    // Another target's name is no confirmation.
    e = catchThrowableOfType(() -> run(AdhocRequest.newBuilder().setTarget("all").setModule("wipe")
        .setConfirmWipe("sandbox-1")), StatusRuntimeException.class);
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  @Test
  void adhocWipe_confirmed_orInCheckMode_isSent() throws Exception {
    controller.enrollAgent("sandbox-1");
    // The host is offline: the run ends unreachable, which shows it got past the guard.
    assertThat(run(AdhocRequest.newBuilder().setTarget("sandbox-1").setModule("wipe").setConfirmWipe("sandbox-1")))
        .anySatisfy(ev -> assertThat(ev.hasFinished()).isTrue());
    assertThat(run(AdhocRequest.newBuilder().setTarget("sandbox-1").setModule("wipe").setCheckMode(true)))
        .anySatisfy(ev -> assertThat(ev.hasFinished()).isTrue());
  }
}
