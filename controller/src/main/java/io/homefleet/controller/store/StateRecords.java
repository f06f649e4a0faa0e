package io.homefleet.controller.store;

import java.util.Map;
import java.util.Optional;

/** Rows of the desired-state tables (migration V3): versions, history, convergences, schedules. */
public final class StateRecords {
  private StateRecords() {}

  /**
   * A stored version of the state directory.
   *
   * @param version the content address (sha256 hex of the sorted paths and contents)
   * @param files path to content, for the calls that ask for them (empty otherwise)
   */
  public record Version(String version, long createdAt, String createdBy, String source, Map<String, byte[]> files) {
    public Version {
      files = Map.copyOf(files);
    }
  }

  /** One entry of the history: which version became current, when, by whom, and how. */
  public record HistoryEntry(long seq, String version, String action, long at, String by, String source) {}

  /**
   * One convergence of one host: a playbook run of the state's site.yml limited to the host.
   *
   * @param status running, converged, drifted, failed or offline
   * @param changed tasks that changed (enforce) or would have (report)
   */
  public record Convergence(String runId, String host, String version, String mode, String trigger, String status,
      int changed, String msg, long startedAt, Optional<Long> finishedAt) {}

  /** What the controller remembers of a schedule between starts: when it first saw it and its last run. */
  public record ScheduleRun(String name, long firstSeenAt, Optional<Long> lastAt, Optional<String> lastRunId,
      Optional<String> lastState) {}
}
