package io.homefleet.bench;

import java.util.Arrays;
import java.util.List;

/** Percentiles of a sample, in the unit the sample was taken in. */
final class Stats {
  private Stats() {}

  static double percentile(List<? extends Number> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] v = values.stream().mapToDouble(Number::doubleValue).toArray();
    Arrays.sort(v);
    int idx = (int) Math.ceil(p / 100.0 * v.length) - 1;
    return v[Math.max(0, Math.min(v.length - 1, idx))];
  }

  static double median(List<? extends Number> values) {
    return percentile(values, 50);
  }
}
