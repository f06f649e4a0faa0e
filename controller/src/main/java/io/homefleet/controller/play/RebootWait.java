package io.homefleet.controller.play;

import io.homefleet.playbook.plan.HostPlan;
import io.homefleet.playbook.plan.PlanBlock;
import io.homefleet.playbook.plan.PlanHandler;
import io.homefleet.playbook.plan.PlanInclude;
import io.homefleet.playbook.plan.PlanItem;
import io.homefleet.playbook.plan.PlanTask;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How long the controller keeps a host's play part open while its {@code reboot} task has the
 * host down: the task's {@code reboot_timeout} (Ansible's 600 s when it is not given or is a
 * template) and a margin for the agent to start and reconnect after the boot.
 */
final class RebootWait {
  /** Beyond reboot_timeout: the agent's start, its reconnect backoff and its report. */
  static final int MARGIN_SECONDS = 120;
  static final int DEFAULT_TIMEOUT = 600;

  private RebootWait() {}

  /** The plan's reboot tasks (handlers included) by task id, each with its reboot_timeout in seconds. */
  static Map<Integer, Integer> tasks(HostPlan plan) {
    Map<Integer, Integer> out = new HashMap<>();
    walk(plan.items(), out);
    for (PlanHandler h : plan.handlers()) {
      walk(List.of(h.task()), out);
    }
    return Map.copyOf(out);
  }

  static long waitMillis(int timeoutSeconds) {
    return (Math.max(0, timeoutSeconds) + (long) MARGIN_SECONDS) * 1000L;
  }

  private static void walk(List<? extends PlanItem> items, Map<Integer, Integer> out) {
    for (PlanItem item : items) {
      if (item instanceof PlanTask t) {
        if (t.module().equals("reboot")) {
          out.put(t.id(), timeout(t.args().get("reboot_timeout")));
        }
      } else if (item instanceof PlanBlock b) {
        walk(b.block(), out);
        walk(b.rescue(), out);
        walk(b.always(), out);
      } else if (item instanceof PlanInclude inc) {
        walk(inc.items(), out);
      }
    }
  }

  private static int timeout(Object v) {
    if (v instanceof Number n) {
      return n.intValue();
    }
    try {
      return v == null ? DEFAULT_TIMEOUT : Integer.parseInt(String.valueOf(v).strip());
    } catch (NumberFormatException e) {
      return DEFAULT_TIMEOUT; // a template: Ansible's default, the margin covering small differences
    }
  }
}
