package io.homefleet.playbook.model;

import java.util.Objects;

/**
 * Who a task runs as and whether it runs in the background: {@code become}, {@code become_user},
 * {@code become_method}, {@code become_flags}, {@code remote_user} (inherited like the other
 * keywords, the innermost given wins) and the task-only {@code async} and {@code poll}. Each
 * value is as written, a template included, and empty when not given.
 *
 * @param become {@code "true"}, {@code "false"} or a template
 * @param becomeUser the user to become ({@code root} when become holds and none is given)
 * @param becomeMethod sudo, su or runuser (anything else is treated as sudo, with a warning)
 * @param becomeFlags kept for the record: the agent switches user itself, so no flag applies
 * @param remoteUser the user a task runs as without become ({@code ansible_user} otherwise)
 * @param async the task's time limit in seconds ({@code async}), empty for none
 * @param poll how often to check an async task, 0 to leave it running ({@code poll}, default 15)
 */
public record RunAs(String become, String becomeUser, String becomeMethod, String becomeFlags, String remoteUser,
    String async, String poll) {

  /** Nothing given. */
  public static final RunAs NONE = new RunAs("", "", "", "", "", "", "");

  public RunAs {
    Objects.requireNonNull(become, "become");
    Objects.requireNonNull(becomeUser, "becomeUser");
    Objects.requireNonNull(becomeMethod, "becomeMethod");
    Objects.requireNonNull(becomeFlags, "becomeFlags");
    Objects.requireNonNull(remoteUser, "remoteUser");
    Objects.requireNonNull(async, "async");
    Objects.requireNonNull(poll, "poll");
  }

  /** These values with {@code inner}'s where it gives one (a task's over its block's). */
  public RunAs with(RunAs inner) {
    return new RunAs(pick(inner.become, become), pick(inner.becomeUser, becomeUser),
        pick(inner.becomeMethod, becomeMethod), pick(inner.becomeFlags, becomeFlags),
        pick(inner.remoteUser, remoteUser), pick(inner.async, async), pick(inner.poll, poll));
  }

  private static String pick(String inner, String outer) {
    return inner.isEmpty() ? outer : inner;
  }
}
