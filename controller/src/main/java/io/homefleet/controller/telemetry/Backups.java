package io.homefleet.controller.telemetry;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A host's backup repositories as its latest telemetry describes them (the agent's {@code
 * BackupSamples}): for each, whether the last backup failed, whether the newest good snapshot is
 * older than the backup's {@code max_age}, and whether the last canary restore found a
 * difference. What {@code homefleet status} shows beside convergence.
 */
public final class Backups {
  static final String LAST_SUCCESS = "homefleet_backup_last_success";
  static final String LAST_TIME = "homefleet_backup_last_time_seconds";
  static final String SNAPSHOT_AGE = "homefleet_backup_snapshot_age_seconds";
  static final String MAX_AGE = "homefleet_backup_max_age_seconds";
  static final String CANARY_SUCCESS = "homefleet_backup_canary_success";
  private static final String REPOSITORY = "repository";

  private Backups() {}

  /**
   * One repository's state.
   *
   * @param state {@code failed}, {@code stale}, {@code canary-failed} or {@code ok}, the worst first
   * @param snapshotAgeSeconds the newest good snapshot's age when the snapshot was taken, -1 for none
   * @param maxAgeSeconds the backup's max_age, 0 for none
   */
  public record State(String repository, String state, long lastUnixMillis, long snapshotAgeSeconds,
      long maxAgeSeconds) {}

  /** The repositories in {@code snapshot}, by name. */
  public static List<State> of(HostSnapshot snapshot) {
    Set<String> repos = new LinkedHashSet<>();
    for (Sample s : snapshot.samples()) {
      if (s.family().startsWith("homefleet_backup_") && s.labels().containsKey(REPOSITORY)) {
        repos.add(s.labels().get(REPOSITORY));
      }
    }
    List<State> out = new ArrayList<>();
    for (String repo : repos.stream().sorted().toList()) {
      Optional<Double> ok = value(snapshot, LAST_SUCCESS, repo);
      Optional<Double> age = value(snapshot, SNAPSHOT_AGE, repo);
      long maxAge = value(snapshot, MAX_AGE, repo).map(Double::longValue).orElse(0L);
      Optional<Double> canary = value(snapshot, CANARY_SUCCESS, repo);
      String state;
      if (ok.isPresent() && ok.get() < 1) {
        state = "failed";
      } else if (maxAge > 0 && (age.isEmpty() || age.get() > maxAge)) {
        state = "stale";
      } else if (canary.isPresent() && canary.get() < 1) {
        state = "canary-failed";
      } else {
        state = "ok";
      }
      out.add(new State(repo, state, value(snapshot, LAST_TIME, repo).map(t -> (long) (t * 1000)).orElse(0L),
          age.map(Double::longValue).orElse(-1L), maxAge));
    }
    return out;
  }

  private static Optional<Double> value(HostSnapshot snapshot, String family, String repo) {
    return snapshot.find(family, Map.of(REPOSITORY, repo)).map(Sample::value);
  }
}
