package io.homefleet.playbook.plan;

import java.util.List;

/**
 * {@code until}/{@code retries}/{@code delay}: the task runs again until every condition holds,
 * at most {@code retries} more times, {@code delay} seconds apart (as Ansible counts:
 * {@code retries: 3} means up to four attempts).
 *
 * @param until the conditions (bare expressions), evaluated with the result registered
 * @param retries a number or a template
 * @param delay seconds, a number or a template
 */
public record PlanRetry(List<String> until, Object retries, Object delay) {
  public PlanRetry {
    until = until == null ? List.of() : List.copyOf(until);
    retries = retries == null ? 3 : retries;
    delay = delay == null ? 5 : delay;
  }
}
