package io.homefleet.playbook.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The keywords plays, blocks, tasks, includes and role references share; each is inherited by
 * what is inside (a block's {@code when} applies to each of its tasks). Nothing here is evaluated:
 * conditions and values stay as written, templates included.
 *
 * @param when conditions, all of which must hold (bare Jinja expressions, {@code x is defined})
 * @param tags tags as written
 * @param vars variables set at this level
 * @param environment environment variables for the commands run here
 * @param ignoreErrors {@code ignore_errors}, when given
 * @param checkMode {@code check_mode}, when given (overrides {@code --check} either way)
 * @param diff {@code diff}, when given
 * @param noLog {@code no_log}, when given
 * @param delegation {@code delegate_to}, {@code delegate_facts}, {@code run_once}, {@code throttle}
 * @param runAs {@code become*}, {@code remote_user}, {@code async} and {@code poll}, as written
 */
public record Keywords(List<String> when, List<String> tags, Map<String, Object> vars, Map<String, Object> environment,
    Optional<Flag> ignoreErrors, Optional<Flag> checkMode, Optional<Flag> diff, Optional<Flag> noLog,
    Delegation delegation, RunAs runAs) {

  /** No keywords at all. */
  public static final Keywords NONE = new Keywords(List.of(), List.of(), Map.of(), Map.of(), Optional.empty(),
      Optional.empty(), Optional.empty(), Optional.empty(), Delegation.NONE);

  public Keywords {
    when = List.copyOf(when);
    tags = List.copyOf(tags);
    vars = Values.freeze(vars);
    environment = Values.freeze(environment);
    Objects.requireNonNull(ignoreErrors, "ignoreErrors");
    Objects.requireNonNull(checkMode, "checkMode");
    Objects.requireNonNull(diff, "diff");
    Objects.requireNonNull(noLog, "noLog");
    Objects.requireNonNull(delegation, "delegation");
    Objects.requireNonNull(runAs, "runAs");
  }

  /** Keywords without {@code become*}, {@code remote_user}, {@code async} or {@code poll}. */
  public Keywords(List<String> when, List<String> tags, Map<String, Object> vars, Map<String, Object> environment,
      Optional<Flag> ignoreErrors, Optional<Flag> checkMode, Optional<Flag> diff, Optional<Flag> noLog,
      Delegation delegation) {
    this(when, tags, vars, environment, ignoreErrors, checkMode, diff, noLog, delegation, RunAs.NONE);
  }
}
