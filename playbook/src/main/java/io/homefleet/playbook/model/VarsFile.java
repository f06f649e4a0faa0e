package io.homefleet.playbook.model;

import io.homefleet.playbook.source.Location;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a play's {@code vars_files}: a file name, or a list of names of which the first
 * that exists is used.
 *
 * @param location where it was written
 * @param candidates the names as written (templates allowed)
 * @param vars the file's variables, when the name is not a template and it was read at load
 *     time; empty when it can only be decided per host
 */
public record VarsFile(Location location, List<String> candidates, Optional<Map<String, Object>> vars) {
  public VarsFile {
    Objects.requireNonNull(location, "location");
    candidates = List.copyOf(candidates);
    vars = vars.map(Values::freeze);
  }
}
