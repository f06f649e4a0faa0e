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
 * @param ending whether the part ran, or was cancelled or expired (the run states ad-hoc tasks end in too)
 */
public record HostOutcome(PlayRecap recap, boolean unreachable, String msg, Ending ending) {
  /** How a host's part ended apart from its recap. */
  public enum Ending { RAN, CANCELLED, EXPIRED }

  public HostOutcome {
    Objects.requireNonNull(recap, "recap");
    Objects.requireNonNull(ending, "ending");
    msg = msg == null ? "" : msg;
  }

  public HostOutcome(PlayRecap recap, boolean unreachable, String msg) {
    this(recap, unreachable, msg, Ending.RAN);
  }

  /** The controller could not reach the host. */
  public static HostOutcome unreachable(String msg) {
    return new HostOutcome(new PlayRecap(0, 0, 1, 0, 0, 0, 0, PlayRecap.End.FAILED, Map.of(), Map.of()), true, msg);
  }

  /** The play could not run on the host at all. */
  public static HostOutcome failed(String msg) {
    return new HostOutcome(new PlayRecap(0, 0, 0, 1, 0, 0, 0, PlayRecap.End.FAILED, Map.of(), Map.of()), false, msg);
  }

  /** The run was cancelled before or while the host's part ran; it counts as failed, as a cancelled ad-hoc task does. */
  public static HostOutcome cancelled(String msg) {
    return new HostOutcome(new PlayRecap(0, 0, 0, 1, 0, 0, 0, PlayRecap.End.FAILED, Map.of(), Map.of()), false, msg,
        Ending.CANCELLED);
  }

  /** The host did not connect within the run's queue time; it counts as unreachable, as an expired ad-hoc task does. */
  public static HostOutcome expired(String msg) {
    return new HostOutcome(new PlayRecap(0, 0, 1, 0, 0, 0, 0, PlayRecap.End.FAILED, Map.of(), Map.of()), true, msg,
        Ending.EXPIRED);
  }

  /** Whether the host is out of the rest of the run (failed or unreachable), as in Ansible. */
  public boolean out() {
    return unreachable || recap.failed() > 0 || ending != Ending.RAN;
  }

  /** The host part's state in the run's task list, as {@code homefleet runs} shows it. */
  public String state() {
    return switch (ending) {
      case CANCELLED -> "cancelled";
      case EXPIRED -> "expired";
      case RAN -> unreachable ? "unreachable" : recap.failed() > 0 ? "failed" : recap.changed() > 0 ? "changed" : "ok";
    };
  }

  /** The recap's end as stored and sent to the operator: the play's own, or why it did not run to one. */
  public String end() {
    return switch (ending) {
      case CANCELLED -> "CANCELLED";
      case EXPIRED -> "EXPIRED";
      case RAN -> unreachable ? "UNREACHABLE" : recap.end().name();
    };
  }
}
