package io.homefleet.controller.cli;

/** A CLI command failed in a way the user can fix; the message says how. Carries the exit code. */
final class CliException extends RuntimeException {
  private final int exitCode;

  CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
