package io.homefleet.controller.enroll;

/** An enrollment or renewal was refused; {@link #reason()} says how the caller should see it. */
public final class EnrollmentException extends Exception {
  /** Why a request was refused, which decides the status code a peer sees. */
  public enum Reason {
    /** The request is malformed (bad token syntax, unparsable or weak CSR). */
    INVALID,
    /** The token is unknown, expired, used by another key, or bound to another host. */
    DENIED,
    /** Too many failed attempts from this address. */
    RATE_LIMITED
  }

  private final Reason reason;

  public EnrollmentException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
