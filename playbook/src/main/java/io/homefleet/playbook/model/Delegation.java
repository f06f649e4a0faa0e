package io.homefleet.playbook.model;

import java.util.Objects;
import java.util.Optional;

/**
 * Where and how often a task runs across the play's hosts: {@code delegate_to},
 * {@code delegate_facts}, {@code run_once} and {@code throttle}, as written (inherited like the
 * other keywords; templates are decided per host).
 *
 * @param delegateTo the inventory name of the host that runs the task instead, when given
 * @param delegateFacts whether facts the task returns are the delegated host's
 * @param runOnce whether one host of the batch runs the task for all of them
 * @param throttle how many hosts may run the task at once (an integer or a template), when given
 */
public record Delegation(Optional<String> delegateTo, Optional<Flag> delegateFacts, Optional<Flag> runOnce,
    Optional<Object> throttle) {

  public static final Delegation NONE = new Delegation(Optional.empty(), Optional.empty(), Optional.empty(),
      Optional.empty());

  public Delegation {
    Objects.requireNonNull(delegateTo, "delegateTo");
    Objects.requireNonNull(delegateFacts, "delegateFacts");
    Objects.requireNonNull(runOnce, "runOnce");
    Objects.requireNonNull(throttle, "throttle");
  }

  /** {@code inner}'s keywords where given, else these (a task inherits from its block). */
  public Delegation under(Delegation inner) {
    return new Delegation(inner.delegateTo.or(() -> delegateTo), inner.delegateFacts.or(() -> delegateFacts),
        inner.runOnce.or(() -> runOnce), inner.throttle.or(() -> throttle));
  }
}
