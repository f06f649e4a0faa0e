package io.homefleet.playbook.plan;

import java.util.List;
import java.util.Objects;

/**
 * A handler: runs once at the next flush (the end of {@code pre_tasks}, of the roles and tasks,
 * of {@code post_tasks}, or a {@code meta: flush_handlers}) when a changed task notified one of
 * its names. Handlers run in the order they are listed here (roles' handlers first, then the
 * play's, as Ansible orders them), not in the order they were notified.
 *
 * @param names what a {@code notify} may say to reach it: its name, {@code role : name}, and its
 *     {@code listen} topics
 * @param task the task to run
 */
public record PlanHandler(List<String> names, PlanTask task) {
  public PlanHandler {
    names = names == null ? List.of() : List.copyOf(names);
    Objects.requireNonNull(task, "task");
  }

  /** Whether {@code notify: name} reaches this handler. */
  public boolean answers(String name) {
    return names.contains(name);
  }
}
