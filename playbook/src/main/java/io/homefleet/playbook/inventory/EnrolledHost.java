package io.homefleet.playbook.inventory;

import java.util.Map;
import java.util.Objects;

/**
 * A host the controller knows because its agent enrolled: its name, its role (prod, dev, sandbox,
 * services, batch, workstation, or another) and its labels. It joins the group named after its
 * role and a group {@code key_value} for every label.
 */
public record EnrolledHost(String name, String role, Map<String, String> labels) {
  public EnrolledHost {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("an enrolled host needs a name");
    }
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }
}
