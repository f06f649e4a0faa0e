package io.homefleet.playbook.model;

import io.homefleet.playbook.source.Location;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code import_role} (static) or {@code include_role} (dynamic) as a task.
 *
 * @param location where it was written
 * @param role the role reference (its keywords are this item's keywords)
 * @param dynamic true for {@code include_role}
 * @param loop the loop over the include ({@code include_role} only)
 */
public record IncludeRole(Location location, RoleRef role, boolean dynamic, Optional<Loop> loop) implements TaskItem {

  public IncludeRole {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(loop, "loop");
  }

  @Override
  public Keywords keywords() {
    return role.keywords();
  }
}
