package io.homefleet.controller.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.homefleet.proto.v1.AgentMessage;
import io.homefleet.proto.v1.AgentSessionGrpc;
import io.homefleet.proto.v1.ControllerMessage;
import io.homefleet.proto.v1.Heartbeat;
import io.homefleet.proto.v1.Hello;
import io.homefleet.proto.v1.Welcome;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A fake agent's end of one {@code AgentSession.Connect} stream: sends hello and heartbeats,
 * records what the controller sends and how the stream ended.
 */
public final class SessionStream implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final BlockingQueue<ControllerMessage> inbox = new LinkedBlockingQueue<>();
  private final List<ControllerMessage> seen = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Status> ended = new CompletableFuture<>();
  private final ClientCallStreamObserver<AgentMessage> out;

  SessionStream(ManagedChannel channel) {
    CompletableFuture<ClientCallStreamObserver<AgentMessage>> requests = new CompletableFuture<>();
    // A generous deadline only as a safety net: a real session is long-lived.
    AgentSessionGrpc.newStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
        .connect(new ClientResponseObserver<AgentMessage, ControllerMessage>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<AgentMessage> r) {
            requests.complete(r);
          }

          @Override
          public void onNext(ControllerMessage value) {
            seen.add(value);
            inbox.add(value);
          }

          @Override
          public void onError(Throwable t) {
            ended.complete(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
            ended.complete(Status.OK);
          }
        });
    this.out = requests.join();
  }

  public SessionStream hello() {
    return send(AgentMessage.newBuilder().setHello(Hello.newBuilder().setAgentVersion("security-test")).build());
  }

  public SessionStream heartbeat() {
    return send(AgentMessage.newBuilder()
        .setHeartbeat(Heartbeat.newBuilder().setUnixMillis(System.currentTimeMillis())).build());
  }

  public synchronized SessionStream send(AgentMessage msg) {
    out.onNext(msg);
    return this;
  }

  /** Sends hello and waits for the controller's welcome; fails the test if the stream ends instead. */
  public Welcome helloAndAwaitWelcome() {
    hello();
    ControllerMessage m = next(WAIT);
    assertThat(m.getKindCase()).as("first message from the controller").isEqualTo(ControllerMessage.KindCase.WELCOME);
    return m.getWelcome();
  }

  /** The next message, failing the test if none arrives (or the stream ends) within {@code timeout}. */
  public ControllerMessage next(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        ControllerMessage m = inbox.poll(20, TimeUnit.MILLISECONDS);
        if (m != null) {
          return m;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      if (ended.isDone() && inbox.isEmpty()) {
        return fail("the session ended with " + ended.join() + " before the expected message");
      }
    }
    return fail("no message from the controller within " + timeout);
  }

  /** Every message received so far. */
  public List<ControllerMessage> received() {
    return List.copyOf(seen);
  }

  /** How the stream ended; fails the test if it is still open after {@code timeout}. */
  public Status awaitEnd(Duration timeout) {
    try {
      return ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return fail("the session stream is still open after " + timeout);
    } catch (InterruptedException | ExecutionException e) {
      throw new AssertionError(e);
    }
  }

  public boolean isEnded() {
    return ended.isDone();
  }

  /** Half-closes the stream as a well-behaved agent does on shutdown. */
  public synchronized void complete() {
    out.onCompleted();
  }

  @Override
  public synchronized void close() {
    if (!ended.isDone()) {
      out.cancel("test finished", null);
    }
  }
}
