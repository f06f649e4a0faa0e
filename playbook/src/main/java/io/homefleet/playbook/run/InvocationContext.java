package io.homefleet.playbook.run;

import java.util.Map;
import java.util.Objects;

/**
 * What a module call may know besides its arguments.
 *
 * @param checkMode whether to report what would change without changing it
 * @param diff whether to return a {@code diff} in the result
 * @param vars every variable the task sees (for {@code template}: render {@code src} with them)
 * @param environment environment variables for commands the module runs
 * @param taskPath the task's stable path in the play, for logs
 * @param location where the task was written ({@code file:line:column}), for messages
 * @param user the user to run the module as ({@code become_user}, {@code remote_user}); empty for the agent's own
 * @param async the task's time limit in seconds ({@code async}), 0 for none
 * @param poll seconds between checks of an async task; 0 leaves it running in the background
 */
public record InvocationContext(boolean checkMode, boolean diff, Map<String, Object> vars,
    Map<String, String> environment, String taskPath, String location, String user, int async, int poll) {

  public InvocationContext {
    Objects.requireNonNull(vars, "vars");
    environment = Map.copyOf(environment);
    Objects.requireNonNull(taskPath, "taskPath");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(user, "user");
  }

  /** A call as the agent's own user, in the foreground. */
  public InvocationContext(boolean checkMode, boolean diff, Map<String, Object> vars, Map<String, String> environment,
      String taskPath, String location) {
    this(checkMode, diff, vars, environment, taskPath, location, "", 0, 0);
  }
}
