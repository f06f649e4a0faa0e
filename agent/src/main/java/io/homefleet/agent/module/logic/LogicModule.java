package io.homefleet.agent.module.logic;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.playbook.run.LogicActions;
import io.homefleet.playbook.plan.ModuleResult;
import java.util.Map;

/**
 * An ad-hoc run of one of the play engine's logic actions ({@link LogicActions}), so that {@code
 * homefleet run -m debug} and a play's {@code debug:} are one implementation and agree.
 */
abstract class LogicModule implements Module {
  private final String name;

  LogicModule(String name) {
    this.name = name;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final Outcome run(Map<String, Object> raw, TaskContext ctx) throws TaskException {
    if (!name.equals("set_fact")) {
      Args.of(name, raw); // refuses an argument the action does not take; set_fact takes any name
    }
    ModuleResult r;
    try {
      r = LogicActions.run(name, raw, raw, ctx.vars(), ctx.templar());
    } catch (LogicActions.ActionException e) {
      throw new TaskException(name, e.getMessage());
    }
    Outcome.Status status = switch (r.status()) {
      case OK -> Outcome.Status.OK;
      case CHANGED -> Outcome.Status.CHANGED;
      case SKIPPED -> Outcome.Status.SKIPPED;
      default -> Outcome.Status.FAILED;
    };
    return new Outcome(status, status == Outcome.Status.FAILED ? 1 : 0, "", "", r.msg(), r.result(), false, false);
  }
}
