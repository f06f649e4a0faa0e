package io.homefleet.controller.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.homefleet.controller.testing.ControllerHarness;
import io.homefleet.proto.v1.AdhocRequest;
import io.homefleet.proto.v1.AgentMessage;
import io.homefleet.proto.v1.AgentSessionGrpc;
import io.homefleet.proto.v1.ControllerMessage;
import io.homefleet.proto.v1.GetRunRequest;
import io.homefleet.proto.v1.Hello;
import io.homefleet.proto.v1.RunDetail;
import io.homefleet.proto.v1.RunState;
import io.homefleet.proto.v1.TaskEvent;
import io.homefleet.proto.v1.TaskResult;
import io.homefleet.proto.v1.TaskStatus;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Flow control by gRPC readiness, against a real controller over TLS: an agent that stops
 * reading its stream (it asks gRPC for no more messages and keeps a small receive window) while it
 * stays connected gets no new work while the controller's send buffer for it is full, even once its
 * lane is free; the work waits in the store and goes out when the agent reads again.
 */
class FlowControlTest {
  @RegisterExtension final ControllerHarness controller = new ControllerHarness();

  /** The agent's end: delivers only the messages the test asks for. */
  private static final class SlowAgent implements ClientResponseObserver<AgentMessage, ControllerMessage> {
    final BlockingQueue<ControllerMessage> inbox = new LinkedBlockingQueue<>();
    final CompletableFuture<ClientCallStreamObserver<AgentMessage>> out = new CompletableFuture<>();

    @Override
    public void beforeStart(ClientCallStreamObserver<AgentMessage> requests) {
      requests.disableAutoRequestWithInitial(1); // the welcome, then nothing until asked
      out.complete(requests);
    }

    @Override
    public void onNext(ControllerMessage value) {
      inbox.add(value);
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}

    ControllerMessage next() throws InterruptedException {
      ControllerMessage m = inbox.poll(10, TimeUnit.SECONDS);
      assertThat(m).as("a message from the controller within 10 s").isNotNull();
      return m;
    }

    synchronized void send(AgentMessage m) {
      out.join().onNext(m);
    }
  }

  private String startRun(String shell) throws Exception {
    var events = controller.operator().runAdhoc(AdhocRequest.newBuilder().setTarget("slow").setModule("shell")
        .setRawArgs(shell).setTimeoutSeconds(600).setQueueForSeconds(600).setDetach(true).build());
    String id = events.next().getRunId();
    events.forEachRemaining(e -> { });
    return id;
  }

  private RunDetail run(String id) throws Exception {
    return controller.operator().getRun(GetRunRequest.newBuilder().setId(id).build());
  }

  private RunDetail awaitRun(String id, Predicate<RunDetail> until) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    RunDetail r = run(id);
    while (!until.test(r) && System.nanoTime() < end) {
      Thread.sleep(50);
      r = run(id);
    }
    assertThat(until.test(r)).as("run %s: %s", id, r).isTrue();
    return r;
  }

  @Test
  void agentNotReading_freeLaneIsNotGranted_untilItReadsAgain() throws Exception {
    var agent = controller.enrollAgent("slow");
    // A fixed 64 KiB receive window (no auto-tuning): what the agent does not read stays in the controller.
    ManagedChannel ch = controller.channel(agent.credentials(), b -> b.flowControlWindow(64 * 1024));
    SlowAgent slow = new SlowAgent();
    AgentSessionGrpc.newStub(ch).connect(slow);
    slow.send(AgentMessage.newBuilder().setHello(Hello.newBuilder().setAgentVersion("flow-test")).build());
    assertThat(slow.next().getKindCase()).isEqualTo(ControllerMessage.KindCase.WELCOME);

    // The first run's task (256 KiB of arguments) is sent and sticks in the controller's buffers.
    String first = startRun("true # " + "x".repeat(256 * 1024));
    String second = startRun("echo second");
    awaitRun(first, r -> r.getResults(0).getState().equals("sent"));
    assertThat(run(second).getResults(0).getState()).as("behind the first in the host's lane").isEqualTo("queued");

    // The agent reports the first task without reading it (it knows its id): the lane is free,
    // but the stream is not ready, so the second task stays in the store.
    String firstTask = first + "-slow";
    slow.send(AgentMessage.newBuilder().setTaskEvent(TaskEvent.newBuilder().setTaskId(firstTask).setRunId(first)
        .setResult(TaskResult.newBuilder().setStatus(TaskStatus.OK).setMsg("done unread"))).build());
    awaitRun(first, r -> r.getSummary().getState() == RunState.SUCCEEDED);
    assertThat(run(second).getResults(0).getState()).as("not granted while the agent does not read")
        .isEqualTo("queued");
    assertThat(slow.inbox).isEmpty();

    // The agent reads again: the buffers drain, the stream turns ready and the second task goes out.
    slow.out.join().request(10);
    ControllerMessage m = slow.next();
    assertThat(m.getAssign().getTaskId()).isEqualTo(firstTask);
    boolean secondSent = false;
    for (int i = 0; i < 3 && !secondSent; i++) {
      ControllerMessage n = slow.next();
      secondSent = n.hasAssign() && n.getAssign().getRunId().equals(second);
    }
    assertThat(secondSent).as("the second task arrives once the agent reads").isTrue();
    // "sent" goes to the store through the group commit, which may commit after the message arrives.
    awaitRun(second, r -> r.getResults(0).getState().equals("sent"));
  }
}
