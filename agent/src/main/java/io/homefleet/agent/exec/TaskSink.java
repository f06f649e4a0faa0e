package io.homefleet.agent.exec;

/** Where a task's events go (the session stream, or a test's list). Implementations must be thread-safe. */
public interface TaskSink {
  /** Events go nowhere: a play's module calls (the result carries the output), tests, benchmarks. */
  TaskSink NONE = new TaskSink() {
    @Override
    public void started(Task task, long unixMillis) {}

    @Override
    public void output(Task task, boolean stderr, byte[] data, long seq) {}

    @Override
    public void finished(Task task, Outcome outcome, long startedMillis, long finishedMillis) {}
  };

  void started(Task task, long unixMillis);

  void output(Task task, boolean stderr, byte[] data, long seq);

  void finished(Task task, Outcome outcome, long startedMillis, long finishedMillis);
}
