package io.homefleet.agent.module.restic;

import io.homefleet.agent.backup.BackupHistory;
import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Commands;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code restic_check}: restic's {@code check} of a repository's structure, with
 * {@code read_data_subset} ({@code 1/10}, {@code 5%}, {@code 500M}) or {@code read_data} to read
 * pack contents back too; then the newest snapshot's age, which fails the task when it is older
 * than {@code max_age} ({@code 26h}, {@code 2d}): a schedule running this check shows stopped
 * backups as a failed run in {@code homefleet status}. A passing check records the newest
 * snapshot as good in the agent's {@link BackupHistory}. Read-only, so it runs in check mode too,
 * and never reports a change.
 */
public final class ResticCheckModule implements Module {
  private static final Pattern AGE = Pattern.compile("(\\d+)([smhdw])");

  private final BackupHistory history;

  public ResticCheckModule(BackupHistory history) {
    this.history = history;
  }

  @Override
  public String name() {
    return "restic_check";
  }

  @Override
  public Outcome run(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), raw);
    Restic restic = Restic.of(a);
    Duration maxAge = a.str("max_age").isPresent() ? age(a, a.str("max_age").get()) : null;
    if (a.has("read_data_subset") && a.bool("read_data", false)) {
      throw a.error("give read_data or read_data_subset, not both");
    }
    List<String> args = new ArrayList<>(List.of("check"));
    a.str("read_data_subset").ifPresent(s -> args.add("--read-data-subset=" + s));
    if (a.bool("read_data", false)) {
      args.add("--read-data");
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("repository", restic.shown());
    Commands.Result r = restic.run(ctx, args);
    if (!r.ok() && (Restic.missing(r) || r.stderr().contains("wrong password"))) {
      throw new TaskException(name(), restic.failure("check", r));
    }
    if (!r.ok()) {
      data.put("errors", r.stdout().lines().filter(l -> l.contains("error") || l.contains("Error")).limit(20).toList());
      return Outcome.failed("restic check found the repository at " + restic.shown() + " damaged: "
          + restic.failure("check", r) + "; restore what you need from another copy, then 'restic repair' (0.16+) "
          + "or a new repository", data);
    }
    List<Restic.Snapshot> snaps = restic.snapshots(ctx, List.of());
    long newest = snaps.stream().mapToLong(Restic.Snapshot::unixMillis).max().orElse(0);
    data.put("snapshots", snaps.size());
    long now = System.currentTimeMillis();
    if (newest > 0) {
      data.put("newest_snapshot_time", Instant.ofEpochMilli(newest).toString());
      data.put("newest_snapshot_age", (now - newest) / 1000);
      try {
        history.checked(restic.shown(), newest);
      } catch (IOException e) {
        throw new TaskException(name(), "the check passed but its record in " + history.dir()
            + " could not be written: " + e.getMessage());
      }
    }
    if (maxAge != null && (newest == 0 || now - newest > maxAge.toMillis())) {
      return Outcome.failed("backups of " + restic.shown() + " have stopped: "
          + (newest == 0 ? "the repository has no snapshot"
              : "its newest snapshot is " + ago(Duration.ofMillis(now - newest)) + " old")
          + ", more than max_age " + a.str("max_age").get() + "; look at the backup schedule's last runs", data);
    }
    return Outcome.result(false, "no errors in " + restic.shown() + " (" + snaps.size() + " snapshot(s))", data);
  }

  /** An age in the unit a person reads best: seconds, minutes, hours, then days. */
  static String ago(Duration d) {
    long s = d.toSeconds();
    return s < 120 ? s + "s" : s < 7200 ? s / 60 + "m" : s < 172_800 ? s / 3600 + "h" : s / 86_400 + "d";
  }

  /** {@code 90s}, {@code 30m}, {@code 26h}, {@code 2d}, {@code 1w}. */
  static Duration age(Args a, String v) throws TaskException {
    Matcher m = AGE.matcher(v.strip());
    if (!m.matches()) {
      throw a.error("max_age '" + v + "' is not a duration (examples: 90m, 26h, 2d, 1w)");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofDays(7 * n);
    };
  }
}
