package io.homefleet.agent.telemetry;

import io.homefleet.agent.backup.BackupHistory;
import io.homefleet.proto.v1.MetricSample;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The backup figures the controller gets over the session, beside {@link BasicSamples}: per
 * repository of this host's {@link BackupHistory}, whether the last backup succeeded, the age of
 * the newest good snapshot and the {@code max_age} it is held to, and the last canary's result
 * (the controller's {@code homefleet status} shows a failed or stale backup from them). Same
 * names and units as {@link BackupMetrics}'s gauges. A host that never backed up sends none and
 * reads nothing but one directory's absence.
 */
public final class BackupSamples implements SessionTelemetry.Source {
  private final BackupHistory history;
  private final Clock clock;

  public BackupSamples(BackupHistory history, Clock clock) {
    this.history = history;
    this.clock = clock;
  }

  @Override
  public List<MetricSample> samples() {
    List<MetricSample> out = new ArrayList<>();
    long now = clock.millis();
    for (BackupHistory.Entry e : history.all()) {
      for (BackupMetrics.Figure f : BackupMetrics.FIGURES) {
        double v = f.session() ? f.value().of(e, now) : Double.NaN;
        if (!Double.isNaN(v)) {
          add(out, f.name(), f.unit() == null ? "" : f.unit(), v, e.repository());
        }
      }
    }
    return out;
  }

  private static void add(List<MetricSample> out, String name, String unit, double value, String repo) {
    out.add(MetricSample.newBuilder().setName(name).setType(MetricSample.Type.GAUGE).setBaseUnit(unit)
        .setDescription("homefleet backup figure (docs/backups.md)").setValue(value)
        .putTags(MetricNames.TAG_REPOSITORY, repo).build());
  }
}
