package io.homefleet.playbook.plan;

/** A plan that cannot be read or set up on a host: bad bytes, an unknown format, a bundle path that escapes. */
public final class PlanException extends Exception {
  private static final long serialVersionUID = 1L;

  public PlanException(String message) {
    super(message);
  }

  public PlanException(String message, Throwable cause) {
    super(message, cause);
  }
}
