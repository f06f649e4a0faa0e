package io.homefleet.playbook.compile;

import io.homefleet.playbook.model.Values;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code homefleet play} was asked for, the same for every host.
 *
 * @param tags {@code --tags}; empty for all
 * @param skipTags {@code --skip-tags}
 * @param check {@code --check}
 * @param diff {@code --diff}
 * @param extraVars {@code -e}: win over every other variable, {@code set_fact} included
 * @param secrets the values the playbook's and inventory's vault decrypted ({@code Vault.revealed()}):
 *     a variable holding one goes into a host's plan only if the plan names it ({@link SecretVars})
 */
public record PlanOptions(List<String> tags, List<String> skipTags, boolean check, boolean diff,
    Map<String, Object> extraVars, Set<String> secrets) {

  /** Options without vault secrets. */
  public PlanOptions(List<String> tags, List<String> skipTags, boolean check, boolean diff,
      Map<String, Object> extraVars) {
    this(tags, skipTags, check, diff, extraVars, Set.of());
  }

  /** No tags, no check, no diff, no extra vars. */
  public static final PlanOptions DEFAULT = new PlanOptions(List.of(), List.of(), false, false, Map.of());

  public PlanOptions {
    tags = List.copyOf(tags);
    skipTags = List.copyOf(skipTags);
    extraVars = Values.freeze(extraVars);
    secrets = Set.copyOf(secrets);
  }
}
