package io.homefleet.e2e.netns;

import java.time.Duration;
import java.util.List;

/**
 * What one finished command produced: its exit code, its output and how long it took.
 *
 * @param command the command line as run
 * @param exitCode the exit code
 * @param stdout standard output
 * @param stderr standard error
 * @param took wall time from start to exit
 */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr, Duration took) {

  public CommandResult {
    command = List.copyOf(command);
  }

  /** Both streams, for assertion messages. */
  public String all() {
    return "$ " + String.join(" ", command) + " (exit " + exitCode + ", " + took.toMillis() + " ms)\n" + stdout + stderr;
  }

  /** True when the command exited 0. */
  public boolean ok() {
    return exitCode == 0;
  }
}
