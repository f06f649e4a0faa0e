package io.homefleet.agent.exec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;

/**
 * Everything a module may use while it runs: where output goes, whether it was cancelled, its
 * time limit, its working directory and whether this is check mode. No statics, no globals.
 */
public final class TaskContext {
  private final Task task;
  private final TaskSink sink;
  private final Logger log;
  private final Path workDir;
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final AtomicReference<Process> process = new AtomicReference<>();
  private final AtomicLong seq = new AtomicLong();
  private volatile boolean finished;

  public TaskContext(Task task, TaskSink sink, Logger log, Path workDir) {
    this.task = task;
    this.sink = sink;
    this.log = log;
    this.workDir = workDir;
  }

  public Task task() {
    return task;
  }

  public Logger log() {
    return log;
  }

  public Path workDir() {
    return workDir;
  }

  public boolean checkMode() {
    return task.checkMode();
  }

  public Duration timeout() {
    return task.timeout();
  }

  /** Streams a chunk of output to the controller as it happens. */
  public void output(boolean stderr, byte[] data, int len) {
    if (finished) {
      // A background child kept the pipe open after the task ended: its output is not the task's.
      return;
    }
    byte[] copy = len == data.length ? data : java.util.Arrays.copyOf(data, len);
    sink.output(task, stderr, copy, seq.getAndIncrement());
  }

  public boolean cancelled() {
    return cancelled.get();
  }

  /** Registers the child process so a cancel can stop it. */
  public void attach(Process p) {
    process.set(p);
    if (cancelled.get()) {
      Processes.stop(p);
    }
  }

  void finish() {
    finished = true;
  }

  void cancel() {
    cancelled.set(true);
    Process p = process.get();
    if (p != null) {
      Processes.stop(p);
    }
  }
}
