package io.homefleet.agent.exec;

import io.homefleet.playbook.spec.ModuleSpec;
import io.homefleet.playbook.spec.ModuleSpecs;
import io.homefleet.playbook.template.Templar;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks on a small bounded pool (threads are created on demand and die when idle, so an
 * idle agent holds none), at most once per task id within this process's memory of recent ids.
 */
public final class Executor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Executor.class);
  private static final int REMEMBERED_IDS = 4096;

  private final Map<String, Module> modules;
  private final Function<String, Module> others;
  private final java.util.function.BiFunction<Module, String, Module> asUser;
  private final TaskSink sink;
  private final Path workDir;
  private final ExecutorService pool;
  /** The ad-hoc runs' async jobs, made when a task first is one (it loads the JSON codec). */
  private AsyncJobs jobs;
  /** One engine for every task, made when a task first needs it (most ad-hoc runs never do). */
  private final Supplier<Templar> templar = new Memo();
  private final Map<String, TaskContext> running = new ConcurrentHashMap<>();
  private final Map<String, Boolean> seen = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > REMEMBERED_IDS;
    }
  });

  public Executor(Map<String, Module> modules, int maxConcurrent, TaskSink sink, Path workDir) {
    this(modules, name -> null, maxConcurrent, sink, workDir);
  }

  /** @param others the module for a name {@code modules} does not know (Ansible's own), or null */
  public Executor(Map<String, Module> modules, Function<String, Module> others, int maxConcurrent, TaskSink sink,
      Path workDir) {
    this(modules, others, (m, user) -> m, maxConcurrent, sink, workDir);
  }

  /**
   * @param asUser the module that does a module's work for a task that runs as another user (a
   *     delegated become task), given the user's name
   */
  public Executor(Map<String, Module> modules, Function<String, Module> others,
      java.util.function.BiFunction<Module, String, Module> asUser, int maxConcurrent, TaskSink sink, Path workDir) {
    this.asUser = asUser;
    this.modules = Map.copyOf(modules);
    this.others = others;
    this.sink = sink;
    this.workDir = workDir;
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor tpe = new ThreadPoolExecutor(maxConcurrent, maxConcurrent, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "homefleet-task-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    tpe.allowCoreThreadTimeOut(true);
    this.pool = tpe;
  }

  public int runningCount() {
    return running.size();
  }

  /** Queues {@code task}; returns false for an id already seen (a duplicate delivery). */
  public boolean submit(Task task) {
    return submit(task, Optional.empty());
  }

  /** Queues {@code task} whose {@code src=} files are in {@code bundleDir}; false for a duplicate id. */
  public boolean submit(Task task, Optional<Path> bundleDir) {
    return submit(task, bundleDir, "");
  }

  /** Queues {@code task} to run as {@code user} (empty: the agent's own); false for a duplicate id. */
  public boolean submit(Task task, Optional<Path> bundleDir, String user) {
    return submit(task, bundleDir, user, Async.NONE);
  }

  /**
   * An ad-hoc task's {@code -B SECONDS -P POLL} (Ansible's {@code async}/{@code poll}); {@link #NONE}
   * when it has none.
   */
  public record Async(int seconds, int poll) {
    public static final Async NONE = new Async(0, 0);

    public Async {
      if (seconds < 0 || poll < 0) {
        throw new IllegalArgumentException("async and poll must not be negative: " + seconds + ", " + poll);
      }
    }
  }

  /**
   * Queues {@code task} to run as {@code user} (empty: the agent's own) and, with {@code async}
   * seconds, as Ansible's async task ({@link AsyncJobs}); false for a duplicate id.
   */
  public boolean submit(Task task, Optional<Path> bundleDir, String user, Async async) {
    if (seen.putIfAbsent(task.id(), Boolean.TRUE) != null) {
      log.info("task {} was already received; duplicate ignored", task.id());
      return false;
    }
    // Only a delegated become task names a user; getent answers at once.
    Optional<Account> found = null;
    try {
      found = Account.forTask(user);
    } catch (TaskException e) {
      log.warn("task {}: cannot look up user {}: {}", task.id(), user, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    TaskContext ctx = new TaskContext(task, sink, LoggerFactory.getLogger("homefleet.task." + task.module()), workDir,
        bundleDir, templar, found == null ? Optional.empty() : found);
    if (found == null) {
      running.put(task.id(), ctx);
      pool.execute(() -> refuse(task, ctx, Account.noSuchUser(user)));
      return true;
    }
    running.put(task.id(), ctx);
    pool.execute(() -> execute(task, ctx, async));
    return true;
  }

  public void cancel(String taskId) {
    TaskContext ctx = running.get(taskId);
    if (ctx != null) {
      log.info("cancelling task {}", taskId);
      ctx.cancel();
    }
  }

  private void execute(Task task, TaskContext ctx, Async async) {
    long started = System.currentTimeMillis();
    sink.started(task, started);
    Outcome outcome;
    if (AsyncJobs.STATUS.contains(task.module())) {
      // The play's own async_status: the job files are the same, whoever started the job.
      outcome = asyncStatus(task, ctx);
      running.remove(task.id());
      ctx.finish();
      sink.finished(task, outcome, started, System.currentTimeMillis());
      return;
    }
    // FQCNs and other names (ansible.builtin.copy, systemd_service) resolve through the shared specs.
    Module module = modules.get(ModuleSpecs.find(task.module())
        .map(ModuleSpec::name).orElse(task.module()));
    if (module == null) {
      module = others.apply(task.module());
    }
    if (module != null && ctx.account().isPresent()) {
      module = asUser.apply(module, ctx.account().get().name());
    }
    try {
      if (module == null) {
        outcome = Outcome.failed("unknown module '" + task.module() + "' (available: "
            + String.join(", ", new java.util.TreeSet<>(modules.keySet())) + ")");
      } else if (ctx.cancelled()) {
        outcome = Outcome.of(Outcome.Status.CANCELLED, "cancelled before it started");
      } else if (async.seconds() > 0) {
        outcome = runAsync(module, task, ctx, async);
      } else {
        outcome = module.run(task.args(), ctx);
      }
    } catch (TaskException e) {
      outcome = Outcome.failed(e.getMessage());
    } catch (InterruptedException e) {
      outcome = Outcome.of(Outcome.Status.CANCELLED, "interrupted");
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("module {} crashed on task {}", task.module(), task.id(), e);
      outcome = Outcome.failed("module " + task.module() + " failed unexpectedly: " + e);
    } finally {
      running.remove(task.id());
    }
    if (ctx.cancelled() && outcome.status() != Outcome.Status.TIMED_OUT) {
      outcome = new Outcome(Outcome.Status.CANCELLED, outcome.rc(), outcome.stdout(), outcome.stderr(), "cancelled",
          outcome.data(), outcome.stdoutTruncated(), outcome.stderrTruncated());
    }
    ctx.finish();
    sink.finished(task, outcome, started, System.currentTimeMillis());
  }

  private synchronized AsyncJobs jobs() {
    if (jobs == null) {
      jobs = new AsyncJobs();
    }
    return jobs;
  }

  /** {@code -m async_status -a 'jid=J [mode=cleanup]'}: the arguments as Ansible's parse_kv reads them. */
  private static Outcome asyncStatus(Task task, TaskContext ctx) {
    Map<String, Object> args = new LinkedHashMap<>(task.args());
    if (args.remove("_raw_params") instanceof String line) {
      try {
        args.putAll(io.homefleet.playbook.source.KeyValueArgs.keyValues(line));
      } catch (IllegalArgumentException e) {
        return Outcome.failed("async_status: " + e.getMessage() + " (give the arguments as jid=JID mode=status|cleanup)");
      }
    }
    try {
      Args.of("async_status", args);
    } catch (TaskException e) {
      return Outcome.failed(e.getMessage());
    }
    return AsyncJobs.outcome(AsyncJobs.status(args, ctx.account()));
  }

  /**
   * {@code -B}/{@code -P}: the module under {@link AsyncJobs}, as a play's async task runs. A
   * background job ({@code -P 0}) gets a context of its own, with the job's time limit and no
   * output stream: the task has ended (with the started-job result) before the job does.
   */
  private Outcome runAsync(Module module, Task task, TaskContext ctx, Async async)
      throws InterruptedException, TaskException {
    AsyncJobs.Body body = limit -> {
      TaskContext c = ctx;
      if (async.poll() == 0) {
        Task job = new Task(task.id(), task.runId(), task.module(), task.args(), limit, task.checkMode(), task.diff(),
            task.vars(), task.environment());
        c = new TaskContext(job, TaskSink.NONE, ctx.log(), workDir, ctx.bundleDir(), templar, ctx.account());
      }
      Outcome o;
      try {
        o = module.run(task.args(), c);
      } catch (TaskException e) {
        o = Outcome.failed(e.getMessage());
      } catch (RuntimeException e) {
        log.error("module {} crashed in async job of task {}", task.module(), task.id(), e);
        o = Outcome.failed("module " + task.module() + " failed unexpectedly: " + e);
      }
      return new AsyncJobs.Ran(AsyncJobs.result(o), o.status() == Outcome.Status.TIMED_OUT);
    };
    try {
      return AsyncJobs.outcome(jobs().run(async.seconds(), async.poll(), ctx.account(), body));
    } catch (java.io.IOException e) {
      throw new TaskException(task.module(), "cannot start the async job: " + e.getMessage());
    }
  }

  /** Ends {@code task} failed with {@code msg}, before any module ran. */
  private void refuse(Task task, TaskContext ctx, String msg) {
    long started = System.currentTimeMillis();
    sink.started(task, started);
    running.remove(task.id());
    ctx.finish();
    sink.finished(task, Outcome.failed(msg), started, System.currentTimeMillis());
  }

  private static final class Memo implements Supplier<Templar> {
    private Templar value;

    @Override
    public synchronized Templar get() {
      if (value == null) {
        value = new Templar();
      }
      return value;
    }
  }

  @Override
  public void close() {
    running.values().forEach(TaskContext::cancel);
    pool.shutdownNow();
  }
}
