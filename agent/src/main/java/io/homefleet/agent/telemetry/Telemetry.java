package io.homefleet.agent.telemetry;

import io.homefleet.agent.config.AgentConfig;
import io.homefleet.agent.config.TelemetryConfig;
import io.homefleet.agent.exporters.Exporters;
import io.homefleet.agent.identity.IdentityException;
import io.homefleet.agent.identity.IdentityStore;
import io.homefleet.agent.status.AgentStatus;
import io.homefleet.pki.KeyMaterial;
import io.homefleet.pki.PkiException;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's telemetry: one meter registry for host, agent and JVM metrics, served on
 * {@code /metrics} and pushed to InfluxDB as agent.yaml's {@code telemetry:} section says.
 * Nothing is collected on a timer of its own: host metrics are read when a scrape or a push
 * asks, and pushes run on the agent's one scheduler. Made only when the section is present, so
 * an agent without it loads none of this.
 */
public final class Telemetry implements Exporters {
  private static final Logger log = LoggerFactory.getLogger(Telemetry.class);

  private final AgentConfig config;
  private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
  private final PrometheusMeterRegistry prometheus;
  private final Optional<InfluxPush> influx;
  private final Optional<HostMetrics> host;
  private final AgentMetrics agent;
  private final BackupMetrics backups;
  private final IdentityCache identity;
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final AtomicLong collections = new AtomicLong();
  private final AtomicLong cpuNanos = new AtomicLong();
  private volatile MetricsEndpoint endpoint;
  private volatile ScheduledFuture<?> pushes;

  Telemetry(AgentConfig config, String version, Path proc) {
    this.config = config;
    TelemetryConfig t = config.telemetry();
    registry.config().commonTags(MetricNames.TAG_HOST, config.hostName())
        // Two of Micrometer's names that promtool's lint refuses ("_count" on a gauge, "ns" as a unit):
        // the CPU count is homefleet_host_cpus, and the process's CPU use stays as process_cpu_usage.
        .meterFilter(MeterFilter.deny(id -> id.getName().equals("system.cpu.count")
            || id.getName().equals("process.cpu.time")));
    prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.add(prometheus);
    influx = t.influx().map(i -> new InfluxPush(i, Clock.SYSTEM));
    influx.ifPresent(registry::add);
    identity = new IdentityCache(new IdentityStore(config), config.identityFile());
    agent = new AgentMetrics(registry, version, identity::certificate, java.time.Clock.systemUTC(),
        proc.resolve("self/status"));
    backups = new BackupMetrics(new io.homefleet.agent.backup.BackupHistory(config.stateDir()), registry,
        java.time.Clock.systemUTC());
    backups.refresh();
    host = t.hostMetrics() ? Optional.of(new HostMetrics(proc, registry, System::nanoTime)) : Optional.empty();
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    FunctionCounter.builder(MetricNames.AGENT_TELEMETRY_COLLECTIONS, collections, AtomicLong::get)
        .description("Telemetry collections (one per scrape or push)").register(registry);
    FunctionCounter.builder(MetricNames.AGENT_TELEMETRY_CPU, cpuNanos, n -> n.get() / 1e9)
        .description("CPU time the agent spent collecting and formatting telemetry").baseUnit("seconds")
        .register(registry);
  }

  /** Builds the meters for {@code config}'s telemetry section (which must be enabled); serves nothing yet. */
  public static Telemetry create(AgentConfig config, String version) {
    if (!config.telemetry().enabled()) {
      throw new IllegalArgumentException("telemetry is not enabled in " + config.source());
    }
    return new Telemetry(config, version, Path.of("/proc"));
  }

  /** Counts sessions and reconnects; give it to {@link AgentStatus}. */
  public AgentStatus.Listener statusListener() {
    return agent;
  }

  @Override
  public void finished(String module, String result, long nanos) {
    agent.record(module, result, nanos);
  }

