package io.homefleet.controller.play;

import io.homefleet.playbook.plan.ItemResult;
import io.homefleet.playbook.plan.TaskRef;
import io.homefleet.playbook.plan.TaskResult;
import java.util.List;
import java.util.Map;

/**
 * Receives a playbook run's progress as it happens, each event after what it reports is stored.
 * Calls for one run never overlap and come in the order the controller learned of them.
 */
public interface PlayListener {
  /** The playbook validated and the run is stored. */
  default void runStarted(String runId, List<String> warnings) {}

  /** A play (or, under {@code serial}, one batch of it) starts on {@code batch}. */
  default void playStarted(int playIndex, String name, List<String> hosts, List<String> batch) {}

  default void taskStarted(String host, int playIndex, TaskRef task) {}

  default void itemFinished(String host, int playIndex, ItemResult item) {}

  default void taskFinished(String host, int playIndex, TaskResult result) {}

  /** A host's play ended. */
  default void hostFinished(String host, int playIndex, HostOutcome outcome) {}

  /** Something the operator should read ("skipping: no hosts matched", "NO MORE HOSTS LEFT"). */
  default void note(String message) {}

  /**
   * The run ended.
   *
   * @param state {@code succeeded} or {@code failed}
   * @param totals per host, summed over the plays
   */
  default void finished(String state, Map<String, Totals> totals) {}

  /** One host's PLAY RECAP line. */
  record Totals(int ok, int changed, int unreachable, int failed, int skipped, int rescued, int ignored) {
    static final Totals ZERO = new Totals(0, 0, 0, 0, 0, 0, 0);

    Totals plus(HostOutcome o) {
      var r = o.recap();
      return new Totals(ok + r.ok(), changed + r.changed(), unreachable + (o.unreachable() ? 1 : r.unreachable()),
          failed + r.failed(), skipped + r.skipped(), rescued + r.rescued(), ignored + r.ignored());
    }
  }
}
