package io.homefleet.agent.play;

import io.homefleet.agent.exec.AsyncJobs;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.worker.RebootCheckpoint;
import io.homefleet.playbook.plan.HostPlan;
import io.homefleet.playbook.plan.ItemResult;
import io.homefleet.playbook.plan.PlanCodec;
import io.homefleet.playbook.plan.PlanException;
import io.homefleet.playbook.run.PlanListener;
import io.homefleet.playbook.run.PlanRunner;
import io.homefleet.playbook.plan.PlayRecap;
import io.homefleet.playbook.plan.TaskRef;
import io.homefleet.playbook.plan.TaskResult;
import io.homefleet.playbook.template.Templar;
import io.homefleet.pki.SecureFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs play assignments one at a time, in the order they arrive: decodes the plan, unpacks its
 * bundle into a work directory of its own ({@code STATE/plays/ASSIGNMENT}), runs it with a
 * {@link PlanRunner} through the agent's modules, and reports every event to a {@link PlaySink}
 * as it happens. A cancel interrupts the play's thread. The work directory is removed afterwards.
 * The template engine is made for the first play and kept for the next ones. It runs in the play
 * worker process ({@link PlayWorkerMain}), which ends when the agent has no more plays for it.
 * Like all of the state dir it is the agent user's alone: its directories 0700, its files 0600
 * (the bundle written so, what a task wrote made so after the task).
 */
public final class PlayExecutor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PlayExecutor.class);

  private final Map<String, Module> modules;
  private final PlaySink sink;
  private final Path playsDir;
  private final Path stateDir;
  private final ExecutorService thread;
  private final Supplier<Templar> newTemplar;
  private Templar templar; // only on the play thread
  private final Map<String, Future<?>> running = new ConcurrentHashMap<>();
  private final Map<String, PlayWork> queued = new ConcurrentHashMap<>();
  private final AsyncJobs jobs = new AsyncJobs();

  /**
   * @param modules the agent's modules by short name
   * @param sink where events go
   * @param stateDir the agent's state directory; plays work under {@code plays/} in it
   * @param newTemplar makes the plays' template engine (costly: one is made, for the first play)
   */
  public PlayExecutor(Map<String, Module> modules, PlaySink sink, Path stateDir, Supplier<Templar> newTemplar) {
    this.modules = Map.copyOf(modules);
    this.sink = sink;
    this.playsDir = stateDir.resolve("plays");
    this.stateDir = stateDir;
    this.newTemplar = newTemplar;
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "homefleet-play");
      t.setDaemon(true);
      return t;
    });
  }

  /** Plays queued or running. */
  public int runningCount() {
    return running.size();
  }

  /** Background jobs ({@code async} with {@code poll: 0}) still running. */
  public int jobsRunning() {
    return jobs.runningCount();
  }

  /** Waits for the background jobs to end: they outlive their play, not the worker. */
  public void awaitJobs() throws InterruptedException {
    jobs.awaitAll();
  }

  /** Queues {@code work} (the agent's journal has made sure it comes once). */
  public void submit(PlayWork work) {
    synchronized (running) {
      queued.put(work.assignmentId(), work);
      running.put(work.assignmentId(), thread.submit(() -> execute(work)));
    }
  }

  /** Interrupts (or unqueues) the play; it reports {@link PlaySink#playFailed} with "cancelled". */
  public void cancel(String assignmentId) {
    Future<?> f;
    synchronized (running) {
      f = running.get(assignmentId);
    }
    if (f != null) {
      log.info("cancelling play {}", assignmentId);
      if (f.cancel(true)) {
        // A play cancelled before it started never runs execute(): report it here.
        PlayWork work = queued.remove(assignmentId);
        if (running.remove(assignmentId) != null && work != null) {
          sink.playFailed(work, "cancelled");
        }
      }
    }
  }

  private void execute(PlayWork work) {
    if (queued.remove(work.assignmentId()) == null) {
      return; // cancelled while queued, and reported then
    }
    Path dir = playsDir.resolve(SecureFiles.safeName(work.assignmentId()));
    long started = System.currentTimeMillis();
    Runnable report;
    boolean cutShort = false;
    try {
      HostPlan plan = PlanCodec.decode(work.plan());
      log.info("play {} ('{}') starts: run {}, play {}", work.assignmentId(), plan.play(), work.runId(),
          work.playIndex());
      Path bundle = dir.resolve("bundle");
      SecureFiles.createPrivateDirectories(bundle);
      PlanListener listener = new PlanListener() {
        @Override
        public void taskStarted(TaskRef task) {
          sink.taskStarted(work, task);
        }

        @Override
        public void itemFinished(ItemResult item) {
          sink.itemFinished(work, item);
        }

        @Override
        public void taskFinished(TaskResult result) {
          sink.taskFinished(work, result);
        }
      };
      // A play its host rebooted goes on from its checkpoint; the reboot module is the play's own.
      RebootModule reboot = new RebootModule(stateDir, work, RebootCheckpoint.find(stateDir, work.assignmentId()),
          java.time.Clock.systemUTC());
      Map<String, Module> playModules = new java.util.HashMap<>(modules);
      playModules.put(reboot.name(), reboot);
      ModuleAdapter invoker = new ModuleAdapter(playModules, work.runId(), work.assignmentId(), dir, bundle,
          this::templar, jobs);
      PlayRecap recap = new PlanRunner(templar(), PlayExecutor::writeBundleFile).run(plan, bundle, invoker,
          new WorkerCalls(work, sink, invoker), listener, reboot);
      log.info("play {} finished in {} ms: ok={} changed={} failed={} ({})", work.assignmentId(),
          System.currentTimeMillis() - started, recap.ok(), recap.changed(), recap.failed(), recap.end());
      report = () -> sink.playFinished(work, recap);
    } catch (PlanException | IOException e) {
      log.warn("play {} cannot run: {}", work.assignmentId(), e.getMessage());
      report = () -> sink.playFailed(work, "the play could not run on this host: " + e.getMessage());
    } catch (InterruptedException e) {
      report = () -> sink.playFailed(work, "cancelled");
      cutShort = true;
    } catch (RuntimeException e) {
      log.error("play {} crashed", work.assignmentId(), e);
      report = () -> sink.playFailed(work, "the play crashed on this host: " + e);
    }
    if (!cutShort) {
      // Only a play cut short may go on after a boot: a checkpoint its reboot did not use is stale.
      forgetCheckpoint(work.assignmentId());
    }
    // The work directory is gone and the play is no longer running when the recap goes out.
    deleteQuietly(dir);
    running.remove(work.assignmentId());
    report.run();
  }

  private void forgetCheckpoint(String assignmentId) {
    try {
      RebootCheckpoint.remove(stateDir, assignmentId);
    } catch (IOException e) {
      log.warn("play {}: cannot remove its reboot checkpoint: {}", assignmentId, e.getMessage());
    }
  }

  private Templar templar() {
    if (templar == null) {
      templar = newTemplar.get();
    }
    return templar;
  }

  /** A bundle file and its directories, owner-only from their creation like all of the state dir. */
  private static void writeBundleFile(Path target, byte[] content) throws IOException {
    SecureFiles.createPrivateDirectories(target.getParent());
    SecureFiles.writePrivateInPlace(target, content);
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      SecureFiles.deleteTree(dir);
    } catch (IOException e) {
      log.debug("cannot remove {}: {}", dir, e.getMessage());
    }
  }

  /** Cancels what runs and waits for its cancellation (its commands killed) to finish. */
  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
