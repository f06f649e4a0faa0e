package io.homefleet.agent.module.logic;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.playbook.template.TemplateException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ansible's {@code debug}: returns {@code msg} (already templated with the task's arguments), or
 * the value of the expression {@code var} under that expression's name, evaluated against the
 * task's variables. {@code verbosity} above the run's ({@code ansible_verbosity}, 0 by default)
 * skips the task. Never a change; the same in check mode.
 */
public final class DebugModule implements Module {
  @Override
  public String name() {
    return "debug";
  }

  @Override
  public Outcome run(Map<String, Object> raw, TaskContext ctx) throws TaskException {
    Args a = Args.of(name(), raw);
    if (a.has("msg") && a.has("var")) {
      throw a.error("parameters are mutually exclusive: msg|var");
    }
    long verbosity = a.integer("verbosity").orElse(0L);
    Object current = ctx.vars().getOrDefault("ansible_verbosity", 0);
    long now = current instanceof Number n ? n.longValue() : 0;
    if (verbosity > now) {
      return new Outcome(Outcome.Status.SKIPPED, 0, "", "", "Verbosity threshold not met.",
          Map.of("changed", false, "skipped_reason", "Verbosity threshold not met."), false, false);
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("changed", false);
    if (a.has("var")) {
      Object var = a.raw("var").get();
      String expr = String.valueOf(var).trim();
      if (expr.startsWith("{{") && expr.endsWith("}}")) {
        expr = expr.substring(2, expr.length() - 2).trim();
      }
      Object value;
      try {
        value = ctx.templar().evaluate(expr, ctx.vars());
      } catch (TemplateException e) {
        value = "VARIABLE IS NOT DEFINED!";
      }
      data.put(String.valueOf(var), value);
      return new Outcome(Outcome.Status.OK, 0, "", "", "", data, false, false);
    }
    Object msg = a.raw("msg").orElse("Hello world!");
    data.put("msg", msg);
    return new Outcome(Outcome.Status.OK, 0, "", "", msg instanceof String s ? s : String.valueOf(msg), data, false,
        false);
  }
}
