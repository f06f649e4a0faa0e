package io.homefleet.controller.run;

import java.util.List;

/** Receives a run's progress as it happens; calls for one run never overlap. */
public interface RunListener {
  void started(String runId, List<String> hosts);

  void output(String host, boolean stderr, byte[] data);

  void result(String host, TaskOutcome outcome);

  /** One host's outcome, as delivered in a batch. */
  record HostResult(String host, TaskOutcome outcome) {}

  /**
   * The outcomes one group commit stored, in commit order; by default one {@link #result} each.
   * A listener that forwards them (the operator's stream) sends them as one message.
   */
  default void results(List<HostResult> hosts) {
    hosts.forEach(h -> result(h.host(), h.outcome()));
  }

  void finished(RunSummary summary);

  /** A listener that ignores everything (for runs nobody watches). */
  RunListener NONE = new RunListener() {
    @Override
    public void started(String runId, List<String> hosts) {}

    @Override
    public void output(String host, boolean stderr, byte[] data) {}

    @Override
    public void result(String host, TaskOutcome outcome) {}

    @Override
    public void finished(RunSummary summary) {}
  };
}
