package io.homefleet.controller.play;

import io.homefleet.playbook.plan.PlayRecap;
import java.util.Map;
import java.util.Objects;

/**
 * How one host's play ended, as the controller records it.
 *
 * @param recap the agent's recap (for an unreachable host: zeros and unreachable=1)
 * @param unreachable the controller could not reach the host (offline, not an agent, disconnected)
 * @param msg why the host was unreachable or the play could not run; empty otherwise
 */
public record HostOutcome(PlayRecap recap, boolean unreachable, String msg) {
  public HostOutcome {
    Objects.requireNonNull(recap, "recap");
    msg = msg == null ? "" : msg;
  }

  /** The controller could not reach the host. */
  public static HostOutcome unreachable(String msg) {
    return new HostOutcome(new PlayRecap(0, 0, 1, 0, 0, 0, 0, PlayRecap.End.FAILED, Map.of(), Map.of()), true, msg);
  }

  /** The play could not run on the host at all. */
  public static HostOutcome failed(String msg) {
    return new HostOutcome(new PlayRecap(0, 0, 0, 1, 0, 0, 0, PlayRecap.End.FAILED, Map.of(), Map.of()), false, msg);
  }

  /** Whether the host is out of the rest of the run (failed or unreachable), as in Ansible. */
  public boolean out() {
    return unreachable || recap.failed() > 0;
  }
}
