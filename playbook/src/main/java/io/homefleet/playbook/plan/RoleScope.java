package io.homefleet.playbook.plan;

import io.homefleet.playbook.model.Values;
import java.util.Map;
import java.util.Objects;

/**
 * The variables one use of a role brings: its defaults (below the host's variables), its vars
 * (above the play's), and its parameters (above {@code set_fact}, as Ansible's role params).
 * Tasks name their scope by index in {@link HostPlan#roles()}.
 *
 * @param role the role's name ({@code role_name})
 * @param bundleDir the role's directory in the bundle ({@code role_path}, relative)
 * @param defaults {@code defaults/main.yml}
 * @param vars {@code vars/main.yml}
 * @param params role parameters (the extra keys of a {@code roles:} entry)
 * @param exported whether its defaults and vars are visible to the whole play ({@code roles:} and
 *     {@code import_role}, as Ansible's public roles), not only to its own tasks
 */
public record RoleScope(String role, String bundleDir, Map<String, Object> defaults, Map<String, Object> vars,
    Map<String, Object> params, boolean exported) {

  public RoleScope {
    Objects.requireNonNull(role, "role");
    bundleDir = bundleDir == null ? "" : bundleDir;
    defaults = defaults == null ? Map.of() : Values.freeze(defaults);
    vars = vars == null ? Map.of() : Values.freeze(vars);
    params = params == null ? Map.of() : Values.freeze(params);
  }
}
