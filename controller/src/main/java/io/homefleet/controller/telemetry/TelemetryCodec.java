package io.homefleet.controller.telemetry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.homefleet.proto.v1.MetricSample;
import io.homefleet.proto.v1.Telemetry;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusNamingConvention;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Reads an agent's {@link Telemetry} message into a {@link HostSnapshot}: names every sample as
 * Micrometer's Prometheus registry would have named it on the agent (so the fleet endpoint and an
 * agent's own {@code /metrics} agree), and bounds what one agent can make the controller hold.
 *
 * <p>Samples that cannot be exposed are dropped, not fatal: no name, an unknown type, a value that
 * is not finite, a {@code host} tag (the controller sets {@code host} from the session's
 * certificate, so an agent cannot speak for another host), more than {@link #MAX_TAGS} tags, or
 * anything past the first {@link #MAX_SAMPLES} samples.
 */
public final class TelemetryCodec {
  public static final int MAX_SAMPLES = 5_000;
  public static final int MAX_TAGS = 16;
  static final int MAX_TEXT = 256;
  /** The label the fleet endpoint puts on every agent sample. */
  public static final String HOST_LABEL = "host";

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private final PrometheusNamingConvention naming = new PrometheusNamingConvention();
  /**
   * Prometheus names by Micrometer name, type and unit, and label names by tag key: every agent
   * sends the same few hundred every 30 s, and the naming convention's regular expressions cost
   * more than the rest of decoding. Bounded, so agents sending ever new names cannot grow it.
   */
  private final Cache<String, String> names = Caffeine.newBuilder().maximumSize(MAX_CACHED).build();
  static final int MAX_CACHED = 20_000;

  /** What one message decoded to, and how many samples were left out. */
  public record Decoded(HostSnapshot snapshot, int dropped) {}

  public Decoded decode(String host, Telemetry t, long receivedMillis) {
    List<Sample> out = new ArrayList<>(Math.min(t.getSamplesCount(), MAX_SAMPLES));
    int dropped = 0;
    for (MetricSample m : t.getSamplesList()) {
      Sample s = out.size() < MAX_SAMPLES ? sample(m) : null;
      if (s == null) {
        dropped++;
      } else {
        out.add(s);
      }
    }
    return new Decoded(new HostSnapshot(host, t.getUnixMillis(), receivedMillis, out), dropped);
  }

  /** One sample, or null when it cannot be exposed. */
  Sample sample(MetricSample m) {
    if (m.getName().isBlank() || m.getName().length() > MAX_TEXT || m.getTagsCount() > MAX_TAGS) {
      return null;
    }
    String unit = m.getBaseUnit().isEmpty() ? null : m.getBaseUnit();
    Map<String, String> labels = new TreeMap<>();
    for (Map.Entry<String, String> e : m.getTagsMap().entrySet()) {
      String key = cached("t|" + e.getKey(), () -> naming.tagKey(e.getKey()));
      if (key.equals(HOST_LABEL) || key.startsWith("__") || !LABEL_NAME.matcher(key).matches()
          || e.getValue().length() > MAX_TEXT) {
        return null;
      }
      labels.put(key, e.getValue());
    }
    String help = m.getDescription().length() > MAX_TEXT ? m.getDescription().substring(0, MAX_TEXT) : m.getDescription();
    Sample s = switch (m.getType()) {
      case GAUGE -> Double.isFinite(m.getValue())
          ? Sample.gauge(family(m.getName(), Meter.Type.GAUGE, unit), labels, help, m.getValue()) : null;
      case COUNTER -> Double.isFinite(m.getValue()) && m.getValue() >= 0
          ? Sample.counter(family(m.getName(), Meter.Type.COUNTER, unit), labels, help, m.getValue()) : null;
      case SUMMARY -> Double.isFinite(m.getSum()) && Double.isFinite(m.getMax())
          ? Sample.summary(family(m.getName(), "seconds".equals(unit) ? Meter.Type.TIMER
              : Meter.Type.DISTRIBUTION_SUMMARY, unit), labels, help, m.getCount(), m.getSum(), m.getMax()) : null;
      case TYPE_UNSPECIFIED, UNRECOGNIZED -> null;
    };
    return s != null && METRIC_NAME.matcher(s.family()).matches() ? s : null;
  }

  /** The family a meter is exposed under; counters end in {@code _total}, as Micrometer's registry writes them. */
  String family(String name, Meter.Type type, String unit) {
    return cached(type + "|" + unit + "|" + name, () -> {
      String n = naming.name(name, type, unit);
      return type != Meter.Type.COUNTER || n.endsWith("_total") ? n : n + "_total";
    });
  }

  private String cached(String key, Supplier<String> compute) {
    return names.get(key, k -> compute.get());
  }
}
