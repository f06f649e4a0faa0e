package io.homefleet.agent.telemetry;

import io.homefleet.agent.status.AgentStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The agent's own metrics: tasks by module and result with their durations (every module is
 * reported to {@link #record}: ad-hoc tasks through {@code ModuleRuns}, play tasks from the
 * play worker, so they count alike), sessions and
 * reconnects (from {@link AgentStatus}'s state changes), the certificate's remaining lifetime,
 * the version and the process's resident set.
 */
final class AgentMetrics implements AgentStatus.Listener {
  /** Histogram buckets of task durations: from a quick {@code stat} to a long {@code apt}. */
  private static final Duration[] BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
      Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60),
      Duration.ofMinutes(5)};

  private final MeterRegistry registry;
  private final AtomicLong opened = new AtomicLong();
  private final AtomicLong closed = new AtomicLong();
  private final AtomicLong attempts = new AtomicLong();
  private volatile boolean connected;
  private final ProcText status = new ProcText();
  private final double[] numbers = new double[1];

  AgentMetrics(MeterRegistry registry, String version, Supplier<X509Certificate> certificate, Clock clock,
      Path procSelfStatus) {
    this.registry = registry;
    Gauge.builder(MetricNames.AGENT_INFO, () -> 1).description("Always 1; the version tag says which agent runs")
        .tags(MetricNames.TAG_VERSION, version).strongReference(true).register(registry);
    FunctionCounter.builder(MetricNames.AGENT_SESSIONS_OPENED, opened, AtomicLong::get)
        .description("Sessions with the controller that reached its Welcome").register(registry);
    FunctionCounter.builder(MetricNames.AGENT_SESSIONS_CLOSED, closed, AtomicLong::get)
        .description("Sessions with the controller that ended after its Welcome").register(registry);
    FunctionCounter.builder(MetricNames.AGENT_RECONNECTS, attempts, a -> Math.max(0, a.get() - 1))
        .description("Connection attempts after the first (after a session ended or an attempt failed)")
        .register(registry);
    Gauge.builder(MetricNames.AGENT_CONNECTED, this, m -> m.connected ? 1 : 0)
        .description("1 while the session with the controller is up, else 0").strongReference(true).register(registry);
    Gauge.builder(MetricNames.AGENT_CERT_EXPIRY, certificate, c -> {
      X509Certificate cert = c.get();
      return cert == null ? Double.NaN
          : (cert.getNotAfter().getTime() - clock.millis()) / 1000.0;
    }).description("Seconds until the agent's certificate expires (negative once expired)").baseUnit("seconds").strongReference(true)
        .register(registry);
    Gauge.builder(MetricNames.AGENT_RESIDENT, this, m -> m.resident(procSelfStatus))
        .description("Resident set of the agent process (VmRSS in /proc/self/status)").baseUnit("bytes").strongReference(true)
        .register(registry);
  }

  @Override
  public void changed(AgentStatus.State from, AgentStatus.State to, String message) {
    if (to == AgentStatus.State.CONNECTED && from != AgentStatus.State.CONNECTED) {
      opened.incrementAndGet();
      connected = true;
    } else if (from == AgentStatus.State.CONNECTED && to != AgentStatus.State.CONNECTED) {
      closed.incrementAndGet();
      connected = false;
    }
    // The session loop announces every attempt with an empty message (a failure carries its reason).
    if (to == AgentStatus.State.CONNECTING && message.isEmpty()) {
      attempts.incrementAndGet();
    }
  }

  private synchronized double resident(Path procSelfStatus) {
    try {
      status.read(procSelfStatus);
      for (int at = 0; at < status.length(); at = status.nextLine(at)) {
        if (status.startsWith(at, "VmRSS:") && status.numbers(at + 6, status.nextLine(at), numbers) == 1) {
          return numbers[0] * 1024;
        }
      }
    } catch (IOException e) {
      // Not Linux, or /proc is not mounted: no figure.
    }
    return Double.NaN;
  }

  void record(String module, String result, long nanos) {
    Counter.builder(MetricNames.AGENT_TASKS).description("Finished tasks by module and result")
        .tags(MetricNames.TAG_MODULE, module, MetricNames.TAG_RESULT, result).register(registry).increment();
    Timer.builder(MetricNames.AGENT_TASK_DURATION).description("How long tasks ran, by module")
        .tags(MetricNames.TAG_MODULE, module).serviceLevelObjectives(BUCKETS).register(registry)
        .record(Duration.ofNanos(nanos));
  }
}
