package io.homefleet.agent.exec;

import java.util.Map;

/**
 * A task module: Ansible-compatible arguments in, an {@link Outcome} out. Later issues add the
 * check/apply split for state-managing modules; command-like modules simply run.
 */
public interface Module {
  /** The short name ({@code command}); FQCN aliases map onto it. */
  String name();

  Outcome run(Map<String, Object> args, TaskContext ctx) throws TaskException, InterruptedException;
}
