package io.homefleet.agent.session;

import io.homefleet.agent.worker.ChildJvm;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * First-boot enrollment in a child JVM ({@code homefleet-agent enroll --for-agent}), so that what
 * enrolling leaves behind (the enrollment channel's TLS, the key generation's and the token's
 * classes, the heap they grew) ends with that process instead of staying in the daemon for good:
 * an agent that enrolled in its own process sat ~1 MiB above the same agent restarted
 * (bench/HISTORY.md, "Ninth session: enrollment in a child process"). The child keeps retrying an unreachable
 * controller, as the agent did, and gives up when its standard input closes, which is when the
 * agent that started it has gone (however it went).
 */
public final class EnrollmentProcess {
  /** The environment variable whose value, when set, replaces {@link #DEFAULT_JAVA_OPTS}. */
  public static final String OPTS_ENV = "HOMEFLEET_ENROLL_OPTS";
  /** Short-lived: the serial collector and C1 for a quick start; unpooled Netty buffers as the agent's. */
  public static final String DEFAULT_JAVA_OPTS = "-XX:+UseSerialGC -Xmx64m -Xss512k -XX:TieredStopAtLevel=1"
      + " -XX:CICompilerCount=1 -XX:-UsePerfData -XX:+IgnoreUnrecognizedVMOptions"
      + " -Dio.netty.allocator.type=unpooled -Dio.netty.jfr.enabled=false";
  private static final String MAIN = "io.homefleet.agent.AgentMain";

  private EnrollmentProcess() {
  }

  /** The child's command line for the agent config at {@code config}. */
  public static List<String> command(Path config) {
    return ChildJvm.command(OPTS_ENV, DEFAULT_JAVA_OPTS, "homefleet-agent.jsa", MAIN,
        "enroll", "--for-agent", "--config", config.toAbsolutePath().toString());
  }

  /**
   * Runs the child to its end, its output and log on this process's, and returns its exit code
   * ({@code homefleet-agent enroll}'s); 1 with a message when it cannot be started.
   */
  public static int run(Path config) throws InterruptedException {
    List<String> cmd = command(config);
    Process p;
    try {
      // Its standard input stays a pipe that nothing writes to: it closes when this process ends.
      p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.INHERIT)
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    } catch (IOException e) {
      System.err.println("homefleet-agent: cannot start the enrollment process (" + cmd.get(0) + "): " + e.getMessage());
      return 1;
    }
    try {
      return p.waitFor();
    } catch (InterruptedException e) {
      p.destroy();
      throw e;
    }
  }
}
