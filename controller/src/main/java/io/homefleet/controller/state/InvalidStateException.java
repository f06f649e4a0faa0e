package io.homefleet.controller.state;

import java.util.List;

/** A state directory that does not validate: every error, each with its file:line:column and the fix. */
public final class InvalidStateException extends Exception {
  private static final long serialVersionUID = 1L;
  private final List<String> errors;

  public InvalidStateException(List<String> errors) {
    super(String.join("\n", errors) + "\n" + errors.size() + (errors.size() == 1 ? " error" : " errors")
        + " in the state directory; nothing was applied, the current version stays in force");
    this.errors = List.copyOf(errors);
  }

  public List<String> errors() {
    return errors;
  }
}
