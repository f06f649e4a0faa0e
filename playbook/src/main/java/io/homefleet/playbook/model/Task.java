package io.homefleet.playbook.model;

import io.homefleet.playbook.source.Location;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One task: a module with its arguments and the task keywords. Arguments stay as written
 * (templates are rendered per host at run time); a free-form string has been split into the
 * module's arguments ({@code command: ls -l} is {@code _raw_params: "ls -l"}).
 *
 * @param name the task's name, empty when it has none
 * @param location where the task starts
 * @param module the module's short name ({@code copy} for {@code ansible.builtin.copy})
 * @param action the module name as written
 * @param args the module's arguments, {@code args:} merged in
 * @param files local files the task ships to the host: argument name ({@code src}) to bundle path
 * @param role the role the task comes from, if any
 * @param keywords the shared keywords
 * @param loop the loop, if any
 * @param register the variable to register the result in, if any
 * @param notifies handler names or listen topics to notify when the task changes something
 * @param changedWhen conditions that decide "changed" instead of the module (all must hold)
 * @param failedWhen conditions that decide "failed" instead of the module (any holding fails)
 * @param retry {@code until}/{@code retries}/{@code delay}, if given
 */
public record Task(String name, Location location, String module, String action, Map<String, Object> args,
    Map<String, String> files, Optional<String> role, Keywords keywords, Optional<Loop> loop,
    Optional<String> register, List<String> notifies, List<String> changedWhen, List<String> failedWhen,
    Optional<Retry> retry) implements TaskItem {

  public Task {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(module, "module");
    Objects.requireNonNull(action, "action");
    args = Values.freeze(args);
    files = Map.copyOf(files);
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(keywords, "keywords");
    Objects.requireNonNull(loop, "loop");
    Objects.requireNonNull(register, "register");
    notifies = List.copyOf(notifies);
    changedWhen = List.copyOf(changedWhen);
    failedWhen = List.copyOf(failedWhen);
    Objects.requireNonNull(retry, "retry");
  }

  /** The name to show: the task's name, else the module, prefixed with the role as Ansible does. */
  public String displayName() {
    String base = name.isEmpty() ? module : name;
    return role.map(r -> r + " : " + base).orElse(base);
  }
}
