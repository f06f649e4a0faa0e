package io.homefleet.agent.exec;

import java.util.Map;

/**
 * A task module: Ansible-compatible arguments in, an {@link Outcome} out. Modules that manage
 * state implement {@link StateModule} instead, which splits the work into a side-effect-free
 * {@link Plan} and its application; command-like and control modules ({@code command},
 * {@code debug}) implement {@link #run} directly and honour {@link TaskContext#checkMode()}
 * themselves.
 */
public interface Module {
  /** The short name ({@code command}); FQCN aliases map onto it. */
  String name();

  Outcome run(Map<String, Object> args, TaskContext ctx) throws TaskException, InterruptedException;
}
