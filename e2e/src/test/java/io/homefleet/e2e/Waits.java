package io.homefleet.e2e;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/** The e2e tests' one way to wait for something: Awaitility, with the context a failure needs. */
public final class Waits {
  private Waits() {}

  /**
   * Awaitility's wait for {@code done}, every {@code poll} up to {@code timeout}, failing at once
   * when {@code process} (if any) exits; the failure shows {@code context} (logs, the last output).
   */
  public static void until(String what, Duration timeout, Duration poll, Process process, Callable<Boolean> done,
      Callable<String> context) {
    ConditionFactory wait = Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(poll);
    if (process != null) {
      wait = wait.failFast("the process exited", () -> !process.isAlive());
    }
    try {
      wait.until(done);
    } catch (ConditionTimeoutException | TerminalFailureException e) {
      String shown;
      try {
        shown = context.call();
      } catch (Exception ex) {
        shown = "(" + ex + ")";
      }
      throw new AssertionError(e.getMessage() + "\n" + shown, e);
    }
  }
}
