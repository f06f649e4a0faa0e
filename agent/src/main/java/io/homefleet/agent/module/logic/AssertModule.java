package io.homefleet.agent.module.logic;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.playbook.template.TemplateException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ansible's {@code assert}: every expression in {@code that} must be true against the task's
 * variables (evaluated with the shared Templar, as {@code when:} is). The first false one fails
 * the task with {@code fail_msg} (alias {@code msg}), returning {@code assertion} and
 * {@code evaluated_to}; success returns {@code success_msg}. The same in check mode.
 */
public final class AssertModule implements Module {
  @Override
  public String name() {
    return "assert";
  }

  @Override
  public Outcome run(Map<String, Object> raw, TaskContext ctx) throws TaskException {
    Args a = Args.of(name(), raw);
    List<String> that = a.raw("that").get() instanceof List<?> ? a.list("that") : List.of(a.required("that"));
    boolean quiet = a.bool("quiet", false);
    for (String expr : that) {
      String e = expr.trim();
      if (e.startsWith("{{") && e.endsWith("}}")) {
        e = e.substring(2, e.length() - 2).trim();
      }
      boolean ok;
      try {
        ok = ctx.templar().condition(e, ctx.vars());
      } catch (TemplateException ex) {
        throw a.error("The conditional check '" + expr + "' failed. The error was: " + ex.getMessage());
      }
      if (!ok) {
        Object msg = a.raw("fail_msg").orElse("Assertion failed");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("changed", false);
        data.put("assertion", expr);
        data.put("evaluated_to", false);
        return Outcome.failed(String.valueOf(msg), data);
      }
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("changed", false);
    if (!quiet) {
      data.put("msg", a.raw("success_msg").orElse("All assertions passed"));
    }
    return new Outcome(Outcome.Status.OK, 0, "", "", quiet ? "" : String.valueOf(data.get("msg")), data, false, false);
  }
}
