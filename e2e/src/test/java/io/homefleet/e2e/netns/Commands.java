package io.homefleet.e2e.netns;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs short commands (ip, tc, the CLI) to completion with a bound on their time. */
public final class Commands {
  private Commands() {}

  public static CommandResult run(Duration timeout, String... command) {
    return run(timeout, List.of(command), Map.of());
  }

  /**
   * Runs {@code command} with {@code env} added to this JVM's environment. Output goes through
   * temporary files rather than pipes so that a chatty command can never block on a full pipe.
   */
  public static CommandResult run(Duration timeout, List<String> command, Map<String, String> env) {
    long start = System.nanoTime();
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("hf-netns", ".out");
      err = Files.createTempFile("hf-netns", ".err");
      ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        throw new IllegalStateException("command did not finish within " + timeout + ": " + String.join(" ", command)
            + "\n" + Files.readString(out) + Files.readString(err));
      }
      return new CommandResult(command, p.exitValue(), Files.readString(out), Files.readString(err),
          Duration.ofNanos(System.nanoTime() - start));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  /** Runs a command that must succeed (network set-up steps); a failure names the command and its error. */
  static CommandResult check(String... command) {
    CommandResult r = run(Duration.ofSeconds(30), command);
    if (!r.ok()) {
      throw new IllegalStateException("failed: " + r.all());
    }
    return r;
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // A temp file left behind is harmless.
      }
    }
  }
}
