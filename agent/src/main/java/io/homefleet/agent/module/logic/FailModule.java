package io.homefleet.agent.module.logic;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import java.util.Map;

/** Ansible's {@code fail}: fails the task with {@code msg} (default "Failed as requested from task"). */
public final class FailModule implements Module {
  @Override
  public String name() {
    return "fail";
  }

  @Override
  public Outcome run(Map<String, Object> raw, TaskContext ctx) throws TaskException {
    Args a = Args.of(name(), raw);
    return Outcome.failed(String.valueOf(a.raw("msg").orElse("Failed as requested from task")),
        Map.of("changed", false));
  }
}
