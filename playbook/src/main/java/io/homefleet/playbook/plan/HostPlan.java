package io.homefleet.playbook.plan;

import io.homefleet.playbook.model.Values;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything one host needs to run one play, in one message: the ordered task tree, the
 * handlers, the host's variables, the tag selection, the check and diff flags, and the bundle
 * files the tasks use. {@link PlanCompiler} makes it on the controller; {@link PlanCodec} turns it
 * into bytes and back; {@link PlanRunner} runs it on the agent.
 *
 * <p>Templates are still strings here: they are rendered on the host, where registered results
 * and facts are known.
 *
 * @param format the plan format's version ({@link PlanCodec#FORMAT})
 * @param play the play's name
 * @param location where the play starts
 * @param items {@code pre_tasks}, the roles' tasks, {@code tasks}, {@code post_tasks}, with
 *     implicit {@code meta: flush_handlers} between them, as Ansible runs a play
 * @param handlers roles' handlers, then the play's
 * @param roles the role scopes tasks refer to by index
 * @param vars the host's variables as the vars code merged them (inventory, group and host vars,
 *     facts, play vars, vars_files; {@code hostvars} as a snapshot)
 * @param extraVars {@code -e}, applied above everything
 * @param tags the tag selection the plan was compiled with (tasks it excludes are not in it)
 * @param check {@code --check}
 * @param diff {@code --diff}
 * @param forceHandlers whether notified handlers run even after the host failed
 * @param files bundle path to content, for every file a task of the plan ships
 */
public record HostPlan(int format, String play, String location, List<PlanItem> items, List<PlanHandler> handlers,
    List<RoleScope> roles, Map<String, Object> vars, Map<String, Object> extraVars, TagSelection tags,
    boolean check, boolean diff, boolean forceHandlers, Map<String, byte[]> files) {

  public HostPlan {
    Objects.requireNonNull(play, "play");
    Objects.requireNonNull(location, "location");
    items = items == null ? List.of() : List.copyOf(items);
    handlers = handlers == null ? List.of() : List.copyOf(handlers);
    roles = roles == null ? List.of() : List.copyOf(roles);
    vars = vars == null ? Map.of() : Values.freeze(vars);
    extraVars = extraVars == null ? Map.of() : Values.freeze(extraVars);
    tags = tags == null ? TagSelection.ALL : tags;
    files = files == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(files));
  }
}
