package io.homefleet.playbook.source;

import java.util.Objects;

/**
 * One thing the loader has to say about a playbook: an error that stops it from running, a
 * warning about something accepted but ignored, or a note (how a task will run). Printed as {@code file:line:column: message}; the
 * message names the thing and, where there is one, the fix in parentheses.
 *
 * @param severity error or warning
 * @param location where it was written
 * @param message what is wrong and how to fix it
 */
public record Diagnostic(Severity severity, Location location, String message) {

  /** Whether a diagnostic stops the playbook from running. */
  public enum Severity { ERROR, WARNING, NOTE }

  public Diagnostic {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(message, "message");
  }

  public static Diagnostic error(Location location, String message) {
    return new Diagnostic(Severity.ERROR, location, message);
  }

  public static Diagnostic warning(Location location, String message) {
    return new Diagnostic(Severity.WARNING, location, message);
  }

  public static Diagnostic note(Location location, String message) {
    return new Diagnostic(Severity.NOTE, location, message);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  @Override
  public String toString() {
    return switch (severity) {
      case ERROR -> location + ": " + message;
      case WARNING -> location + ": [WARNING] " + message;
      case NOTE -> location + ": [NOTE] " + message;
    };
  }
}
