package io.homefleet.agent.exec;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stops a child process and everything it started: TERM first, KILL after a grace period. */
public final class Processes {
  private Processes() {}

  public static void stop(Process p) {
    // Take the tree first: once the parent dies its children are re-parented and out of reach.
    // Then stop the parent before its children, so a shell cannot go on to its next command.
    List<ProcessHandle> tree = p.descendants().toList();
    p.destroy();
    tree.forEach(ProcessHandle::destroy);
    try {
      if (!p.waitFor(3, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }
}
