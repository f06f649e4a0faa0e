package io.homefleet.playbook.plan;

import io.homefleet.playbook.model.Values;
import java.util.Map;
import java.util.Objects;

/**
 * One host's PLAY RECAP line, and what the host's later plays need from this one.
 *
 * <p>Counts as ansible-playbook counts them: {@code ok} includes the changed tasks; a task whose
 * failure was ignored counts as ok and ignored; a failure a {@code rescue} handled counts as
 * rescued, not failed. {@code unreachable} is always 0 here: only the controller knows that.
 *
 * @param ok tasks that ran and succeeded (changed ones included)
 * @param changed tasks that changed something
 * @param unreachable always 0 from the runner
 * @param failed 1 when the host failed the play, else 0
 * @param skipped tasks skipped (a false condition, or all items skipped)
 * @param rescued blocks whose rescue ran
 * @param ignored failures {@code ignore_errors} let pass
 * @param end how the host's play ended
 * @param facts {@code set_fact} values and registered results, to carry into the host's later
 *     plays (Ansible keeps them for the whole playbook run): the {@code SET_FACTS} layer
 * @param ansibleFacts facts modules returned ({@code setup}), keys without the {@code ansible_}
 *     prefix: the {@code FACTS} layer
 */
public record PlayRecap(int ok, int changed, int unreachable, int failed, int skipped, int rescued, int ignored,
    End end, Map<String, Object> facts, Map<String, Object> ansibleFacts) {

  /** How a host's play ended. */
  public enum End {
    /** Every task ran (or was skipped). */
    COMPLETED,
    /** A task failed and nothing rescued it. */
    FAILED,
    /** {@code meta: end_host}. */
    END_HOST,
    /** {@code meta: end_play}: the controller should end the play for every host. */
    END_PLAY,
    /** {@code meta: end_batch}: the controller should end the current serial batch. */
    END_BATCH
  }

  public PlayRecap {
    Objects.requireNonNull(end, "end");
    facts = Values.freeze(facts);
    ansibleFacts = Values.freeze(ansibleFacts);
  }
}
