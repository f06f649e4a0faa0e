package io.homefleet.controller.session;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.homefleet.proto.v1.Ack;
import io.homefleet.proto.v1.ControllerMessage;
import io.homefleet.proto.v1.Goodbye;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** The controller's end of one agent's session stream; sends are serialised. */
final class AgentStream {
  final String host;
  final long openedMillis;
  /** When the agent last said anything on this stream (hello, heartbeat, task event). */
  volatile long lastHeardMillis;
  private final ServerCallStreamObserver<ControllerMessage> out;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Set once the agent's hello is handled: before that it gets no work. */
  private volatile boolean welcomed;
  /** Results stored but not yet acknowledged to the agent (see {@link AckBatcher}). Guarded by this. */
  private List<String> owedAcks = new ArrayList<>();

  AgentStream(String host, long openedMillis, ServerCallStreamObserver<ControllerMessage> out) {
    this.host = host;
    this.openedMillis = openedMillis;
    this.lastHeardMillis = openedMillis;
    this.out = out;
  }

  /**
   * Runs {@code handler} each time the stream turns ready to send again (gRPC's on-ready handler,
   * on the call's executor, so it must be short). Only while the call is being set up.
   */
  void onReady(Runnable handler) {
    out.setOnReadyHandler(handler);
  }

  void welcomed() {
    welcomed = true;
  }

  /**
   * Whether work may be sent now: the agent was welcomed, the stream is open, and gRPC is not
   * buffering more than its limit (32 KiB by default) because the agent is not reading. Control
   * messages (welcome, acks, cancel, goodbye) do not ask: each answers something the agent sent or
   * work it holds, so there are at most a few per piece of work out.
   */
  boolean ready() {
    return welcomed && !closed.get() && !out.isCancelled() && out.isReady();
  }

  /**
   * Sends {@code msg}, carrying the acknowledgements owed so far; false when the stream is already
   * closed.
   */
  synchronized boolean send(ControllerMessage msg) {
    if (closed.get() || out.isCancelled()) {
      return false;
    }
    if (!owedAcks.isEmpty() && !msg.hasAck()) {
      msg = msg.toBuilder().setAcks(ack(takeAcks())).build();
    }
    try {
      out.onNext(msg);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Owes the agent an ack for {@code id}; true when it is the first one owed since the last send. */
  synchronized boolean oweAck(String id) {
    owedAcks.add(id);
    return owedAcks.size() == 1;
  }

  /** Sends the owed acks alone, if no other message has carried them yet. */
  synchronized void flushAcks() {
    if (!owedAcks.isEmpty()) {
      send(ControllerMessage.newBuilder().setAck(ack(takeAcks())).build());
    }
  }

  private List<String> takeAcks() {
    List<String> ids = owedAcks;
    owedAcks = new ArrayList<>();
    return ids;
  }

  /** The first id in task_id (all that agents before batching read), the others in task_ids. */
  static Ack ack(List<String> ids) {
    return Ack.newBuilder().setTaskId(ids.get(0)).addAllTaskIds(ids.subList(1, ids.size())).build();
  }

  /** Says goodbye and ends the stream with {@code status}; true if this call closed it. */
  synchronized boolean close(Status status) {
    if (!closed.compareAndSet(false, true)) {
      return false;
    }
    try {
      if (!out.isCancelled()) {
        out.onNext(ControllerMessage.newBuilder()
            .setGoodbye(Goodbye.newBuilder().setReason(String.valueOf(status.getDescription()))).build());
        out.onError(status.asRuntimeException());
      }
    } catch (RuntimeException ignored) {
      // Already gone: nothing left to close.
    }
    return true;
  }

  /** Marks the stream closed by the peer (no further sends). */
  void closedByPeer() {
    closed.set(true);
  }

  synchronized void complete() {
    if (closed.compareAndSet(false, true)) {
      try {
        out.onCompleted();
      } catch (RuntimeException ignored) {
        // Peer already gone.
      }
    }
  }
}
