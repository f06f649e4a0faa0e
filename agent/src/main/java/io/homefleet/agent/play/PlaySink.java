package io.homefleet.agent.play;

import io.homefleet.proto.v1.PlayCall;
import io.homefleet.proto.v1.PlayCallResult;
import io.homefleet.playbook.plan.ItemResult;
import io.homefleet.playbook.plan.PlayRecap;
import io.homefleet.playbook.plan.TaskRef;
import io.homefleet.playbook.plan.TaskResult;

/** Where a running play's events go (the session stream, or a test's list). Called on the play's thread. */
public interface PlaySink {
  void taskStarted(PlayWork work, TaskRef task);

  void itemFinished(PlayWork work, ItemResult item);

  void taskFinished(PlayWork work, TaskResult result);

  /** The play ended: its recap. */
  void playFinished(PlayWork work, PlayRecap recap);

  /** The play could not run at all (an unreadable plan, a bundle that cannot be written), or was cancelled. */
  void playFailed(PlayWork work, String message);

  /**
   * Asks the controller {@code call} (delegate_to, run_once, throttle) for the play and waits for
   * the answer; a sink with no controller behind it answers with an error.
   */
  default PlayCallResult call(PlayWork work, PlayCall.Builder call) throws InterruptedException {
    return PlayCallResult.newBuilder().setError("this play runs without a controller").build();
  }
}
