package io.homefleet.controller.run;

/** A run's target matched no enrolled host. */
public final class UnknownTargetException extends Exception {
  public UnknownTargetException(String message) {
    super(message);
  }
}
