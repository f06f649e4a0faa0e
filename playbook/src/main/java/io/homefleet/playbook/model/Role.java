package io.homefleet.playbook.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A role's content, read from its directory: {@code tasks/main.yml} (or {@code tasks_from}),
 * {@code handlers/main.yml}, {@code defaults/main.yml}, {@code vars/main.yml} and the
 * dependencies in {@code meta/main.yml}. Its {@code files/} and {@code templates/} are in the
 * bundle under {@link #bundleDir()}.
 *
 * @param name the role's name
 * @param bundleDir its directory in the bundle ({@code roles/common})
 * @param tasks its tasks
 * @param handlers its handlers
 * @param defaults its defaults (lowest precedence)
 * @param vars its vars
 * @param dependencies the roles that run before it
 */
public record Role(String name, String bundleDir, List<TaskItem> tasks, List<Handler> handlers,
    Map<String, Object> defaults, Map<String, Object> vars, List<RoleRef> dependencies) {

  public Role {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(bundleDir, "bundleDir");
    tasks = List.copyOf(tasks);
    handlers = List.copyOf(handlers);
    defaults = Values.freeze(defaults);
    vars = Values.freeze(vars);
    dependencies = List.copyOf(dependencies);
  }
}
