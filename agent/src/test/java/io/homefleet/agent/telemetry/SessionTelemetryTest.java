package io.homefleet.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.proto.v1.AgentMessage;
import io.homefleet.proto.v1.MetricSample;
import io.homefleet.proto.v1.Telemetry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.DiskSpaceMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionTelemetryTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T20:00:00Z"), ZoneOffset.UTC);

  private static Map<String, MetricSample> byName(Telemetry t) {
    return t.getSamplesList().stream().collect(Collectors.toMap(MetricSample::getName, Function.identity(), (a, b) -> a));
  }

  @Test
  void snapshot_carriesEveryMeterWithNameTagsTypeUnitAndValues() {
    MeterRegistry r = new SimpleMeterRegistry();
    Gauge.builder("system.load.average.1m", () -> 0.75).description("load").register(r);
    Counter c = Counter.builder("tasks").tag("module", "command").tag("result", "changed").baseUnit("tasks")
        .description("tasks run").register(r);
    c.increment(3);
    Timer t = Timer.builder("task.duration").tag("module", "command").register(r);
    t.record(Duration.ofMillis(1500));
    t.record(Duration.ofMillis(500));
    DistributionSummary d = DistributionSummary.builder("push.size").baseUnit("bytes").register(r);
    d.record(100);
    TimeGauge.builder("cert.expires", () -> 120_000, TimeUnit.MILLISECONDS).register(r);
    Gauge.builder("broken", () -> Double.NaN).register(r);

    Telemetry snap = new SessionTelemetry(new RegistrySamples(r), Duration.ofSeconds(30), CLOCK).snapshot();

    assertThat(snap.getUnixMillis()).isEqualTo(CLOCK.millis());
    Map<String, MetricSample> s = byName(snap);
    assertThat(s).doesNotContainKey("broken").hasSize(5);
    assertThat(s.get("system.load.average.1m")).satisfies(x -> {
      assertThat(x.getType()).isEqualTo(MetricSample.Type.GAUGE);
      assertThat(x.getValue()).isEqualTo(0.75);
      assertThat(x.getDescription()).isEqualTo("load");
    });
    assertThat(s.get("tasks")).satisfies(x -> {
      assertThat(x.getType()).isEqualTo(MetricSample.Type.COUNTER);
      assertThat(x.getValue()).isEqualTo(3.0);
      assertThat(x.getBaseUnit()).isEqualTo("tasks");
      assertThat(x.getTagsMap()).containsExactlyInAnyOrderEntriesOf(Map.of("module", "command", "result", "changed"));
    });
    assertThat(s.get("task.duration")).satisfies(x -> {
      assertThat(x.getType()).isEqualTo(MetricSample.Type.SUMMARY);
      assertThat(x.getBaseUnit()).isEqualTo("seconds");
      assertThat(x.getCount()).isEqualTo(2);
      assertThat(x.getSum()).isEqualTo(2.0);
      assertThat(x.getMax()).isEqualTo(1.5);
    });
    assertThat(s.get("push.size")).satisfies(x -> {
      assertThat(x.getType()).isEqualTo(MetricSample.Type.SUMMARY);
      assertThat(x.getBaseUnit()).isEqualTo("bytes");
      assertThat(x.getCount()).isEqualTo(1);
      assertThat(x.getSum()).isEqualTo(100.0);
    });
    assertThat(s.get("cert.expires")).satisfies(x -> {
      assertThat(x.getType()).isEqualTo(MetricSample.Type.GAUGE);
      assertThat(x.getBaseUnit()).isEqualTo("seconds");
      assertThat(x.getValue()).isEqualTo(120.0);
    });
  }

  @Test
  void snapshot_survivesTheWireFormat() throws Exception {
    MeterRegistry r = new SimpleMeterRegistry();
    Counter.builder("sessions").tag("a", "é\"x").register(r).increment();
    AgentMessage m = AgentMessage.newBuilder().setTelemetry(new SessionTelemetry(new RegistrySamples(r), Duration.ofSeconds(30), CLOCK)
        .snapshot()).build();
    AgentMessage back = AgentMessage.parseFrom(m.toByteArray());
    assertThat(back.getKindCase()).isEqualTo(AgentMessage.KindCase.TELEMETRY);
    assertThat(back.getTelemetry().getSamples(0).getTagsMap()).containsEntry("a", "é\"x");
  }

  @Test
  void schedule_sendsSnapshotsUntilCancelled() throws Exception {
    MeterRegistry r = new SimpleMeterRegistry();
    Counter.builder("x").register(r);
    CopyOnWriteArrayList<AgentMessage> sent = new CopyOnWriteArrayList<>();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try {
      ScheduledFuture<?> f = new SessionTelemetry(new RegistrySamples(r), Duration.ofSeconds(1), CLOCK).schedule(timer, sent::add);
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (sent.isEmpty() && System.nanoTime() < until) {
        Thread.sleep(50);
      }
      f.cancel(false);
      assertThat(sent).isNotEmpty();
      assertThat(sent.get(0).getTelemetry().getSamplesList()).extracting(MetricSample::getName).contains("x");
    } finally {
      timer.shutdownNow();
    }
  }

  @Test
  void interval_belowOneSecond_isRefused() {
    assertThatThrownBy(() -> new SessionTelemetry(new RegistrySamples(new SimpleMeterRegistry()), Duration.ofMillis(10), CLOCK))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1s");
  }

  @Test
  void basicSamples_readHostMemoryAndRootDisk(@TempDir Path tmp) throws Exception {
    Path meminfo = tmp.resolve("meminfo");
    Files.writeString(meminfo, "MemTotal:        4045408 kB\nMemFree:          200000 kB\nMemAvailable:    3000000 kB\n");
    Map<String, MetricSample> s = byName(new SessionTelemetry(new BasicSamples(meminfo, tmp.toFile()),
        Duration.ofSeconds(30), CLOCK).snapshot());
    assertThat(s.get("system.memory.limit").getValue()).isEqualTo(4045408.0 * 1024);
    assertThat(s.get("system.linux.memory.available").getValue()).isEqualTo(3000000.0 * 1024);
    assertThat(s.get("disk.total").getValue()).isPositive();
    assertThat(s.get("disk.total").getTagsMap()).containsEntry("path", tmp.toFile().getAbsolutePath());
    assertThat(s).containsKeys("system.cpu.usage", "process.uptime", "jvm.memory.used")
        .doesNotContainKeys("process.cpu.time", "system.cpu.count");
  }

  /**
   * The fleet endpoint's families must not change with the source: the basic set has the very
   * series, types, units and descriptions of Micrometer's binders for the same figures (the set the
   * agent sent through a Micrometer registry before), and values that agree where they cannot move
   * between the two readings.
   */
  @Test
  void basicSamples_matchMicrometersBindersSeriesForSeries(@TempDir Path tmp) throws Exception {
    Path meminfo = tmp.resolve("meminfo");
    Files.writeString(meminfo, "MemTotal:        4045408 kB\nMemAvailable:    3000000 kB\n");
    MeterRegistry r = new SimpleMeterRegistry();
    r.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"))
        .meterFilter(MeterFilter.deny(id -> id.getName().equals("system.cpu.count")));
    new ProcessorMetrics().bindTo(r);
    new UptimeMetrics().bindTo(r);
    new JvmMemoryMetrics().bindTo(r);
    new JvmThreadMetrics().bindTo(r);
    new DiskSpaceMetrics(tmp.toFile()).bindTo(r);
    Gauge.builder("system.memory.limit", () -> 4045408.0 * 1024).baseUnit("bytes")
        .description("Total usable memory of the host (MemTotal of /proc/meminfo).").register(r);
    Gauge.builder("system.linux.memory.available", () -> 3000000.0 * 1024).baseUnit("bytes")
        .description("Memory available for starting new work without swapping (MemAvailable).").register(r);

    Map<String, MetricSample> micrometer = bySeries(new RegistrySamples(r).samples());
    Map<String, MetricSample> basic = bySeries(new BasicSamples(meminfo, tmp.toFile()).samples());

    // Micrometer leaves out a gauge that reads NaN at snapshot time, as the basic set does.
    assertThat(basic.keySet()).containsExactlyInAnyOrderElementsOf(micrometer.keySet());
    basic.forEach((series, b) -> {
      MetricSample m = micrometer.get(series);
      assertThat(b.getType()).as(series).isEqualTo(m.getType());
      assertThat(b.getBaseUnit()).as(series).isEqualTo(m.getBaseUnit());
      assertThat(b.getDescription()).as(series).isEqualTo(m.getDescription());
    });
    for (String fixed : new String[] {"system.memory.limit{}", "process.start.time{}", "disk.total{path=" + tmp.toFile()
        .getAbsolutePath() + "}", "jvm.memory.max{area=heap, id=Tenured Gen}"}) {
      if (micrometer.containsKey(fixed)) {
        assertThat(basic.get(fixed).getValue()).as(fixed).isEqualTo(micrometer.get(fixed).getValue());
      }
    }
  }

  private static Map<String, MetricSample> bySeries(Iterable<MetricSample> samples) {
    Map<String, MetricSample> m = new java.util.TreeMap<>();
    for (MetricSample s : samples) {
      m.put(s.getName() + new java.util.TreeMap<>(s.getTagsMap()), s);
    }
    return m;
  }

  @Test
  void meminfo_unreadable_isNaN(@TempDir Path tmp) {
    assertThat(BasicSamples.meminfo(tmp.resolve("missing"), "MemTotal")).isNaN();
  }
}
