package io.homefleet.agent.exec;

import java.util.Map;

/** What a module reports for one task, in Ansible's terms. */
public record Outcome(Status status, int rc, String stdout, String stderr, String msg, Map<String, Object> data,
    boolean stdoutTruncated, boolean stderrTruncated) {

  /** Per-task outcomes as ansible-playbook prints them, plus the agent-side terminal states. */
  public enum Status { OK, CHANGED, FAILED, SKIPPED, TIMED_OUT, CANCELLED }

  public Outcome {
    stdout = stdout == null ? "" : stdout;
    stderr = stderr == null ? "" : stderr;
    msg = msg == null ? "" : msg;
    data = data == null ? Map.of() : Map.copyOf(data);
  }

  public static Outcome of(Status status, String msg) {
    return new Outcome(status, status == Status.FAILED ? 1 : 0, "", "", msg, Map.of(), false, false);
  }

  public static Outcome failed(String msg) {
    return of(Status.FAILED, msg);
  }
}
