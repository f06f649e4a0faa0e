package io.homefleet.agent.module.command;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.Processes;
import io.homefleet.agent.exec.TaskContext;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a child process with stdin from /dev/null (or the bytes given), streams stdout and stderr
 * as they come, keeps up to {@link #CAPTURE_LIMIT} bytes of each for the result, and enforces the
 * task's timeout.
 */
public final class ProcessRunner {
  static final int CAPTURE_LIMIT = 1 << 20;

  private ProcessRunner() {}

  static Outcome run(List<String> argv, Path chdir, Map<String, String> env, TaskContext ctx)
      throws IOException, InterruptedException {
    return run(argv, chdir, env, null, true, ctx);
  }

  /**
   * @param stdin what the process reads, or null for /dev/null
   * @param stream whether stdout is the task's output (a module's JSON answer is not)
   */
  public static Outcome run(List<String> argv, Path chdir, Map<String, String> env, byte[] stdin, boolean stream,
      TaskContext ctx) throws IOException, InterruptedException {
    ProcessBuilder pb = ctx.processBuilder(argv);
    if (stdin == null) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }
    if (chdir != null) {
      pb.directory(chdir.toFile());
    }
    pb.environment().putAll(env);
    java.time.LocalDateTime start = java.time.LocalDateTime.now();
    long t0 = System.nanoTime();
    Process p = pb.start();
    ctx.attach(p);
    if (stdin != null) {
      feed(p, stdin);
    }
    Capture out = new Capture(p.getInputStream(), false, stream ? ctx : null);
    Capture err = new Capture(p.getErrorStream(), true, stream ? ctx : null);
    Thread tOut = daemon("homefleet-stdout", out);
    Thread tErr = daemon("homefleet-stderr", err);
    boolean timedOut = false;
    long limit = ctx.timeout().toMillis();
    if (limit > 0) {
      if (!p.waitFor(limit, TimeUnit.MILLISECONDS)) {
        timedOut = true;
        Processes.stop(p);
      }
    }
    int rc = p.waitFor();
    tOut.join(5000);
    tErr.join(5000);
    String stdout = out.text();
    String stderr = err.text();
    Map<String, Object> data = times(argv, start, System.nanoTime() - t0);
    if (timedOut) {
      return new Outcome(Outcome.Status.TIMED_OUT, rc, stdout, stderr, "timed out after " + ctx.timeout().toSeconds() + "s",
          data, out.truncated, err.truncated);
    }
    return new Outcome(rc == 0 ? Outcome.Status.CHANGED : Outcome.Status.FAILED, rc, stdout, stderr,
        rc == 0 ? "" : "non-zero return code", data, out.truncated, err.truncated);
  }

  /** Ansible's {@code cmd}, {@code start}, {@code end} and {@code delta} ("0:00:01.002000"). */
  private static Map<String, Object> times(List<String> argv, java.time.LocalDateTime start, long nanos) {
    java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
    long micros = nanos / 1000;
    String delta = delta(micros);
    Map<String, Object> d = new java.util.LinkedHashMap<>();
    d.put("cmd", argv);
    d.put("start", start.format(f));
    d.put("end", start.plusNanos(nanos).format(f));
    d.put("delta", delta);
    return d;
  }

  /**
   * {@code micros} as Ansible's {@code delta}, {@code H:MM:SS.ffffff}. By hand, not
   * {@code String.format}: a formatter's digits come from the JDK's locale provider, whose tables a
   * resident agent would keep on its heap after its first command.
   */
  static String delta(long micros) {
    StringBuilder b = new StringBuilder(16).append(micros / 3_600_000_000L).append(':');
    zeroPadded(b, micros / 60_000_000 % 60, 2).append(':');
    zeroPadded(b, micros / 1_000_000 % 60, 2).append('.');
    return zeroPadded(b, micros % 1_000_000, 6).toString();
  }

  private static StringBuilder zeroPadded(StringBuilder b, long value, int width) {
    String digits = Long.toString(value);
    for (int i = digits.length(); i < width; i++) {
      b.append('0');
    }
    return b.append(digits);
  }

  /** On a thread of its own: a process that writes before it has read all its input must not block us. */
  private static void feed(Process p, byte[] stdin) {
    daemon("homefleet-stdin", () -> {
      try (var in = p.getOutputStream()) {
        in.write(stdin);
      } catch (IOException e) {
        // The process exited without reading it all; its exit status says what happened.
      }
    });
  }

  private static Thread daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Reads one stream to its end, forwarding chunks (unless ctx is null) and keeping a bounded copy. */
  private static final class Capture implements Runnable {
    private final InputStream in;
    private final boolean stderr;
    private final TaskContext ctx;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    volatile boolean truncated;

    Capture(InputStream in, boolean stderr, TaskContext ctx) {
      this.in = in;
      this.stderr = stderr;
      this.ctx = ctx;
    }

    @Override
    public void run() {
      byte[] buf = new byte[16 * 1024];
      try (in) {
        int n;
        while ((n = in.read(buf)) > 0) {
          if (ctx != null) {
            ctx.output(stderr, buf, n);
          }
          int room = CAPTURE_LIMIT - kept.size();
          if (room > 0) {
            kept.write(buf, 0, Math.min(room, n));
          }
          if (n > room) {
            truncated = true;
          }
        }
      } catch (IOException e) {
        // The process went away; what was read is what there is.
      }
    }

    String text() {
      synchronized (kept) {
        return kept.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
