package io.homefleet.controller.run;

/** A host's final result for one task. */
public record TaskOutcome(Status status, int rc, String stdout, String stderr, String msg, long startedMillis,
    long finishedMillis) {

  /** Ansible's vocabulary of per-host outcomes, plus the states only a controller can see. */
  public enum Status {
    OK, CHANGED, FAILED, SKIPPED, UNREACHABLE, TIMED_OUT, CANCELLED, EXPIRED;

    /** The task state word stored and shown to operators. */
    public String state() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean failed() {
      return this == FAILED || this == UNREACHABLE || this == TIMED_OUT || this == CANCELLED || this == EXPIRED;
    }
  }

  public TaskOutcome {
    stdout = stdout == null ? "" : stdout;
    stderr = stderr == null ? "" : stderr;
    msg = msg == null ? "" : msg;
  }

  /** An outcome decided by the controller without the agent's word (offline, lost, timed out). */
  public static TaskOutcome controllerSide(Status status, String msg, long now) {
    return new TaskOutcome(status, -1, "", "", msg, 0, now);
  }
}
