package io.homefleet.agent.play;

import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.ModuleRuns;
import io.homefleet.agent.module.Modules;
import io.homefleet.agent.worker.PlayWorkers;
import io.homefleet.playbook.plan.ItemResult;
import io.homefleet.playbook.plan.PlayRecap;
import io.homefleet.playbook.plan.TaskRef;
import io.homefleet.playbook.plan.TaskResult;
import io.homefleet.playbook.template.Templar;
import io.homefleet.proto.v1.ModuleRun;
import io.homefleet.proto.v1.PlayAssignment;
import io.homefleet.proto.v1.PlayEvent;
import io.homefleet.proto.v1.PlayCall;
import io.homefleet.proto.v1.PlayCallResult;
import io.homefleet.proto.v1.WorkerInput;
import io.homefleet.proto.v1.WorkerOutput;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The play worker: the child process in which an agent runs its plays ({@link PlayWorkers}
 * starts it). It reads {@link WorkerInput}s from standard input, runs their plays one at a time
 * with a {@link PlayExecutor} and the agent's modules, and writes every event and every module
 * run to standard output as {@link WorkerOutput}s; its log goes to standard error, which it
 * shares with the agent. It ends when its input closes: at once and exit code 0 when it is
 * idle (the agent closes it some time after the last play), and after cancelling what runs when
 * the agent went away in the middle of a play.
 */
public final class PlayWorkerMain {
  private static final Logger log = LoggerFactory.getLogger(PlayWorkerMain.class);

  private PlayWorkerMain() {}

  /** {@code args}: the agent's state directory. */
  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: PlayWorkerMain STATE_DIR (started by homefleet-agent, not by hand)");
      System.exit(2);
    }
    OutputStream protocol = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
    // Standard output carries the protocol only: anything else printed goes to the log.
    System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
    int code = serve(new BufferedInputStream(new FileInputStream(FileDescriptor.in)), protocol, Path.of(args[0]));
    System.exit(code);
  }

  /** Serves {@code in} until it ends; returns the exit code. */
  static int serve(InputStream in, OutputStream out, Path stateDir) {
    Output output = new Output(out);
    Map<String, Module> modules = ModuleRuns.observed(Modules.builtin(stateDir), output::moduleRun);
    PlayExecutor plays = new PlayExecutor(modules, output, stateDir, Templar::new);
    try {
      WorkerInput msg;
      while ((msg = WorkerInput.parseDelimitedFrom(in)) != null) {
        switch (msg.getKindCase()) {
          case PLAY -> {
            PlayAssignment p = msg.getPlay();
            plays.submit(new PlayWork(p.getAssignmentId(), p.getRunId(), p.getPlayIndex(), p.getPlan().toByteArray()));
          }
          case CANCEL -> plays.cancel(msg.getCancel());
          case CALL_RESULT -> output.answered(msg.getCallResult());
          case KIND_NOT_SET -> log.debug("empty worker input");
        }
      }
    } catch (IOException e) {
      log.warn("play worker: reading from the agent failed: {}", e.getMessage());
    }
    output.abandon();
    int running = plays.runningCount();
    if (running > 0) {
      log.warn("play worker: the agent went away with {} play(s) running or queued; cancelling them", running);
    }
    plays.close();
    int jobs = plays.jobsRunning();
    if (jobs > 0) {
      // A poll: 0 job outlives its play: the worker stays until it ends (async_status reads its file).
      log.info("play worker: waiting for {} async job(s) to end before exiting", jobs);
      try {
        plays.awaitJobs();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return 0;
  }

  /** Writes a message at a time, whole and flushed: the play thread and module runs share it. */
  private static final class Output implements PlaySink {
    private final OutputStream out;
    private boolean broken;
    private final java.util.concurrent.atomic.AtomicLong callIds = new java.util.concurrent.atomic.AtomicLong();
    private final Map<Long, java.util.concurrent.CompletableFuture<PlayCallResult>> calls =
        new java.util.concurrent.ConcurrentHashMap<>();

    Output(OutputStream out) {
      this.out = out;
    }

    synchronized void write(WorkerOutput msg) {
      if (broken) {
        return;
      }
      try {
        msg.writeDelimitedTo(out);
        out.flush();
      } catch (IOException e) {
        // The agent is gone; its end of the input closes too, and serve() ends there.
        broken = true;
        log.warn("play worker: writing to the agent failed: {}", e.getMessage());
      }
    }

    @Override
    public PlayCallResult call(PlayWork work, PlayCall.Builder call) throws InterruptedException {
      long id = callIds.incrementAndGet();
      java.util.concurrent.CompletableFuture<PlayCallResult> answer = new java.util.concurrent.CompletableFuture<>();
      calls.put(id, answer);
      try {
        write(WorkerOutput.newBuilder().setCall(call.setCallId(id).setAssignmentId(work.assignmentId())
            .setRunId(work.runId()).setPlayIndex(work.playIndex())).build());
        if (broken) {
          return PlayCallResult.newBuilder().setError("the agent is gone").build();
        }
        return answer.get();
      } catch (java.util.concurrent.ExecutionException e) {
        return PlayCallResult.newBuilder().setError(String.valueOf(e.getCause())).build();
      } finally {
        calls.remove(id);
      }
    }

    void answered(PlayCallResult result) {
      java.util.concurrent.CompletableFuture<PlayCallResult> waiting = calls.get(result.getCallId());
      if (waiting != null) {
        waiting.complete(result);
      }
    }

    /** The agent went away: no answer will come to what waits. */
    void abandon() {
      calls.values().forEach(f -> f.complete(PlayCallResult.newBuilder().setError("the agent went away").build()));
    }

    void moduleRun(String module, String result, long nanos) {
      write(WorkerOutput.newBuilder().setModuleRun(ModuleRun.newBuilder().setModule(module).setResult(result)
          .setNanos(nanos)).build());
    }

    private void event(PlayWork work, PlayEvent.Builder event) {
      write(WorkerOutput.newBuilder().setEvent(event.setAssignmentId(work.assignmentId()).setRunId(work.runId())
          .setPlayIndex(work.playIndex())).build());
    }

    @Override
    public void taskStarted(PlayWork work, TaskRef task) {
      event(work, PlayEvent.newBuilder().setTaskStarted(PlayMessages.ref(task)));
    }

    @Override
    public void itemFinished(PlayWork work, ItemResult item) {
      event(work, PlayEvent.newBuilder().setItem(PlayMessages.item(item)));
    }

    @Override
    public void taskFinished(PlayWork work, TaskResult result) {
      event(work, PlayEvent.newBuilder().setTask(PlayMessages.task(result)));
    }

    @Override
    public void playFinished(PlayWork work, PlayRecap recap) {
      event(work, PlayEvent.newBuilder().setFinished(PlayMessages.recap(recap)));
    }

    @Override
    public void playFailed(PlayWork work, String message) {
      event(work, PlayEvent.newBuilder().setFinished(PlayWorkers.failedRecap(message)));
    }
  }
}
