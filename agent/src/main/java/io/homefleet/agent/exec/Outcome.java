package io.homefleet.agent.exec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a module reports for one task, in Ansible's terms. {@code data} holds the module's
 * documented return values ({@code changed}, {@code path}, {@code diff}, {@code ansible_facts},
 * ...); values may be null (Ansible's None).
 */
public record Outcome(Status status, int rc, String stdout, String stderr, String msg, Map<String, Object> data,
    boolean stdoutTruncated, boolean stderrTruncated) {

  /** Per-task outcomes as ansible-playbook prints them, plus the agent-side terminal states. */
  public enum Status { OK, CHANGED, FAILED, SKIPPED, TIMED_OUT, CANCELLED }

  public Outcome {
    stdout = stdout == null ? "" : stdout;
    stderr = stderr == null ? "" : stderr;
    msg = msg == null ? "" : msg;
    data = data == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(data));
  }

  public static Outcome of(Status status, String msg) {
    return new Outcome(status, status == Status.FAILED ? 1 : 0, "", "", msg, Map.of(), false, false);
  }

  public static Outcome failed(String msg) {
    return of(Status.FAILED, msg);
  }

  /** A failure with return values, as Ansible's {@code fail_json(msg, **kwargs)}. */
  public static Outcome failed(String msg, Map<String, Object> data) {
    Map<String, Object> d = new LinkedHashMap<>(data);
    d.putIfAbsent("failed", true);
    d.put("msg", msg);
    return new Outcome(Status.FAILED, 1, "", "", msg, d, false, false);
  }

  /** {@code ok} (changed=false) or {@code changed}, with {@code changed} and {@code msg} in the data. */
  public static Outcome result(boolean changed, String msg, Map<String, Object> data) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("changed", changed);
    d.putAll(data);
    if (msg != null && !msg.isEmpty()) {
      d.putIfAbsent("msg", msg);
    }
    return new Outcome(changed ? Status.CHANGED : Status.OK, 0, "", "", msg, d, false, false);
  }

  /**
   * The result as Ansible's {@code register:} stores it: the return values, plus {@code changed},
   * {@code failed}, {@code skipped} and {@code msg}, and for command-like outcomes (those with
   * output or a non-zero rc) {@code rc}, {@code stdout}, {@code stderr}, {@code stdout_lines} and
   * {@code stderr_lines}. Derived here rather than carried in {@code data}, so output is not sent
   * to the controller twice.
   */
  public Map<String, Object> registered() {
    Map<String, Object> r = new LinkedHashMap<>(data);
    // A failure may still have changed the host (a script that ran and exited non-zero).
    r.put("changed", status == Status.CHANGED || status == Status.FAILED && Boolean.TRUE.equals(data.get("changed")));
    r.put("failed", status == Status.FAILED || status == Status.TIMED_OUT);
    if (status == Status.SKIPPED) {
      r.put("skipped", true);
    }
    if (!msg.isEmpty()) {
      r.putIfAbsent("msg", msg);
    }
    if (rc != 0 || !stdout.isEmpty() || !stderr.isEmpty() || data.containsKey("cmd")) {
      r.put("rc", rc);
      r.put("stdout", stdout);
      r.put("stderr", stderr);
      r.put("stdout_lines", stdout.lines().toList());
      r.put("stderr_lines", stderr.lines().toList());
    }
    return r;
  }

  /** Whether Ansible would count this as changed. */
  public boolean changed() {
    return status == Status.CHANGED;
  }
}
