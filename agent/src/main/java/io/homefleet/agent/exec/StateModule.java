package io.homefleet.agent.exec;

import java.util.Map;

/**
 * A module that manages state, after mgmt's CheckApply: {@link #plan} inspects the host and
 * returns {@link Plan.InSync} or a {@link Plan.Drift} carrying the diff and the action that
 * fixes it. Planning must have no side effects; {@link #run} applies the drift unless the task
 * is in check mode.
 */
public interface StateModule extends Module {
  /** Looks, never touches: what is there against what {@code args} asks for. */
  Plan plan(Map<String, Object> args, TaskContext ctx) throws TaskException, InterruptedException;

  @Override
  default Outcome run(Map<String, Object> args, TaskContext ctx) throws TaskException, InterruptedException {
    return Plan.execute(plan(args, ctx), ctx);
  }
}
