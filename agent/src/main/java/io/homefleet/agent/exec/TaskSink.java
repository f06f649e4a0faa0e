package io.homefleet.agent.exec;

/** Where a task's events go (the session stream, or a test's list). Implementations must be thread-safe. */
public interface TaskSink {
  void started(Task task, long unixMillis);

  void output(Task task, boolean stderr, byte[] data, long seq);

  void finished(Task task, Outcome outcome, long startedMillis, long finishedMillis);
}
