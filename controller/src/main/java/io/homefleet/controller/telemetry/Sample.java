package io.homefleet.controller.telemetry;

import java.util.Map;
import java.util.Objects;

/**
 * One sample of an agent's telemetry, already named for Prometheus: {@code family} is the metric
 * family it is exposed under ({@code system_cpu_usage}, {@code tasks_total}, {@code
 * task_duration_seconds}), {@code labels} its tags with Prometheus-safe keys (the controller adds
 * {@code host} when it exposes them).
 *
 * <p>A {@link Kind#SUMMARY} (a timer or distribution summary) is exposed as {@code family_count}
 * and {@code family_sum} of a summary, and {@code family_max} as a gauge, as Micrometer's own
 * Prometheus registry does; the other kinds carry one {@code value}.
 */
public record Sample(String family, Map<String, String> labels, Kind kind, String help, double value, long count,
    double sum, double max) {

  /** What a sample measures. */
  public enum Kind {
    GAUGE("gauge"),
    COUNTER("counter"),
    SUMMARY("summary");

    private final String prometheusType;

    Kind(String prometheusType) {
      this.prometheusType = prometheusType;
    }

    public String prometheusType() {
      return prometheusType;
    }
  }

  public Sample {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(kind, "kind");
    labels = Map.copyOf(labels);
    help = help == null ? "" : help;
  }

  public static Sample gauge(String family, Map<String, String> labels, String help, double value) {
    return new Sample(family, labels, Kind.GAUGE, help, value, 0, 0, 0);
  }

  public static Sample counter(String family, Map<String, String> labels, String help, double value) {
    return new Sample(family, labels, Kind.COUNTER, help, value, 0, 0, 0);
  }

  public static Sample summary(String family, Map<String, String> labels, String help, long count, double sum,
      double max) {
    return new Sample(family, labels, Kind.SUMMARY, help, 0, count, sum, max);
  }
}
