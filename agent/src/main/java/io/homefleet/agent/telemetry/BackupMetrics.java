package io.homefleet.agent.telemetry;

import io.homefleet.agent.backup.BackupHistory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The backup figures of every repository this host's restic modules have used, read from the
 * agent's {@link BackupHistory} at each scrape or push ({@link #refresh}): when the last backup
 * ran, whether it succeeded and what it added, the age of the newest good snapshot (the figure
 * to alert on when backups stop), and the last canary restore's result and age. A repository
 * gets its gauges when its first record appears; its tag is the repository without credentials.
 */
final class BackupMetrics {
  private final BackupHistory history;
  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, BackupHistory.Entry> entries = new ConcurrentHashMap<>();
  private final Set<String> registered = new HashSet<>();

  BackupMetrics(BackupHistory history, MeterRegistry registry, Clock clock) {
    this.history = history;
    this.registry = registry;
    this.clock = clock;
  }

  /** Reads the records again; registers the gauges of repositories seen for the first time. */
  synchronized void refresh() {
    List<BackupHistory.Entry> all = history.all();
    for (BackupHistory.Entry e : all) {
      entries.put(e.repository(), e);
      if (registered.add(e.repository())) {
        register(e.repository());
      }
    }
  }

  /** A figure of a repository's record at a time (Unix milliseconds); NaN when the record has none. */
  interface Value {
    double of(BackupHistory.Entry e, long nowMillis);
  }

  /** One backup figure; {@code session}: also sent to the controller ({@link BackupSamples}). */
  record Figure(String name, String description, String unit, boolean session, Value value) {}

  /** Every figure, the gauges' and the session's alike. */
  static final List<Figure> FIGURES = List.of(
      new Figure(MetricNames.BACKUP_LAST_TIME, "When the last backup to the repository ended (Unix time)", "seconds",
          true, (e, now) -> e.last().map(b -> b.unixMillis() / 1000.0).orElse(Double.NaN)),
      new Figure(MetricNames.BACKUP_LAST_SUCCESS, "1 when the last backup to the repository succeeded, else 0", null,
          true, (e, now) -> e.last().map(b -> b.ok() ? 1.0 : 0.0).orElse(Double.NaN)),
      new Figure(MetricNames.BACKUP_LAST_ADDED, "Bytes the last successful backup added to the repository", "bytes",
          false, (e, now) -> e.backups().stream().filter(BackupHistory.Backup::ok).findFirst()
              .map(b -> (double) b.dataAdded()).orElse(Double.NaN)),
      new Figure(MetricNames.BACKUP_SNAPSHOT_AGE, "Age of the repository's newest good snapshot (alert when it grows "
          + "past the backup interval)", "seconds", true,
          (e, now) -> e.newestGoodMillis() <= 0 ? Double.NaN : (now - e.newestGoodMillis()) / 1000.0),
      new Figure(MetricNames.BACKUP_MAX_AGE, "The age past which the newest snapshot counts as stale (the backup's "
          + "max_age)", "seconds", true, (e, now) -> e.maxAgeMillis() <= 0 ? Double.NaN : e.maxAgeMillis() / 1000.0),
      new Figure(MetricNames.BACKUP_CANARY_SUCCESS, "1 when the last canary restore from the repository matched, "
          + "else 0", null, true, (e, now) -> e.canary() == null ? Double.NaN : e.canary().ok() ? 1.0 : 0.0),
      new Figure(MetricNames.BACKUP_CANARY_AGE, "Seconds since the last canary restore from the repository",
          "seconds", false,
          (e, now) -> e.canary() == null ? Double.NaN : (now - e.canary().unixMillis()) / 1000.0));

  private void register(String repo) {
    for (Figure f : FIGURES) {
      gauge(f.name(), f.description(), f.unit(), repo, e -> f.value().of(e, clock.millis()));
    }
  }

  private void gauge(String name, String description, String unit, String repo,
      ToDoubleFunction<BackupHistory.Entry> value) {
    Gauge.Builder<BackupMetrics> b = Gauge.builder(name, this, m -> {
      BackupHistory.Entry e = m.entries.get(repo);
      return e == null ? Double.NaN : value.applyAsDouble(e);
    }).description(description).tags(MetricNames.TAG_REPOSITORY, repo).strongReference(true);
    if (unit != null) {
      b.baseUnit(unit);
    }
    b.register(registry);
  }
}