  /**
   * Serves {@code /metrics} and schedules pushes on {@code timer}. Call once the agent has its
   * identity (TLS on a non-loopback address uses it). A port that cannot be bound is logged, not
   * thrown: the agent's work does not stop for its telemetry.
   */
  public void start(ScheduledExecutorService timer) {
    TelemetryConfig t = config.telemetry();
    t.prometheus().ifPresent(listen -> {
      try {
        java.net.InetSocketAddress address = MetricsEndpoint.resolve(listen);
        Optional<javax.net.ssl.SSLContext> tls = Optional.empty();
        if (!address.getAddress().isLoopbackAddress()) {
          // Anywhere but loopback: only holders of a fleet certificate may read the host's figures.
          tls = Optional.of(ServerTls.context(identity, new IdentityStore(config).ca(),
              java.time.Clock.systemUTC()));
        }
        endpoint = MetricsEndpoint.start(address, tls, this::scrape);
      } catch (IOException | PkiException | GeneralSecurityException e) {
        log.error("{}: telemetry.prometheus: cannot serve metrics on {}: {}; choose another address or port, or set"
            + " 'prometheus: off'", config.source(), listen, e.toString());
      }
    });
    influx.ifPresent(push -> {
      long every = t.influx().orElseThrow().interval().toMillis();
      pushes = timer.scheduleAtFixedRate(this::push, every, every, TimeUnit.MILLISECONDS);
    });
  }

  /** Where {@code /metrics} is served (the real port), if it is. */
  public Optional<String> endpointAddress() {
    MetricsEndpoint e = endpoint;
    return e == null ? Optional.empty() : Optional.of(e.address());
  }

  /** One scrape: refresh the host metrics, then write Prometheus text. */
  void scrape(OutputStream out) throws IOException {
    long cpu = threads.getCurrentThreadCpuTime();
    try {
      host.ifPresent(HostMetrics::refresh);
      backups.refresh();
      prometheus.scrape(out, MetricsEndpoint.CONTENT_TYPE);
    } finally {
      account(cpu);
    }
  }

  /** One push to InfluxDB. */
  void push() {
    long cpu = threads.getCurrentThreadCpuTime();
    try {
      host.ifPresent(HostMetrics::refresh);
      backups.refresh();
      influx.ifPresent(InfluxPush::publishNow);
    } catch (RuntimeException e) {
      log.warn("telemetry push failed: {}", e.toString());
    } finally {
      account(cpu);
    }
  }

  private void account(long cpuBefore) {
    collections.incrementAndGet();
    if (cpuBefore >= 0) {
      cpuNanos.addAndGet(Math.max(0, threads.getCurrentThreadCpuTime() - cpuBefore));
    }
  }

  /** Every meter (host, agent, JVM): also what the session sends to the controller's fleet view. */
  public MeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    ScheduledFuture<?> p = pushes;
    if (p != null) {
      p.cancel(false);
    }
    MetricsEndpoint e = endpoint;
    if (e != null) {
      e.close();
    }
    gc.close();
    // Not influx.close(): that would push once more on the shutdown path, where the agent must not wait on the network.
  }

  /** The stored identity, read again only when its file changed (after a renewal). */
  static final class IdentityCache implements Supplier<KeyMaterial> {
    private final IdentityStore store;
    private final Path file;
    private FileTime readAt;
    private KeyMaterial current;

    IdentityCache(IdentityStore store, Path file) {
      this.store = store;
      this.file = file;
    }

    @Override
    public synchronized KeyMaterial get() {
      try {
        FileTime t = Files.getLastModifiedTime(file);
        if (current == null || !t.equals(readAt)) {
          current = store.load();
          readAt = t;
        }
      } catch (IOException | IdentityException e) {
        log.debug("telemetry: identity not readable: {}", e.getMessage());
      }
      return current;
    }

    X509Certificate certificate() {
      KeyMaterial km = get();
      return km == null ? null : km.leaf();
    }
  }
}
