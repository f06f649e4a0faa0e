package io.homefleet.controller.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The controller's own meters, in Micrometer's Prometheus registry: connected agents, sessions
 * opened and closed, runs by state, the store's write queue, enrollment outcomes, telemetry
 * received, and JVM basics. Names and meanings are listed in docs/telemetry.md ("The fleet
 * endpoint").
 *
 * <p>Its inputs are functions, so this package depends on nothing else of the controller; the
 * server wires them.
 */
public final class ControllerMetrics implements AutoCloseable {
  /** The run states the store knows; each is exported, 0 when no run has it. */
  public static final List<String> RUN_STATES = List.of("queued", "running", "succeeded", "failed", "cancelled");

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter sessionsOpened;
  private final Counter sessionsClosed;
  private final JvmGcMetrics gc = new JvmGcMetrics();

  /** What the controller reports about itself. */
  public record Sources(IntSupplier connectedAgents, IntSupplier storeWriteQueue,
      Supplier<Map<String, Long>> runsByState, FleetTelemetry fleet) {}

  public ControllerMetrics(Sources sources) {
    // Names promtool's lint refuses: a unit abbreviation (process_cpu_time_ns_total; process_cpu_usage
    // says the same) and a gauge ending in _count (system_cpu_count).
    registry.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"))
        .meterFilter(MeterFilter.deny(id -> id.getName().equals("system.cpu.count")));
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    gc.bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);

    Gauge.builder("homefleet.agents.connected", sources.connectedAgents()::getAsInt)
        .description("Agents with an open session now.").register(registry);
    sessionsOpened = Counter.builder("homefleet.sessions.opened")
        .description("Agent sessions opened since the controller started.").register(registry);
    sessionsClosed = Counter.builder("homefleet.sessions.closed")
        .description("Agent sessions that ended since the controller started.").register(registry);
    Gauge.builder("homefleet.store.write.queue", sources.storeWriteQueue()::getAsInt)
        .description("Store writes waiting for the next group commit (the controller's queue depth).")
        .register(registry);
    CachedRuns runs = new CachedRuns(sources.runsByState());
    for (String state : RUN_STATES) {
      Gauge.builder("homefleet.runs", () -> runs.get().getOrDefault(state, 0L)).tag("state", state)
          .description("Runs in the store by state.").register(registry);
    }
    FleetTelemetry fleet = sources.fleet();
    Gauge.builder("homefleet.telemetry.hosts", fleet::size)
        .description("Hosts whose latest telemetry the fleet endpoint shows.").register(registry);
    FunctionCounter.builder("homefleet.telemetry.snapshots", fleet, FleetTelemetry::received)
        .description("Telemetry snapshots received from agents since the controller started.").register(registry);
    FunctionCounter.builder("homefleet.telemetry.samples.dropped", fleet, FleetTelemetry::droppedSamples)
        .description("Agent samples left out (invalid, a host tag, over the per-host limit).").register(registry);
  }

  public void sessionOpened() {
    sessionsOpened.increment();
  }

  public void sessionClosed() {
    sessionsClosed.increment();
  }

  /**
   * The listening socket's counters: connections accepted, and how often accepting paused at
   * {@code max_connection_rate}.
   */
  public void connections(java.util.function.LongSupplier accepted, java.util.function.LongSupplier paused) {
    FunctionCounter.builder("homefleet.connections.accepted", accepted, s -> s.getAsLong())
        .description("Connections the controller accepted since it started (agents, operators, enrollments).")
        .register(registry);
    FunctionCounter.builder("homefleet.connections.accept.pauses", paused, s -> s.getAsLong())
        .description("Times accepting paused because new connections came faster than max_connection_rate.")
        .register(registry);
  }

  /** Counts one enrollment call by its outcome: ok, or the gRPC status it failed with. */
  public void enrollment(io.grpc.Status.Code outcome) {
    Counter.builder("homefleet.enrollments").tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
        .description("Enrollment calls by outcome (ok, permission_denied, invalid_argument, ...).")
        .register(registry).increment();
  }

  /** The controller's own meters, in the Prometheus text format. */
  public String scrape() {
    return registry.scrape();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }

  /** Runs by state, read from the store at most every few seconds however often it is scraped. */
  private static final class CachedRuns {
    private final Supplier<Map<String, Long>> source;
    private Map<String, Long> value = Map.of();
    private long readAt;

    CachedRuns(Supplier<Map<String, Long>> source) {
      this.source = source;
    }

    synchronized Map<String, Long> get() {
      long now = System.nanoTime();
      if (readAt == 0 || now - readAt > 5_000_000_000L) {
        try {
          value = Map.copyOf(source.get());
        } catch (RuntimeException e) {
          // Keep the last figures; the store's own errors are logged where they happen.
        }
        readAt = now;
      }
      return value;
    }
  }
}
