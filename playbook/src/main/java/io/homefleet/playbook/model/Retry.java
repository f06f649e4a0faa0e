package io.homefleet.playbook.model;

import java.util.List;
import java.util.Objects;

/**
 * {@code until}/{@code retries}/{@code delay}: run the task again until the conditions hold.
 *
 * @param until conditions, all of which must hold (bare Jinja expressions)
 * @param retries how many times to retry: an {@code Integer} or a template string (Ansible's default 3)
 * @param delay seconds between attempts: an {@code Integer} or a template string (default 5)
 */
public record Retry(List<String> until, Object retries, Object delay) {
  public Retry {
    until = List.copyOf(until);
    Objects.requireNonNull(retries, "retries");
    Objects.requireNonNull(delay, "delay");
  }
}
