package io.homefleet.playbook.plan;

import io.homefleet.playbook.model.Values;
import io.homefleet.playbook.vars.Precedence;
import java.util.Collections;
import java.util.EnumMap;
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
 * @param vars the host's variables by where they come from ({@link Precedence}: inventory, group
 *     and host vars, facts, play vars, vars_files, set_fact of the plays before, extra vars, the
 *     magic variables with {@code hostvars} as a snapshot); the runner adds the layers it learns
 *     on the host at their places
 * @param tags the tag selection the plan was compiled with (tasks it excludes are not in it)
 * @param check {@code --check}
 * @param diff {@code --diff}
 * @param forceHandlers whether notified handlers run even after the host failed
 * @param files bundle path to content, for every file a task of the plan ships
 * @param secrets the vault-decrypted values this plan carries, which the runner masks in every
 *     event it reports (docs/security.md, "Vault secrets")
 */
public record HostPlan(int format, String play, String location, List<PlanItem> items, List<PlanHandler> handlers,
    List<RoleScope> roles, Map<Precedence, Map<String, Object>> vars, TagSelection tags,
    boolean check, boolean diff, boolean forceHandlers, Map<String, byte[]> files, List<String> secrets) {

  /** A plan that carries no vault secrets. */
  public HostPlan(int format, String play, String location, List<PlanItem> items, List<PlanHandler> handlers,
      List<RoleScope> roles, Map<Precedence, Map<String, Object>> vars, TagSelection tags,
      boolean check, boolean diff, boolean forceHandlers, Map<String, byte[]> files) {
    this(format, play, location, items, handlers, roles, vars, tags, check, diff, forceHandlers, files, List.of());
  }

  public HostPlan {
    Objects.requireNonNull(play, "play");
    Objects.requireNonNull(location, "location");
    items = items == null ? List.of() : List.copyOf(items);
    handlers = handlers == null ? List.of() : List.copyOf(handlers);
    roles = roles == null ? List.of() : List.copyOf(roles);
    EnumMap<Precedence, Map<String, Object>> layers = new EnumMap<>(Precedence.class);
    if (vars != null) {
      vars.forEach((level, layer) -> layers.put(level, Values.freeze(layer)));
    }
    vars = Collections.unmodifiableMap(layers);
    tags = tags == null ? TagSelection.ALL : tags;
    files = files == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(files));
    secrets = secrets == null ? List.of() : List.copyOf(secrets);
  }

  /** This plan with other variables, role scopes and secrets (the compiler's vault rule). */
  public HostPlan with(Map<Precedence, Map<String, Object>> newVars, List<RoleScope> newRoles, List<String> newSecrets) {
    return new HostPlan(format, play, location, items, handlers, newRoles, newVars, tags, check, diff, forceHandlers,
        files, newSecrets);
  }

  /** The plan's variables merged by precedence, before the runner adds what it learns on the host. */
  public Map<String, Object> mergedVars() {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    Precedence.lowestFirst(vars, (level, layer) -> out.putAll(layer));
    return out;
  }

  /** {@code -e}, applied above everything. */
  public Map<String, Object> extraVars() {
    return vars.getOrDefault(Precedence.EXTRA_VARS, Map.of());
  }
}
