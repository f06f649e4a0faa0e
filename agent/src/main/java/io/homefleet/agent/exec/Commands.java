package io.homefleet.agent.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the helper programs state modules drive ({@code dpkg-query}, {@code apt-get},
 * {@code useradd}, {@code systemctl}) to completion, in the C locale, capturing their output,
 * stoppable by the task's cancel and bounded by its time limit.
 */
public final class Commands {
  private Commands() {}

  /** A finished helper: its exit code and output. */
  public record Result(List<String> argv, int rc, String stdout, String stderr) {
    public boolean ok() {
      return rc == 0;
    }

    /** For error messages: the command and what it said. */
    public String describe() {
      String said = (stderr.isBlank() ? stdout : stderr).strip();
      return String.join(" ", argv) + " exited " + rc + (said.isEmpty() ? "" : ": " + said);
    }
  }

  /**
   * {@code name} in the task's PATH (its {@code environment} over the agent's), where the program
   * a task starts should be looked for: a JVM looks programs up in its own PATH, not the child's.
   */
  public static java.util.Optional<java.nio.file.Path> onPath(TaskContext ctx, String name) {
    String path = ctx.processBuilder(List.of(name)).environment().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String dir : path.split(":")) {
      java.nio.file.Path p = java.nio.file.Path.of(dir.isEmpty() ? "." : dir, name);
      if (java.nio.file.Files.isExecutable(p) && !java.nio.file.Files.isDirectory(p)) {
        return java.util.Optional.of(p);
      }
    }
    return java.util.Optional.empty();
  }

  public static Result run(TaskContext ctx, List<String> argv) throws TaskException, InterruptedException {
    return run(ctx, argv, Map.of(), null);
  }

  public static Result run(TaskContext ctx, List<String> argv, Map<String, String> env, byte[] stdin)
      throws TaskException, InterruptedException {
    ProcessBuilder pb = ctx.processBuilder(argv);
    // Helpers' output is parsed: the C locale wins over the task's environment.
    pb.environment().put("LC_ALL", "C");
    pb.environment().put("LANG", "C");
    pb.environment().putAll(env);
    if (stdin == null) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    }
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new TaskException(argv.get(0), "cannot run " + argv.get(0) + ": " + e.getMessage());
    }
    ctx.attach(p);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread tOut = pump(p.getInputStream(), out);
    Thread tErr = pump(p.getErrorStream(), err);
    if (stdin != null) {
      try (var in = p.getOutputStream()) {
        in.write(stdin);
      } catch (IOException e) {
        // The helper exited without reading; its exit code tells why.
      }
    }
    long limit = ctx.timeout().toMillis();
    if (limit > 0 && !p.waitFor(limit, TimeUnit.MILLISECONDS)) {
      Processes.stop(p);
      throw new TaskException(argv.get(0), String.join(" ", argv) + " timed out after " + ctx.timeout().toSeconds() + "s");
    }
    int rc = p.waitFor();
    tOut.join(5000);
    tErr.join(5000);
    if (ctx.cancelled()) {
      throw new InterruptedException("cancelled");
    }
    return new Result(List.copyOf(argv), rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Thread pump(InputStream in, ByteArrayOutputStream to) {
    Thread t = new Thread(() -> {
      try (in) {
        in.transferTo(to);
      } catch (IOException e) {
        // The process went away; what was read is what there is.
      }
    }, "homefleet-helper-io");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
