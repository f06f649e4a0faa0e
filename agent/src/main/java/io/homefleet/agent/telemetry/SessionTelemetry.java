package io.homefleet.agent.telemetry;

import io.homefleet.proto.v1.AgentMessage;
import io.homefleet.proto.v1.MetricSample;
import io.homefleet.proto.v1.Telemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the agent's samples to the controller over the session: every {@code interval} (30 s by
 * default, the first snapshot two seconds after the session opens) it takes the samples of its
 * {@link Source} into one {@link Telemetry} message. The controller names the samples for
 * Prometheus and exposes the whole fleet on one endpoint (docs/telemetry.md, "The fleet endpoint").
 *
 * <p>The agent's source is {@link BasicSamples}, a fixed set read without Micrometer (its tests
 * compare it with Micrometer's own binders through a registry-backed source). This class names no
 * Micrometer type, so an agent never loads Micrometer for its session telemetry.
 */
public final class SessionTelemetry {
  private static final Logger log = LoggerFactory.getLogger(SessionTelemetry.class);

  /** How often a snapshot goes out when nothing else is configured. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
  /** The wait after the session opens before the first snapshot: CPU gauges need one reading first. */
  static final Duration FIRST_DELAY = Duration.ofSeconds(2);

  /** Where a snapshot's samples come from; called on the timer thread, one snapshot at a time. */
  @FunctionalInterface
  public interface Source {
    /** The samples now; none without a finite value. */
    Iterable<MetricSample> samples();
  }

  private final Source source;
  private final Duration interval;
  private final Clock clock;

  public SessionTelemetry(Source source, Duration interval, Clock clock) {
    if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("telemetry interval must be at least 1s, got " + interval);
    }
    this.source = source;
    this.interval = interval;
    this.clock = clock;
  }

  public Duration interval() {
    return interval;
  }

  /**
   * Starts sending snapshots through {@code send} on {@code timer}; the session cancels the
   * returned future when it ends. A snapshot that fails is logged and skipped, never fatal.
   */
  public ScheduledFuture<?> schedule(ScheduledExecutorService timer, Consumer<AgentMessage> send) {
    return timer.scheduleAtFixedRate(() -> {
      try {
        send.accept(AgentMessage.newBuilder().setTelemetry(snapshot()).build());
      } catch (RuntimeException e) {
        log.warn("telemetry snapshot skipped: {}", e.toString());
      }
    }, FIRST_DELAY.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Every sample of the source, now. */
  public Telemetry snapshot() {
    return Telemetry.newBuilder().setUnixMillis(clock.millis()).addAllSamples(source.samples()).build();
  }
}
