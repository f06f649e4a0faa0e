package io.homefleet.playbook.plan;

/**
 * A task's {@code delegate_to}, {@code delegate_facts}, {@code run_once} and {@code throttle} as
 * the host decides them: each empty when not given, else as written (a template is rendered on
 * the host with its variables).
 *
 * @param delegateTo the inventory name of the host that runs the module instead
 * @param delegateFacts {@code "true"}, {@code "false"} or a template
 * @param runOnce {@code "true"}, {@code "false"} or a template
 * @param throttle an integer, a template, or null
 */
public record PlanDelegation(String delegateTo, String delegateFacts, String runOnce, Object throttle) {

  public static final PlanDelegation NONE = new PlanDelegation("", "", "", null);

  public PlanDelegation {
    delegateTo = delegateTo == null ? "" : delegateTo;
    delegateFacts = delegateFacts == null ? "" : delegateFacts;
    runOnce = runOnce == null ? "" : runOnce;
  }

  public boolean isNone() {
    return delegateTo.isEmpty() && delegateFacts.isEmpty() && runOnce.isEmpty() && throttle == null;
  }
}
