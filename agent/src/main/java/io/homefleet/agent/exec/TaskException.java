package io.homefleet.agent.exec;

/** A module could not do what it was asked; the message names the module, argument and fix. */
public final class TaskException extends Exception {
  public TaskException(String module, String message) {
    super(module + ": " + message);
  }
}
