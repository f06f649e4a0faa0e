package io.homefleet.playbook.plan;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code --tags} and {@code --skip-tags}, with Ansible's special tags: a task tagged
 * {@code always} runs unless {@code always} (or one of its other tags) is skipped; a task tagged
 * {@code never} runs only when one of its tags is asked for; {@code all} (the default) selects
 * every task not tagged {@code never}; {@code tagged} and {@code untagged} select by whether a
 * task has tags at all.
 *
 * @param tags the tags to run; empty means {@code all}
 * @param skipTags the tags to skip
 */
public record TagSelection(List<String> tags, List<String> skipTags) {

  /** Everything except {@code never}. */
  public static final TagSelection ALL = new TagSelection(List.of(), List.of());

  public TagSelection {
    tags = tags == null ? List.of() : List.copyOf(tags);
    skipTags = skipTags == null ? List.of() : List.copyOf(skipTags);
  }

  /** Whether a task with these (inherited) tags runs, as Ansible's {@code Taggable.evaluate_tags}. */
  public boolean selects(Collection<String> taskTags) {
    Set<String> own = taskTags.isEmpty() ? Set.of("untagged") : new HashSet<>(taskTags);
    Set<String> only = tags.isEmpty() ? Set.of("all") : new HashSet<>(tags);
    boolean run;
    if (own.contains("always")) {
      run = true;
    } else if (only.contains("all") && !own.contains("never")) {
      run = true;
    } else if (!disjoint(own, only)) {
      run = true;
    } else {
      run = only.contains("tagged") && !own.equals(Set.of("untagged")) && !own.contains("never");
    }
    if (run && !skipTags.isEmpty()) {
      Set<String> skip = new HashSet<>(skipTags);
      if (skip.contains("all")) {
        run = own.contains("always") && !skip.contains("always");
      } else if (!disjoint(own, skip)) {
        run = false;
      } else if (skip.contains("tagged") && !own.equals(Set.of("untagged"))) {
        run = false;
      }
    }
    return run;
  }

  private static boolean disjoint(Set<String> a, Set<String> b) {
    for (String s : a) {
      if (b.contains(s)) {
        return false;
      }
    }
    return true;
  }
}
