package io.homefleet.agent.exec;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.homefleet.playbook.plan.ModuleResult;
import io.homefleet.playbook.plan.TaskStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * Async tasks ({@code async:}/{@code poll:}) and {@code async_status}, with Ansible's job files:
 * {@code ~/.ansible_async/JID} of the user the task runs as, {@code {"started": 1, "finished": 0,
 * "ansible_job_id": JID}} while it runs, the module's result when it ends, Ansible's watchdog's
 * {@code {"msg": "Timeout exceeded", "failed": true}} when its time limit passes. One
 * implementation for plays (the play worker's ModuleAdapter) and ad-hoc runs ({@link Executor}):
 * a background job ({@code poll: 0}) runs on a daemon thread of the process that started it,
 * which outlives the task; the play worker waits for its jobs before it exits ({@link #awaitAll}),
 * the agent keeps them while it runs.
 */
public final class AsyncJobs {
  /** The names {@code async_status} is written as. */
  public static final Set<String> STATUS = Set.of("async_status", "ansible.builtin.async_status",
      "ansible.legacy.async_status");

  /**
   * Made when a job first needs them: the resident agent asks {@link #STATUS} of every ad-hoc
   * task, and should load no JSON codec for that.
   */
  private static final class Lazy {
    static final ObjectMapper JSON = new ObjectMapper();
    static final SecureRandom RANDOM = new SecureRandom();
  }

  private final Set<Thread> running = ConcurrentHashMap.newKeySet();

  /** A job's id as Ansible's async_wrapper makes it: {@code j}, a random number, the worker's pid. */
  static String newJid() {
    return "j" + (Lazy.RANDOM.nextLong() & Long.MAX_VALUE) % 1_000_000_000_000L + "." + ProcessHandle.current().pid();
  }

  /** The job file of {@code jid} for the task's user (the agent's own when empty). */
  static Path file(Optional<Account> user, String jid) {
    Path home = user.map(Account::home).orElse(Path.of(System.getProperty("user.home")));
    return home.resolve(".ansible_async").resolve(jid);
  }

  /** What {@code poll: 0} registers: Ansible's started-job result. */
  static ModuleResult started(String jid, Path file) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("ansible_job_id", jid);
    r.put("changed", true);
    r.put("failed", 0);
    r.put("finished", 0);
    r.put("results_file", file.toString());
    r.put("started", 1);
    return new ModuleResult(TaskStatus.CHANGED, r);
  }

  /** A finished async task's result, with the fields Ansible's poll adds. */
  static ModuleResult finished(ModuleResult r, String jid, Path file) {
    Map<String, Object> out = new LinkedHashMap<>(r.result());
    out.put("ansible_job_id", jid);
    out.put("finished", 1);
    out.put("results_file", file.toString());
    out.put("started", 1);
    return new ModuleResult(r.status(), out);
  }

  /** Ansible's failure when a polled task outlives {@code async} seconds. */
  static ModuleResult timedOut(String jid, Path file, int async) {
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("ansible_job_id", jid);
    job.put("finished", 0);
    job.put("results_file", file.toString());
    job.put("started", 1);
    job.put("stderr", "");
    job.put("stderr_lines", List.of());
    job.put("stdout", "");
    job.put("stdout_lines", List.of());
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("async_result", job);
    r.put("changed", false);
    r.put("failed", true);
    r.put("msg", "async task did not complete within the requested time - " + async + "s");
    return new ModuleResult(TaskStatus.FAILED, r);
  }

  /** The watchdog's entry for a job killed at its time limit. */
  static Map<String, Object> timeoutEntry() {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("msg", "Timeout exceeded");
    r.put("failed", true);
    r.put("child_pid", ProcessHandle.current().pid());
    return r;
  }

  /** Starts {@code work} in the background; its job file says it runs until it writes the result. */
  void start(String jid, Path file, Optional<Account> user, Supplier<Map<String, Object>> work) throws IOException {
    Map<String, Object> head = new LinkedHashMap<>();
    head.put("started", 1);
    head.put("finished", 0);
    head.put("ansible_job_id", jid);
    write(file, head, user);
    Thread t = new Thread(() -> {
      try {
        write(file, work.get(), user);
      } catch (IOException | RuntimeException e) {
        LoggerFactory.getLogger(AsyncJobs.class).error("async job {}: cannot record its result in {}", jid, file, e);
      } finally {
        running.remove(Thread.currentThread());
      }
    }, "homefleet-async-" + jid);
    // The agent's exit does not wait for a job; the play worker waits for its jobs itself (awaitAll).
    t.setDaemon(true);
    running.add(t);
    t.start();
  }

  /** One run of a task's module within its time limit: its result, and whether the limit stopped it. */
  public record Ran(ModuleResult result, boolean timedOut) {}

  /** Runs the task's module once, stopping it at {@code limit}. */
  @FunctionalInterface
  public interface Body {
    Ran run(Duration limit) throws InterruptedException;
  }

  /**
   * A task under {@code async: seconds}: with {@code poll > 0} it runs here and returns the
   * module's result with the job's fields (or Ansible's failure past its limit); with {@code poll:
   * 0} it starts in the background and returns the started-job result at once, the job file
   * recording its end for {@code async_status}.
   *
   * @param user the task's user (whose {@code ~/.ansible_async} holds the job file); empty: the process's own
   * @throws IOException when a background job's file cannot be written (nothing was started)
   */
  public ModuleResult run(int seconds, int poll, Optional<Account> user, Body body)
      throws InterruptedException, IOException {
    String jid = newJid();
    Path file = file(user, jid);
    Duration limit = Duration.ofSeconds(seconds);
    if (poll > 0) {
      Ran ran = body.run(limit);
      if (ran.timedOut()) {
        try {
          write(file, timeoutEntry(), user);
        } catch (IOException e) {
          LoggerFactory.getLogger(AsyncJobs.class).warn("async job {}: cannot write {}: {}", jid, file, e.getMessage());
        }
        return timedOut(jid, file, seconds);
      }
      return finished(ran.result(), jid, file);
    }
    try {
      start(jid, file, user, () -> {
        try {
          Ran ran = body.run(limit);
          return ran.timedOut() ? timeoutEntry() : ran.result().result();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return timeoutEntry();
        }
      });
    } catch (IOException e) {
      throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
    }
    return started(jid, file);
  }

  /** A module's outcome as a play's result: what {@code register} stores, with the play's four statuses. */
  public static ModuleResult result(Outcome o) {
    TaskStatus status = switch (o.status()) {
      case OK -> TaskStatus.OK;
      case CHANGED -> TaskStatus.CHANGED;
      case SKIPPED -> TaskStatus.SKIPPED;
      case FAILED, TIMED_OUT, CANCELLED -> TaskStatus.FAILED;
    };
    return new ModuleResult(status, o.registered());
  }

  /**
   * A job's result as an ad-hoc task's outcome: {@code rc}, {@code stdout}, {@code stderr} and
   * {@code msg} in their fields (a finished command job's output reads as the command's), every
   * other field in the data. An empty output stays in the data too: the outcome's fields cannot
   * tell it from none, and Ansible shows it (a cleanup's {@code stdout: ""}).
   */
  public static Outcome outcome(ModuleResult r) {
    Map<String, Object> data = new LinkedHashMap<>(r.result());
    Object rc = data.remove("rc");
    Object stdout = "".equals(data.get("stdout")) ? "" : data.remove("stdout");
    Object stderr = "".equals(data.get("stderr")) ? "" : data.remove("stderr");
    if (!"".equals(data.get("stdout"))) {
      data.remove("stdout_lines");
    }
    if (!"".equals(data.get("stderr"))) {
      data.remove("stderr_lines");
    }
    Object msg = data.remove("msg");
    Outcome.Status status = switch (r.status()) {
      case OK -> Outcome.Status.OK;
      case CHANGED -> Outcome.Status.CHANGED;
      case SKIPPED -> Outcome.Status.SKIPPED;
      case FAILED -> Outcome.Status.FAILED;
    };
    // -1: the result has no rc (a started job, async_status), as the controller's own outcomes write it.
    int code = rc instanceof Number n ? n.intValue() : -1;
    return new Outcome(status, code, stdout == null ? "" : String.valueOf(stdout),
        stderr == null ? "" : String.valueOf(stderr), msg == null ? "" : String.valueOf(msg), data, false, false);
  }

  /** Jobs still running. */
  public int runningCount() {
    return running.size();
  }

  /** Waits for every background job to end. */
  public void awaitAll() throws InterruptedException {
    for (Thread t : List.copyOf(running)) {
      t.join();
    }
  }

  /** Writes a job file whole (a temporary file renamed over it), owned by the task's user. */
  static void write(Path file, Map<String, Object> data, Optional<Account> user) throws IOException {
    Path dir = file.getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      if (user.isPresent()) {
        user.get().own(dir);
      }
    }
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    Files.write(tmp, Lazy.JSON.writeValueAsBytes(data));
    if (user.isPresent()) {
      user.get().own(tmp);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** {@code async_status}: a job's state ({@code mode: status}) or its file removed ({@code mode: cleanup}). */
  public static ModuleResult status(Map<String, Object> args, Optional<Account> user) {
    Object jidArg = args.get("jid");
    if (jidArg == null || String.valueOf(jidArg).isBlank()) {
      return ModuleResult.failed("async_status needs jid: the ansible_job_id an async task registered");
    }
    String jid = String.valueOf(jidArg);
    String mode = String.valueOf(args.getOrDefault("mode", "status"));
    Path file = args.get("_async_dir") instanceof String d ? Path.of(d).resolve(jid) : file(user, jid);
    Map<String, Object> r = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      r.put("msg", "could not find job");
      r.put("ansible_job_id", jid);
      r.put("started", 1);
      r.put("finished", 1);
      r.put("failed", true);
      return new ModuleResult(TaskStatus.FAILED, r);
    }
    if (mode.equals("cleanup")) {
      try {
        Files.delete(file);
      } catch (IOException e) {
        return ModuleResult.failed("async_status: cannot remove " + file + ": " + e.getMessage());
      }
      r.put("ansible_job_id", jid);
      r.put("changed", false);
      r.put("erased", file.toString());
      r.put("finished", 0);
      r.put("started", 0);
      // Ansible's cleanup result carries an empty output too.
      r.put("stderr", "");
      r.put("stderr_lines", List.of());
      r.put("stdout", "");
      r.put("stdout_lines", List.of());
      return new ModuleResult(TaskStatus.OK, r);
    }
    Map<String, Object> data;
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> read = Lazy.JSON.readValue(Files.readAllBytes(file), Map.class);
      data = read;
    } catch (IOException e) {
      // Not written whole yet: the job is running.
      data = null;
    }
    if (data == null) {
      r.put("results_file", file.toString());
      r.put("ansible_job_id", jid);
      r.put("started", 1);
      r.put("finished", 0);
      return new ModuleResult(TaskStatus.OK, r);
    }
    r.putAll(data);
    if (!data.containsKey("started")) {
      r.put("finished", 1);
      r.put("ansible_job_id", jid);
      r.put("started", 1);
    } else if (!data.containsKey("finished")) {
      r.put("finished", 0);
    }
    r.put("results_file", file.toString());
    boolean failed = r.get("failed") instanceof Boolean b ? b : r.get("failed") instanceof Number n && n.intValue() != 0;
    boolean changed = Boolean.TRUE.equals(r.get("changed"));
    return new ModuleResult(failed ? TaskStatus.FAILED : changed ? TaskStatus.CHANGED : TaskStatus.OK, r);
  }
}
