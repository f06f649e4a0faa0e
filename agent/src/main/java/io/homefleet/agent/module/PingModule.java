package io.homefleet.agent.module;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import java.util.Map;

/** Ansible's {@code ping}: proves the agent can run a module; returns {@code ping: pong} (or {@code data}). */
public final class PingModule implements Module {
  @Override
  public String name() {
    return "ping";
  }

  @Override
  public Outcome run(Map<String, Object> raw, TaskContext ctx) throws TaskException {
    Object data = Args.of(name(), raw).raw("data").orElse("pong");
    if ("crash".equals(data)) {
      return Outcome.failed("boom");
    }
    return new Outcome(Outcome.Status.OK, 0, "", "", "", Map.of("ping", String.valueOf(data)), false, false);
  }
}
