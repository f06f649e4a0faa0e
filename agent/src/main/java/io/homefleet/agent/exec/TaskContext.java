package io.homefleet.agent.exec;

import io.homefleet.playbook.template.Templar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Everything a module may use while it runs: where output goes, whether it was cancelled, its
 * time limit, its working directory, whether this is check mode and whether a diff is wanted,
 * the task's variables, the shared {@link Templar}, and the play's bundle directory (the files
 * {@code copy src=}, {@code template src=} and {@code unarchive src=} may name). No statics, no
 * globals.
 */
public final class TaskContext {
  private final Task task;
  private final TaskSink sink;
  private final Logger log;
  private final Path workDir;
  private final Optional<Path> bundleDir;
  private final Supplier<Templar> templar;
  private final Optional<Account> account;
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final AtomicReference<Process> process = new AtomicReference<>();
  private final AtomicLong seq = new AtomicLong();
  private volatile boolean finished;

  /** A context with no bundle and a templar of its own, made when first asked for (ad-hoc runs, tests). */
  public TaskContext(Task task, TaskSink sink, Logger log, Path workDir) {
    this(task, sink, log, workDir, Optional.empty(), Templar::new);
  }

  /**
   * @param bundleDir where the play's bundle is unpacked; empty when the task came without one
   * @param templar the shared engine (creating one is expensive; share it)
   */
  public TaskContext(Task task, TaskSink sink, Logger log, Path workDir, Optional<Path> bundleDir,
      Supplier<Templar> templar) {
    this(task, sink, log, workDir, bundleDir, templar, Optional.empty());
  }

  /** @param account the user the task's programs run as; empty for the agent's own */
  public TaskContext(Task task, TaskSink sink, Logger log, Path workDir, Optional<Path> bundleDir,
      Supplier<Templar> templar, Optional<Account> account) {
    this.account = account;
    this.task = task;
    this.sink = sink;
    this.log = log;
    this.workDir = workDir;
    this.bundleDir = bundleDir;
    this.templar = memoize(templar);
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

  /** Whether the task asked for before/after ({@code --diff}). */
  public boolean diff() {
    return task.diff();
  }

  /** The task's variables; empty for an ad-hoc run. */
  public Map<String, Object> vars() {
    return task.vars();
  }

  public Templar templar() {
    return templar.get();
  }

  public Optional<Path> bundleDir() {
    return bundleDir;
  }

  /**
   * Resolves {@code src} inside the bundle. Relative paths are looked up as Ansible's roles do:
   * {@code src}, then {@code files/src} or {@code templates/src} ({@code subdir}). Anything that
   * resolves outside the bundle, through {@code ..} or a symlink, is refused.
   */
  public Path bundleFile(String module, String src, String subdir) throws TaskException {
    Path root = bundleDir.orElseThrow(() -> new TaskException(module,
        "src=" + src + " needs the play's bundle, and this task came without one (ad-hoc runs have none; use content="
            + " or remote_src=true)"));
    try {
      Path realRoot = root.toRealPath();
      for (Path candidate : new Path[] {realRoot.resolve(src), realRoot.resolve(subdir).resolve(src)}) {
        Path normal = candidate.normalize();
        if (!normal.startsWith(realRoot)) {
          throw new TaskException(module, "src=" + src + " is outside the bundle: nothing can reach outside the bundle");
        }
        if (Files.exists(normal)) {
          Path real = normal.toRealPath();
          if (!real.startsWith(realRoot)) {
            throw new TaskException(module,
                "src=" + src + " resolves outside the bundle (through a symlink): nothing can reach outside the bundle");
          }
          return real;
        }
      }
    } catch (IOException e) {
      throw new TaskException(module, "cannot read the bundle at " + root + ": " + e.getMessage());
    }
    throw new TaskException(module, "src=" + src + " is not in the play's bundle (looked for " + src + " and "
        + subdir + "/" + src + "); put it next to the playbook or in the role's " + subdir + "/ directory");
  }

  /** The user the task's programs run as ({@code become_user}); empty for the agent's own. */
  public Optional<Account> account() {
    return account;
  }

  /** A builder for a program of the task: as its user, with the task's environment over the base one. */
  public ProcessBuilder processBuilder(List<String> argv) {
    ProcessBuilder pb = account.map(a -> a.processBuilder(argv)).orElseGet(() -> new ProcessBuilder(argv));
    pb.environment().putAll(task.environment());
    return pb;
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

  /** Marks the task cancelled and stops its child process, if it has one (and the tree it started). */
  public void cancel() {
    cancelled.set(true);
    Process p = process.get();
    if (p != null) {
      Processes.stop(p);
    }
  }

  private static <T> Supplier<T> memoize(Supplier<T> s) {
    return new Supplier<>() {
      private volatile T value;

      @Override
      public T get() {
        T v = value;
        if (v == null) {
          synchronized (this) {
            v = value;
            if (v == null) {
              v = s.get();
              value = v;
            }
          }
        }
        return v;
      }
    };
  }
}
