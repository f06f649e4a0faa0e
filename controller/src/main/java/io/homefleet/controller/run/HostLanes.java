package io.homefleet.controller.run;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One lane per host, shared by ad-hoc tasks and the hosts' parts in playbook runs (manual plays,
 * convergences, schedules): at most one piece of work is out to a host at a time; the rest wait
 * for the lane in the order they asked for it.
 *
 * <p>A lane is granted only while the host is <em>ready</em> (its agent is connected, welcomed
 * and its stream is reading what the controller sends, see gRPC's {@code isReady}); when it is not,
 * the work keeps waiting and is granted when the session layer calls {@link #ready}. So a slow or
 * stalled agent holds at most one piece of work in the controller's send buffers.
 *
 * <p>Lock order: callers may hold their own locks when they call in; this class never calls out
 * while it holds its own lock except to the readiness predicate, which must not lock. Grant
 * callbacks run outside this class's lock, on the thread that made the lane free (possibly the
 * caller of {@link #request} itself), so they must be short and may re-enter the caller.
 */
public final class HostLanes {
  /** A claim on one host's lane: first waiting, then holding, then released. */
  public static final class Ticket {
    private final String host;
    private final String owner;
    private final Consumer<Ticket> granted;
    /** Guarded by the lanes' lock. */
    private boolean holding;
    private boolean released;

    private Ticket(String host, String owner, Consumer<Ticket> granted) {
      this.host = host;
      this.owner = owner;
      this.granted = granted;
    }

    public String host() {
      return host;
    }

    /** Whose work this is (a run id), for the operator. */
    public String owner() {
      return owner;
    }
  }

  private static final class Lane {
    Ticket holder;
    final Deque<Ticket> waiting = new ArrayDeque<>();
  }

  private static final Consumer<Ticket> NONE = t -> { };

  private final Predicate<String> ready;
  private final Map<String, Lane> lanes = new HashMap<>();

  /** @param ready whether a host may be given work now; called under this class's lock, so it must not lock */
  public HostLanes(Predicate<String> ready) {
    this.ready = ready;
  }

  /** Takes the host's lane if it is free, nobody waits for it and the host is ready; empty otherwise. */
  public synchronized Optional<Ticket> tryTake(String host, String owner) {
    Lane lane = lanes.get(host);
    if ((lane != null && (lane.holder != null || !lane.waiting.isEmpty())) || !ready.test(host)) {
      return Optional.empty();
    }
    return Optional.of(hold(host, new Ticket(host, owner, NONE)));
  }

  /**
   * Takes the host's lane if nobody holds it, ready or not: for work that was already out when the
   * controller restarted, which the host gets again when it reconnects.
   */
  public synchronized Optional<Ticket> takeForRecovery(String host, String owner) {
    Lane lane = lanes.get(host);
    if (lane != null && lane.holder != null) {
      return Optional.empty();
    }
    return Optional.of(hold(host, new Ticket(host, owner, NONE)));
  }

  private Ticket hold(String host, Ticket t) {
    lanes.computeIfAbsent(host, k -> new Lane()).holder = t;
    t.holding = true;
    return t;
  }

  /**
   * Joins the host's queue. {@code granted} runs once the lane is the ticket's: at once on this
   * thread when it is free and the host ready, otherwise later on the thread that frees it.
   */
  public Ticket request(String host, String owner, Consumer<Ticket> granted) {
    Ticket t = new Ticket(host, owner, granted);
    synchronized (this) {
      lanes.computeIfAbsent(host, k -> new Lane()).waiting.addLast(t);
    }
    pump(host);
    return t;
  }

  /** Whether {@code t} holds its lane now. */
  public synchronized boolean holds(Ticket t) {
    return t.holding;
  }

  /** Gives the lane up, or leaves the queue; the next waiter gets the lane if the host is ready. Idempotent. */
  public void release(Ticket t) {
    synchronized (this) {
      if (t.released) {
        return;
      }
      t.released = true;
      Lane lane = lanes.get(t.host);
      if (lane == null) {
        return;
      }
      if (lane.holder == t) {
        lane.holder = null;
        t.holding = false;
      } else {
        lane.waiting.remove(t);
      }
    }
    pump(t.host);
  }

  /** The host may be given work (its agent said hello, or its stream drained): grants its lane to the next waiter. */
  public void ready(String host) {
    pump(host);
  }

  /** Who holds the host's lane now (a run id). */
  public synchronized Optional<String> holder(String host) {
    Lane lane = lanes.get(host);
    return lane == null || lane.holder == null ? Optional.empty() : Optional.of(lane.holder.owner);
  }

  /** How many pieces of work wait for the host's lane. */
  public synchronized int waiting(String host) {
    Lane lane = lanes.get(host);
    return lane == null ? 0 : lane.waiting.size();
  }

  private void pump(String host) {
    Ticket next;
    synchronized (this) {
      Lane lane = lanes.get(host);
      if (lane == null) {
        return;
      }
      if (lane.holder != null || lane.waiting.isEmpty() || !ready.test(host)) {
        if (lane.holder == null && lane.waiting.isEmpty()) {
          lanes.remove(host);
        }
        return;
      }
      next = hold(host, lane.waiting.pollFirst());
    }
    next.granted.accept(next);
  }
}
