package io.homefleet.controller.run;

/**
 * A host's final result for one task. {@code data}: the module's other return values (an async
 * job's {@code ansible_job_id}, ...), passed to whoever watches the run; the store keeps the
 * fields before it only.
 */
public record TaskOutcome(Status status, int rc, String stdout, String stderr, String msg, long startedMillis,
    long finishedMillis, java.util.Map<String, Object> data) {

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
    // Values may be null (Ansible's None), which Map.copyOf refuses.
    data = data == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(data));
  }

  /** An outcome with no return values beyond its output. */
  public TaskOutcome(Status status, int rc, String stdout, String stderr, String msg, long startedMillis,
      long finishedMillis) {
    this(status, rc, stdout, stderr, msg, startedMillis, finishedMillis, java.util.Map.of());
  }

  /** An outcome decided by the controller without the agent's word (offline, lost, timed out). */
  public static TaskOutcome controllerSide(Status status, String msg, long now) {
    return new TaskOutcome(status, -1, "", "", msg, 0, now);
  }
}
