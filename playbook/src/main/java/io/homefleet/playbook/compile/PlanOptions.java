package io.homefleet.playbook.compile;

import io.homefleet.playbook.model.Values;
import java.util.List;
import java.util.Map;

/**
 * What {@code homefleet play} was asked for, the same for every host.
 *
 * @param tags {@code --tags}; empty for all
 * @param skipTags {@code --skip-tags}
 * @param check {@code --check}
 * @param diff {@code --diff}
 * @param extraVars {@code -e}: win over every other variable, {@code set_fact} included
 */
public record PlanOptions(List<String> tags, List<String> skipTags, boolean check, boolean diff,
    Map<String, Object> extraVars) {

  /** No tags, no check, no diff, no extra vars. */
  public static final PlanOptions DEFAULT = new PlanOptions(List.of(), List.of(), false, false, Map.of());

  public PlanOptions {
    tags = List.copyOf(tags);
    skipTags = List.copyOf(skipTags);
    extraVars = Values.freeze(extraVars);
  }
}
