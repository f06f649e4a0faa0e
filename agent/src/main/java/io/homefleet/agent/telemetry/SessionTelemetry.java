package io.homefleet.agent.telemetry;

import io.homefleet.proto.v1.AgentMessage;
import io.homefleet.proto.v1.MetricSample;
import io.homefleet.proto.v1.Telemetry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.DiskSpaceMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the agent's meters to the controller over the session: every {@code interval} (30 s by
 * default, the first snapshot two seconds after the session opens) it snapshots a
 * {@link MeterRegistry} into one {@link Telemetry} message. The controller names the samples for
 * Prometheus and exposes the whole fleet on one endpoint (docs/telemetry.md, "The fleet
 * endpoint").
 *
 * <p>The registry is the only input: whatever meters the agent registers (host metrics, task
 * metrics, JVM basics) travel as they are, by Micrometer name, tags, type and base unit. Timers
 * and distribution summaries travel as count, sum and max (timers in seconds); gauges whose value
 * is not a finite number are left out.
 */
public final class SessionTelemetry {
  private static final Logger log = LoggerFactory.getLogger(SessionTelemetry.class);

  /** How often a snapshot goes out when nothing else is configured. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
  /** The wait after the session opens before the first snapshot: CPU gauges need one reading first. */
  static final Duration FIRST_DELAY = Duration.ofSeconds(2);

  private final MeterRegistry registry;
  private final Duration interval;
  private final Clock clock;

  public SessionTelemetry(MeterRegistry registry, Duration interval, Clock clock) {
    if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("telemetry interval must be at least 1s, got " + interval);
    }
    this.registry = registry;
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

  /** Every meter of the registry, now. */
  public Telemetry snapshot() {
    Telemetry.Builder t = Telemetry.newBuilder().setUnixMillis(clock.millis());
    for (Meter m : registry.getMeters()) {
      MetricSample s = sample(m);
      if (s != null) {
        t.addSamples(s);
      }
    }
    return t.build();
  }

  /** One meter as a sample; null for a meter without a finite value. */
  static MetricSample sample(Meter meter) {
    Meter.Id id = meter.getId();
    MetricSample.Builder b = MetricSample.newBuilder().setName(id.getName());
    for (Tag tag : id.getTagsAsIterable()) {
      b.putTags(tag.getKey(), tag.getValue());
    }
    if (id.getDescription() != null) {
      b.setDescription(id.getDescription());
    }
    String unit = id.getBaseUnit();
    if (meter instanceof TimeGauge g) {
      return finite(b.setType(MetricSample.Type.GAUGE).setBaseUnit("seconds").setValue(g.value(TimeUnit.SECONDS)));
    } else if (meter instanceof Gauge g) {
      return finite(b.setType(MetricSample.Type.GAUGE).setBaseUnit(nz(unit)).setValue(g.value()));
    } else if (meter instanceof Counter c) {
      return finite(b.setType(MetricSample.Type.COUNTER).setBaseUnit(nz(unit)).setValue(c.count()));
    } else if (meter instanceof FunctionCounter c) {
      return finite(b.setType(MetricSample.Type.COUNTER).setBaseUnit(nz(unit)).setValue(c.count()));
    } else if (meter instanceof Timer t) {
      return summary(b.setBaseUnit("seconds"), t.count(), t.totalTime(TimeUnit.SECONDS), t.max(TimeUnit.SECONDS));
    } else if (meter instanceof FunctionTimer t) {
      return summary(b.setBaseUnit("seconds"), (long) t.count(), t.totalTime(TimeUnit.SECONDS), 0);
    } else if (meter instanceof DistributionSummary d) {
      return summary(b.setBaseUnit(nz(unit)), d.count(), d.totalAmount(), d.max());
    } else if (meter instanceof LongTaskTimer t) {
      // Tasks still running: how many, and for how long in all.
      return summary(b.setBaseUnit("seconds"), t.activeTasks(), t.duration(TimeUnit.SECONDS), t.max(TimeUnit.SECONDS));
    }
    // Custom meters: one value, when they measure one.
    List<Measurement> ms = new ArrayList<>();
    meter.measure().forEach(ms::add);
    if (ms.size() != 1) {
      return null;
    }
    boolean counter = id.getType() == Meter.Type.COUNTER;
    return finite(b.setType(counter ? MetricSample.Type.COUNTER : MetricSample.Type.GAUGE).setBaseUnit(nz(unit))
        .setValue(ms.get(0).getValue()));
  }

  private static MetricSample summary(MetricSample.Builder b, long count, double sum, double max) {
    if (!Double.isFinite(sum) || !Double.isFinite(max)) {
      return null;
    }
    return b.setType(MetricSample.Type.SUMMARY).setCount(Math.max(0, count)).setSum(sum).setMax(max).build();
  }

  private static MetricSample finite(MetricSample.Builder b) {
    return Double.isFinite(b.getValue()) ? b.build() : null;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /**
   * A registry with the meters Micrometer ships for any JVM host (CPU, load, uptime, JVM memory
   * and threads, the root file system's space) plus host memory from {@code /proc/meminfo} under
   * OpenTelemetry's names ({@code system_memory_limit_bytes}, {@code
   * system_linux_memory_available_bytes}). For an agent that
   * has no registry of its own; the agent's telemetry package supersedes it with the full host
   * metrics. Every name passes {@code promtool check metrics}'s lint (hence no {@code
   * process.cpu.time}, whose unit is "ns", and no {@code system.cpu.count}, a gauge named like a
   * summary's count).
   */
  public static MeterRegistry basicRegistry(Path procMeminfo, File root) {
    MeterRegistry r = new SimpleMeterRegistry();
    r.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"))
        .meterFilter(MeterFilter.deny(id -> id.getName().equals("system.cpu.count")));
    new ProcessorMetrics().bindTo(r);
    new UptimeMetrics().bindTo(r);
    new JvmMemoryMetrics().bindTo(r);
    new JvmThreadMetrics().bindTo(r);
    new DiskSpaceMetrics(root).bindTo(r);
    // OpenTelemetry's semantic-convention names: Micrometer cannot name a gauge "..._total".
    Gauge.builder("system.memory.limit", () -> meminfo(procMeminfo, "MemTotal")).baseUnit("bytes")
        .description("Total usable memory of the host (MemTotal of /proc/meminfo).").register(r);
    Gauge.builder("system.linux.memory.available", () -> meminfo(procMeminfo, "MemAvailable")).baseUnit("bytes")
        .description("Memory available for starting new work without swapping (MemAvailable).").register(r);
    return r;
  }

  /** A field of /proc/meminfo in bytes; NaN when it cannot be read. */
  static double meminfo(Path file, String field) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(field + ":")) {
          String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
          double v = Double.parseDouble(parts[0]);
          return parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? v * 1024 : v;
        }
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }
}
