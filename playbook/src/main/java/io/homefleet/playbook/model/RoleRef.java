package io.homefleet.playbook.model;

import io.homefleet.playbook.source.Location;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A use of a role: in a play's {@code roles:}, a role's {@code meta/main.yml} dependencies, or
 * {@code import_role}/{@code include_role}.
 *
 * @param name the role's name as written (may be a template for {@code include_role})
 * @param location where it was written
 * @param keywords the shared keywords ({@code when}, {@code tags}, {@code vars} apply to all its tasks)
 * @param params role parameters (the old style: extra keys next to {@code role:}), set as vars
 * @param role the role's content; empty only for an {@code include_role} whose name is a template
 */
public record RoleRef(String name, Location location, Keywords keywords, Map<String, Object> params,
    Optional<Role> role) {

  public RoleRef {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(keywords, "keywords");
    params = Values.freeze(params);
    Objects.requireNonNull(role, "role");
  }
}
