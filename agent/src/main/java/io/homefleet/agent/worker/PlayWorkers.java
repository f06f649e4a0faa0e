package io.homefleet.agent.worker;

import io.homefleet.proto.v1.PlayAssignment;
import io.homefleet.proto.v1.PlayEvent;
import io.homefleet.proto.v1.PlayRecap;
import io.homefleet.proto.v1.PlayCall;
import io.homefleet.proto.v1.PlayCallResult;
import io.homefleet.proto.v1.WorkerInput;
import io.homefleet.proto.v1.WorkerOutput;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the agent's plays in a child process, the play worker ({@code io.homefleet.agent.play.PlayWorkerMain}),
 * so that the agent itself never loads the play engine: the template engine, Jackson and the
 * ~1,750 classes of the play path would stay in its metaspace for good, ~16 MiB on a daemon
 * whose steady state is idle (bench/HISTORY.md, "The agent after work"). The worker is started
 * for the first play, serves the plays that follow, and is told to exit (its input closed) once
 * no play has run for the idle time, so the next play after a pause pays its start again.
 *
 * <p>Assignments go to the worker's standard input, its events come back on its standard output
 * and go to the {@link Listener} as they are; its log goes to the agent's standard error. A play
 * that the worker does not finish (it crashed, was killed, or could not be started) ends with a
 * failed recap that says so. The agent's journal has already made sure each assignment comes once.
 */
