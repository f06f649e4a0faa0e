package io.homefleet.agent.identity;

/** The agent cannot obtain or use its identity; {@link #kind()} decides what the agent does next. */
public final class IdentityException extends Exception {
  /** What went wrong, by what the operator must do about it. */
  public enum Kind {
    /** The controller cannot be reached now; retrying may help. */
    UNREACHABLE,
    /** The controller refused (bad/used/expired token, revoked): a person must act. */
    REFUSED,
    /** Local state or configuration is wrong: a person must act. */
    LOCAL
  }

  private final Kind kind;

  public IdentityException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public IdentityException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
