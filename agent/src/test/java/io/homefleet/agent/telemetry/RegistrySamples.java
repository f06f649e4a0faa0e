package io.homefleet.agent.telemetry;

import io.homefleet.proto.v1.MetricSample;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Every meter of a Micrometer registry as session samples, by Micrometer name, tags, type and base
 * unit. Timers and distribution summaries travel as count, sum and max (timers in seconds); gauges
 * whose value is not a finite number are left out. Test code: it holds {@link BasicSamples} to the
 * series Micrometer's binders give.
 */
final class RegistrySamples implements SessionTelemetry.Source {
  private final MeterRegistry registry;

  public RegistrySamples(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public List<MetricSample> samples() {
    List<MetricSample> out = new ArrayList<>();
    for (Meter m : registry.getMeters()) {
      MetricSample s = sample(m);
      if (s != null) {
        out.add(s);
      }
    }
    return out;
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
}