public final class PlayWorkers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PlayWorkers.class);
  /** The environment variable whose value, when set, replaces {@link #DEFAULT_JAVA_OPTS}. */
  public static final String OPTS_ENV = "HOMEFLEET_PLAY_WORKER_OPTS";
  /**
   * The worker's JVM flags: it lives for a play or a series of plays, so start and run speed come
   * before memory; C1 only as the agent (the play path's code is short and run a few times), the
   * serial collector, a heap bounded well above what a play holds.
   */
  public static final String DEFAULT_JAVA_OPTS = "-XX:+UseSerialGC -Xms16m -Xmx128m -Xss512k"
      + " -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:-UsePerfData -XX:+IgnoreUnrecognizedVMOptions";
  private static final String MAIN = "io.homefleet.agent.play.PlayWorkerMain";

  /** Where a worker's events go. Called on the worker's reader thread, in the order it wrote them. */
  public interface Listener {
    /** A task started, an item or a task finished. */
    void event(PlayEvent event);

    /** The play ended: {@code event} holds its recap. */
    void finished(PlayEvent event);

    /** A module run of a play's task, for the task metrics. */
    void moduleRun(String module, String result, long nanos);

    /** A running play asks the controller something; the answer comes back through {@link #answer}. */
    default void call(PlayCall call) {
    }
  }

  private final List<String> command;
  private final Listener listener;
  private final ScheduledExecutorService timer;
  private final Duration idle;
  private Worker current; // guarded by this
  private ScheduledFuture<?> idleExit; // guarded by this
  private boolean closed; // guarded by this

  /**
   * @param command the worker's command line ({@link #command(Path)})
   * @param timer runs the idle exit
   * @param idle how long a worker with no play waits for the next before it is told to exit
   */
  public PlayWorkers(List<String> command, Listener listener, ScheduledExecutorService timer, Duration idle) {
    this.command = List.copyOf(command);
    this.listener = listener;
    this.timer = timer;
    this.idle = idle;
  }

  /**
   * The worker's command line ({@link ChildJvm}): {@link #OPTS_ENV} or the default flags with the
   * worker's class-data archive when the build made one ({@code homefleet-play.jsa} beside the
   * agent's jar).
   */
  public static List<String> command(Path stateDir) {
    return ChildJvm.command(OPTS_ENV, DEFAULT_JAVA_OPTS, "homefleet-play.jsa", MAIN, stateDir.toString());
  }

  /** A failed recap with {@code message} as its error: a play that could not run or did not end. */
  public static PlayRecap failedRecap(String message) {
    return PlayRecap.newBuilder().setFailed(1).setEnd("FAILED").setError(message).build();
  }

  /** Sends {@code play} to the worker, starting one if none runs. */
  public synchronized void submit(PlayAssignment play) {
    if (closed) {
      listener.finished(failed(play, "the agent is stopping; the play was not run"));
      return;
    }
    if (idleExit != null) {
      idleExit.cancel(false);
      idleExit = null;
    }
    if (current == null || !current.accepting()) {
      try {
        current = new Worker(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
      } catch (IOException e) {
        log.error("cannot start the play worker ({}): {}", command.get(0), e.getMessage());
        listener.finished(failed(play, "the agent could not start its play worker: " + e.getMessage()));
        return;
      }
    }
    current.send(play);
  }

  /** Cancels the play if a worker has it (it reports "cancelled"). */
  public synchronized void cancel(String assignmentId) {
    if (current != null && current.has(assignmentId)) {
      current.write(WorkerInput.newBuilder().setCancel(assignmentId).build());
    }
  }

  /** The controller's answer to a play's {@link Listener#call}: to the worker that asked. */
  public synchronized void answer(PlayCallResult result) {
    if (current != null && current.has(result.getAssignmentId())) {
      current.write(WorkerInput.newBuilder().setCallResult(result).build());
    }
  }

  /** Plays sent to a worker and not finished. */
  public synchronized int runningCount() {
    return current == null ? 0 : current.inFlight();
  }

  /** Whether a worker process is running (for tests and the bench). */
  public synchronized boolean workerRunning() {
    return current != null && current.process.isAlive();
  }

  private synchronized void idleNow(Worker w) {
    if (w == current && w.inFlight() == 0) {
      idleExit = timer.schedule(() -> exitIfIdle(w), idle.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private synchronized void exitIfIdle(Worker w) {
    if (w == current && w.inFlight() == 0) {
      log.debug("play worker {} idle for {}; closing it", w.process.pid(), idle);
      w.closeInput();
      current = null;
    }
  }

  /** The finished event of a play that could not run or did not end: its failed recap says why. */
  public static PlayEvent failedEvent(String assignmentId, String runId, int playIndex, String message) {
    return PlayEvent.newBuilder().setAssignmentId(assignmentId).setRunId(runId).setPlayIndex(playIndex)
        .setFinished(failedRecap(message)).build();
  }

  private static PlayEvent failed(PlayAssignment play, String message) {
    return failedEvent(play.getAssignmentId(), play.getRunId(), play.getPlayIndex(), message);
  }

  /** Closes the worker's input, gives it a moment to cancel what runs, then kills what is left. */
  @Override
  public void close() {
    Worker w;
    synchronized (this) {
      closed = true;
      w = current;
      current = null;
    }
    if (w != null) {
      w.closeInput();
      try {
        if (!w.process.waitFor(15, TimeUnit.SECONDS)) {
          w.process.descendants().forEach(ProcessHandle::destroyForcibly);
          w.process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** One worker process and the plays it has. */
  private final class Worker {
    final Process process;
    private final OutputStream in;
    private final Map<String, PlayAssignment> plays = new LinkedHashMap<>(); // guarded by PlayWorkers.this
    private boolean inputClosed; // guarded by PlayWorkers.this

    Worker(Process process) {
      this.process = process;
      this.in = new BufferedOutputStream(process.getOutputStream(), 1 << 16);
      Thread reader = new Thread(this::read, "homefleet-play-worker-" + process.pid());
      reader.setDaemon(true);
      reader.start();
      log.info("play worker {} started", process.pid());
    }

    boolean accepting() {
      return !inputClosed && process.isAlive();
    }

    boolean has(String id) {
      return plays.containsKey(id);
    }

    int inFlight() {
      return plays.size();
    }

    void send(PlayAssignment play) {
      plays.put(play.getAssignmentId(), play);
      write(WorkerInput.newBuilder().setPlay(play).build());
    }

    void write(WorkerInput msg) {
      try {
        msg.writeDelimitedTo(in);
        in.flush();
      } catch (IOException e) {
        // It died: the reader sees its output end and fails what it had.
        log.warn("play worker {}: cannot write to it: {}", process.pid(), e.getMessage());
        process.destroyForcibly();
      }
    }

    void closeInput() {
      inputClosed = true;
      try {
        in.close();
      } catch (IOException e) {
        log.debug("play worker {}: closing its input: {}", process.pid(), e.getMessage());
      }
    }

    private void read() {
      try (InputStream out = new BufferedInputStream(process.getInputStream(), 1 << 16)) {
        WorkerOutput msg;
        while ((msg = WorkerOutput.parseDelimitedFrom(out)) != null) {
          switch (msg.getKindCase()) {
            case EVENT -> route(msg.getEvent());
            case MODULE_RUN -> listener.moduleRun(msg.getModuleRun().getModule(), msg.getModuleRun().getResult(),
                msg.getModuleRun().getNanos());
            case CALL -> listener.call(msg.getCall());
            case KIND_NOT_SET -> log.debug("empty worker output");
          }
        }
      } catch (IOException e) {
        log.warn("play worker {}: reading its output failed: {}", process.pid(), e.getMessage());
      }
      int code;
      try {
        code = process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      List<PlayAssignment> lost;
      synchronized (PlayWorkers.this) {
        lost = new ArrayList<>(plays.values());
        plays.clear();
        if (current == this) {
          current = null;
        }
      }
      if (lost.isEmpty()) {
        log.info("play worker {} exited ({})", process.pid(), code);
        // The plays' assignments and events passed through the agent's heap; with the agent's
        // serial collector and -XX:-ShrinkHeapInSteps one full collection shrinks it back.
        System.gc();
        return;
      }
      log.error("play worker {} exited ({}) with {} play(s) not finished", process.pid(), code, lost.size());
      for (PlayAssignment p : lost) {
        listener.finished(failed(p, "the play worker exited (exit code " + code + ") before the play ended;"
            + " the agent's log says why"));
      }
    }

    private void route(PlayEvent event) {
      if (event.getKindCase() != PlayEvent.KindCase.FINISHED) {
        listener.event(event);
        return;
      }
      boolean idleNow;
      synchronized (PlayWorkers.this) {
        plays.remove(event.getAssignmentId());
        idleNow = plays.isEmpty();
      }
      listener.finished(event);
      if (idleNow) {
        idleNow(this);
      }
    }
  }
}
