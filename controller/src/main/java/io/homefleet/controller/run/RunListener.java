package io.homefleet.controller.run;

import java.util.List;

/** Receives a run's progress as it happens; calls for one run never overlap. */
public interface RunListener {
  void started(String runId, List<String> hosts);

  void output(String host, boolean stderr, byte[] data);

  void result(String host, TaskOutcome outcome);

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
