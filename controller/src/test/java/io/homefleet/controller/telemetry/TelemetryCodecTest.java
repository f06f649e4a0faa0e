package io.homefleet.controller.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.proto.v1.MetricSample;
import io.homefleet.proto.v1.Telemetry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TelemetryCodecTest {
  private final TelemetryCodec codec = new TelemetryCodec();

  static MetricSample gauge(String name, String unit, double v, String... tags) {
    MetricSample.Builder b = MetricSample.newBuilder().setName(name).setType(MetricSample.Type.GAUGE)
        .setBaseUnit(unit).setValue(v);
    for (int i = 0; i < tags.length; i += 2) {
      b.putTags(tags[i], tags[i + 1]);
    }
    return b.build();
  }

  @Test
  void decode_namesSamplesAsMicrometersPrometheusRegistryWould() {
    // The same meters, registered on a real PrometheusMeterRegistry (what an agent's own /metrics serves) ...
    PrometheusMeterRegistry prom = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Gauge.builder("system.memory.limit", () -> 1).baseUnit("bytes").register(prom);
    Counter.builder("agent.tasks").tag("module", "command").register(prom).increment();
    Counter.builder("process.cpu.time").baseUnit("seconds").register(prom).increment();
    Timer.builder("agent.task.duration").register(prom).record(Duration.ofSeconds(1));
    DistributionSummary.builder("agent.push.size").baseUnit("bytes").register(prom).record(1);
    Gauge.builder("jvm.threads.live", () -> 1).baseUnit("threads").register(prom);
    Set<String> expected = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^# TYPE (\\S+) ").matcher(prom.scrape());
    while (m.find()) {
      expected.add(m.group(1));
    }

    // ... and as samples over the session.
    Telemetry t = Telemetry.newBuilder()
        .addSamples(gauge("system.memory.limit", "bytes", 1))
        .addSamples(MetricSample.newBuilder().setName("agent.tasks").setType(MetricSample.Type.COUNTER)
            .putTags("module", "command").setValue(1))
        .addSamples(MetricSample.newBuilder().setName("process.cpu.time").setType(MetricSample.Type.COUNTER)
            .setBaseUnit("seconds").setValue(1))
        .addSamples(MetricSample.newBuilder().setName("agent.task.duration").setType(MetricSample.Type.SUMMARY)
            .setBaseUnit("seconds").setCount(1).setSum(1).setMax(1))
        .addSamples(MetricSample.newBuilder().setName("agent.push.size").setType(MetricSample.Type.SUMMARY)
            .setBaseUnit("bytes").setCount(1).setSum(1).setMax(1))
        .addSamples(gauge("jvm.threads.live", "threads", 1))
        .build();
    HostSnapshot s = codec.decode("vm-1", t, 0).snapshot();
    Set<String> families = new TreeSet<>();
    Matcher f = Pattern.compile("(?m)^# TYPE (\\S+) ").matcher(FleetExposition.render("", java.util.List.of(s)));
    while (f.find()) {
      families.add(f.group(1));
    }

    assertThat(families).isEqualTo(expected).contains("system_memory_limit_bytes", "agent_tasks_total",
        "process_cpu_time_seconds_total", "agent_task_duration_seconds", "agent_task_duration_seconds_max",
        "agent_push_size_bytes", "jvm_threads_live_threads");
  }

  @Test
  void decode_dropsWhatCannotBeExposed() {
    Telemetry t = Telemetry.newBuilder()
        .addSamples(gauge("ok", "", 1, "dotted.key", "v"))
        .addSamples(gauge("", "", 1))
        .addSamples(gauge("spoof", "", 1, "host", "other-vm"))
        .addSamples(gauge("nan", "", Double.NaN))
        .addSamples(MetricSample.newBuilder().setName("untyped").setValue(1))
        .addSamples(MetricSample.newBuilder().setName("negative.counter").setType(MetricSample.Type.COUNTER)
            .setValue(-1))
        .addSamples(gauge("x".repeat(300), "", 1))
        .build();
    TelemetryCodec.Decoded d = codec.decode("vm-1", t, 42);
    assertThat(d.dropped()).isEqualTo(6);
    assertThat(d.snapshot().samples()).singleElement().satisfies(s -> {
      assertThat(s.family()).isEqualTo("ok");
      assertThat(s.labels()).isEqualTo(Map.of("dotted_key", "v"));
    });
    assertThat(d.snapshot().receivedMillis()).isEqualTo(42);
  }

  @Test
  void decode_keepsAtMostMaxSamples() {
    Telemetry.Builder t = Telemetry.newBuilder();
    for (int i = 0; i < TelemetryCodec.MAX_SAMPLES + 10; i++) {
      t.addSamples(gauge("g", "", i, "i", Integer.toString(i)));
    }
    TelemetryCodec.Decoded d = codec.decode("vm-1", t.build(), 0);
    assertThat(d.snapshot().samples()).hasSize(TelemetryCodec.MAX_SAMPLES);
    assertThat(d.dropped()).isEqualTo(10);
  }
}
