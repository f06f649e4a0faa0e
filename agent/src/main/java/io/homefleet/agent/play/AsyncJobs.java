package io.homefleet.agent.play;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.homefleet.agent.exec.Account;
import io.homefleet.playbook.plan.ModuleResult;
import io.homefleet.playbook.plan.TaskStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * {@code {"msg": "Timeout exceeded", "failed": true}} when its time limit passes. A background
 * job ({@code poll: 0}) runs on a thread of the play worker, which outlives the play; the worker
 * waits for its jobs before it exits ({@link #awaitAll}).
 */
final class AsyncJobs {
  /** The names {@code async_status} is written as. */
  static final Set<String> STATUS = Set.of("async_status", "ansible.builtin.async_status",
      "ansible.legacy.async_status");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Set<Thread> running = ConcurrentHashMap.newKeySet();

  /** A job's id as Ansible's async_wrapper makes it: {@code j}, a random number, the worker's pid. */
  static String newJid() {
    return "j" + (RANDOM.nextLong() & Long.MAX_VALUE) % 1_000_000_000_000L + "." + ProcessHandle.current().pid();
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
    running.add(t);
    t.start();
  }

  /** Jobs still running. */
  int runningCount() {
    return running.size();
  }

  /** Waits for every background job to end. */
  void awaitAll() throws InterruptedException {
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
    Files.write(tmp, JSON.writeValueAsBytes(data));
    if (user.isPresent()) {
      user.get().own(tmp);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** {@code async_status}: a job's state ({@code mode: status}) or its file removed ({@code mode: cleanup}). */
  static ModuleResult status(Map<String, Object> args, Optional<Account> user) {
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
      return new ModuleResult(TaskStatus.OK, r);
    }
    Map<String, Object> data;
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> read = JSON.readValue(Files.readAllBytes(file), Map.class);
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
