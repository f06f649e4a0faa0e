package io.homefleet.playbook.model;

import java.util.List;
import java.util.Objects;

/**
 * A handler: a task that runs once at the end of the play (or at {@code meta: flush_handlers}) if
 * a task that changed something notified it, by its name or by one of its {@code listen} topics.
 *
 * @param task the task to run
 * @param listen the topics it also answers to
 */
public record Handler(Task task, List<String> listen) {
  public Handler {
    Objects.requireNonNull(task, "task");
    listen = List.copyOf(listen);
  }

  /** Whether a {@code notify: name} reaches this handler (its own or role-qualified name, or a topic). */
  public boolean answers(String name) {
    return task.name().equals(name) || listen.contains(name)
        || task.role().map(r -> (r + " : " + task.name()).equals(name)).orElse(false);
  }
}
