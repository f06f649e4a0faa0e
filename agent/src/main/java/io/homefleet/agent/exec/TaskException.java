package io.homefleet.agent.exec;

/** A module could not do what it was asked; the message names the module, argument and fix. */
public final class TaskException extends Exception {
  public TaskException(String module, String message) {
    super(module + ": " + message);
  }

  private TaskException(String message) {
    super(message);
  }

  /** A failure worded exactly as Ansible words it, which plays match on ({@code r.msg == '...'}). */
  public static TaskException asAnsible(String message) {
    return new TaskException(message);
  }
}
