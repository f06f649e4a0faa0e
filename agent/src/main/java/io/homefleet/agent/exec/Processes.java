package io.homefleet.agent.exec;

import java.util.concurrent.TimeUnit;

/** Stops a child process and everything it started: TERM first, KILL after a grace period. */
public final class Processes {
  private Processes() {}

  public static void stop(Process p) {
    p.descendants().forEach(ProcessHandle::destroy);
    p.destroy();
    try {
      if (!p.waitFor(3, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
