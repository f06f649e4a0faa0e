package io.homefleet.controller.session;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Acknowledgements of stored results, batched per agent. An ack is owed only once the result is
 * committed to the store (the group commit's follow-up calls {@link #owe}); it then rides on the
 * next message the controller sends that agent (its next task or play), or goes out alone, with
 * whatever else is owed to it by then, {@code delay} after the first of them was owed. The delay
 * must stay well under the agent's resend interval (20 s), or it would offer results again that
 * the controller has. An ack owed on a stream that closes is dropped: the agent offers its
 * unacknowledged results again on its next session and they are acknowledged then, as before.
 */
final class AckBatcher {
  /** Default delay before owed acks go out alone; {@code -Dhomefleet.ackDelayMillis} changes it. */
  static final Duration DEFAULT_DELAY = Duration.ofMillis(2_000);

  private record Due(AgentStream stream, long atNanos) {}

  private final long delayNanos;
  private final ConcurrentLinkedQueue<Due> due = new ConcurrentLinkedQueue<>();

  /** Flushes on {@code timer} (the controller's, which the server shuts down). */
  AckBatcher(Duration delay, ScheduledExecutorService timer) {
    if (delay.isNegative() || delay.compareTo(Duration.ofSeconds(10)) > 0) {
      throw new IllegalArgumentException("the ack delay must be 0-10 s (the agent resends after 20 s), not " + delay);
    }
    this.delayNanos = delay.toNanos();
    long tick = Math.max(20, delay.toMillis() / 4);
    timer.scheduleWithFixedDelay(this::flushDue, tick, tick, TimeUnit.MILLISECONDS);
  }

  /** The delay from {@code -Dhomefleet.ackDelayMillis}, or the default. */
  static Duration configuredDelay() {
    return Duration.ofMillis(Long.getLong("homefleet.ackDelayMillis", DEFAULT_DELAY.toMillis()));
  }

  /** {@code id}'s result is in the store: the agent on {@code stream} may forget it. */
  void owe(AgentStream stream, String id) {
    if (stream.oweAck(id)) {
      due.add(new Due(stream, System.nanoTime() + delayNanos));
    }
  }

  /** Sends the acks whose delay has passed and that no other message carried. */
  private void flushDue() {
    long now = System.nanoTime();
    // Entries are added in time order with one delay, so the queue is ordered by due time.
    for (Due d = due.peek(); d != null && d.atNanos() - now <= 0; d = due.peek()) {
      due.poll();
      try {
        d.stream().flushAcks();
      } catch (RuntimeException e) {
        // One broken stream must not stop the others' acks; the agent will resend.
      }
    }
  }
}
