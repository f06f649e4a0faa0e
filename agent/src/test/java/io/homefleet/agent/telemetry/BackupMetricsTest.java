package io.homefleet.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.backup.BackupHistory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.homefleet.proto.v1.MetricSample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup gauges from real records in a state dir: values per repository, a repository that
 * appears after the first scrape, the session samples, and promtool's lint of the page.
 */
class BackupMetricsTest {
  private static final long NOW = 1_800_000_000_000L;

  @Test
  void gauges_followTheRecords_perRepository_andPassPromtool(@TempDir Path dir) throws Exception {
    Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
    BackupHistory history = new BackupHistory(dir);
    history.backup("/mnt/nas/a", new BackupHistory.Backup(NOW - 7_200_000, true, "aaaa1111", 4096, 2, 0, ""),
        NOW - 7_300_000, List.of(), 3_600_000);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    BackupMetrics metrics = new BackupMetrics(history, registry, clock);
    metrics.refresh();
    String page = registry.scrape();
    assertThat(value(page, "homefleet_backup_last_success", "/mnt/nas/a")).isEqualTo(1);
    assertThat(value(page, "homefleet_backup_snapshot_age_seconds", "/mnt/nas/a")).isEqualTo(7300);
    assertThat(value(page, "homefleet_backup_max_age_seconds", "/mnt/nas/a")).isEqualTo(3600);
    assertThat(value(page, "homefleet_backup_last_added_bytes", "/mnt/nas/a")).isEqualTo(4096);
    assertThat(value(page, "homefleet_backup_last_time_seconds", "/mnt/nas/a")).isEqualTo((NOW - 7_200_000) / 1000.0);

    // A failed backup and a canary of a second repository: both show at the next scrape.
    history.backup("/mnt/nas/a", new BackupHistory.Backup(NOW, false, "", 0, 0, 0, "disk full"), NOW, List.of(), 0);
    history.canary("sftp:nas:/b", new BackupHistory.Canary(NOW - 60_000, false, "bbbb2222", 1, "differs"));
    metrics.refresh();
    page = registry.scrape();
    assertThat(value(page, "homefleet_backup_last_success", "/mnt/nas/a")).isEqualTo(0);
    assertThat(value(page, "homefleet_backup_last_added_bytes", "/mnt/nas/a")).as("the last good one's").isEqualTo(4096);
    assertThat(value(page, "homefleet_backup_snapshot_age_seconds", "/mnt/nas/a")).isEqualTo(7300);
    assertThat(value(page, "homefleet_backup_canary_success", "sftp:nas:/b")).isEqualTo(0);
    assertThat(value(page, "homefleet_backup_canary_age_seconds", "sftp:nas:/b")).isEqualTo(60);

    Map<String, Double> sent = new BackupSamples(history, clock).samples().stream()
        .collect(Collectors.toMap(s -> s.getName() + " " + s.getTagsMap().get("repository"), MetricSample::getValue));
    assertThat(sent).containsEntry("homefleet.backup.last.success /mnt/nas/a", 0.0)
        .containsEntry("homefleet.backup.snapshot.age.seconds /mnt/nas/a", 7300.0)
        .containsEntry("homefleet.backup.canary.success sftp:nas:/b", 0.0)
        .doesNotContainKey("homefleet.backup.max.age.seconds /mnt/nas/a");
    assertThat(new BackupSamples(new BackupHistory(dir.resolve("none")), clock).samples()).isEmpty();

    Path file = dir.resolve("scrape.txt");
    Files.writeString(file, page);
    Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true)
        .redirectInput(file.toFile()).start();
    String verdict = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("promtool check metrics:\n%s\n%s", verdict, page).isZero();
  }

  private static double value(String page, String name, String repo) {
    String prefix = name + "{repository=\"" + repo + "\"} ";
    return page.lines().filter(l -> l.startsWith(prefix)).map(l -> Double.parseDouble(l.substring(prefix.length())))
        .findFirst().orElseThrow(() -> new AssertionError(prefix + " not in:\n" + page));
  }
}
