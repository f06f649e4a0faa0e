package io.homefleet.playbook.run;

import io.homefleet.playbook.plan.HostPlan;
import io.homefleet.playbook.plan.ModuleResult;
import io.homefleet.playbook.plan.PlanBlock;
import io.homefleet.playbook.plan.PlanHandler;
import io.homefleet.playbook.plan.PlanInclude;
import io.homefleet.playbook.plan.PlanItem;
import io.homefleet.playbook.plan.PlanLoop;
import io.homefleet.playbook.plan.PlanTask;
import io.homefleet.playbook.plan.PlayRecap;
import io.homefleet.playbook.plan.TaskRef;
import io.homefleet.playbook.plan.TaskResult;
import io.homefleet.playbook.plan.TaskStatus;
import io.homefleet.playbook.template.Templar;
import io.homefleet.playbook.template.TemplateException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One host's run of one plan: the state ansible-playbook keeps per host while a play runs. */
final class HostRun {
  /** The value of {@code omit}; the same string the vars code uses. */
  static final String OMIT = "__omit_place_holder__homefleet";

  private enum Flow { CONTINUE, FAILED, END }

  private final Templar templar;
  private final HostPlan plan;
  private final PlanListener listener;

  private final RunVars variables;
  private final TaskRun tasks;
  private final Set<Integer> notified = new LinkedHashSet<>();

  private int ok;
  private int changed;
  private int skipped;
  private int rescued;
  private int ignored;
  private PlayRecap.End end = PlayRecap.End.COMPLETED;

  private final PlayCalls calls;
  /** The host stopped because a run_once task failed on the host that ran it: not a failure of its own. */
  private boolean stoppedByRunOnce;

  private final Resumption resumption;
  /** Where a resumed run goes on (the reboot task); null once reached, and for a run from the start. */
  private Resumption.RunState resume;
  /** The {@code meta: flush_handlers} task whose flush runs now, -1 for none or the play's end. */
  private int flushingAt = -1;
  /** The index of the handler that runs now, -1 for none. */
  private int handlerRunning = -1;

  HostRun(Templar templar, HostPlan plan, Path bundleDir, ModuleInvoker invoker, PlanListener listener,
      PlayCalls calls) {
    this(templar, plan, bundleDir, invoker, listener, calls, Resumption.NONE, null);
  }

  /** A run that goes on from {@code resume} (null: from the start), saving its state through {@code resumption}. */
  HostRun(Templar templar, HostPlan plan, Path bundleDir, ModuleInvoker invoker, PlanListener listener,
      PlayCalls calls, Resumption resumption, Resumption.RunState resume) {
    this.resumption = resumption;
    this.resume = resume;
    this.templar = templar;
    this.plan = plan;
    this.listener = listener;
    this.calls = calls;
    this.variables = new RunVars(templar, plan, bundleDir);
    this.tasks = new TaskRun(templar, plan, bundleDir, invoker, listener, variables, calls);
    if (resume != null) {
      Map<String, Object> c = resume.counters();
      ok = count(c, "ok");
      changed = count(c, "changed");
      skipped = count(c, "skipped");
      rescued = count(c, "rescued");
      ignored = count(c, "ignored");
      resume.notified().forEach(i -> notified.add(((Number) i).intValue()));
      variables.restore(resume.vars());
    }
  }

  private static int count(Map<String, Object> counters, String name) {
    return counters.get(name) instanceof Number n ? n.intValue() : 0;
  }

  PlayRecap play() throws InterruptedException {
    Flow flow = items(plan.items(), List.of());
    if (flow == Flow.CONTINUE && resume != null) {
      flow = resumeFlush(); // the reboot was a handler of the play's last flush, or the plan lost its task
    }
    if (flow == Flow.CONTINUE) {
      flow = flushHandlers();
    } else if (flow == Flow.FAILED && plan.forceHandlers()) {
      flushHandlers();
    }
    if (flow == Flow.FAILED) {
      end = PlayRecap.End.FAILED;
    }
    return new PlayRecap(ok, changed, 0, end == PlayRecap.End.FAILED && !stoppedByRunOnce ? 1 : 0, skipped, rescued,
        ignored, end,
        variables.setFacts(), variables.ansibleFacts());
  }

  // ---- the tree

  private Flow items(List<PlanItem> items, List<Map<String, Object>> frames) throws InterruptedException {
    for (PlanItem item : items) {
      Flow f;
      if (resume != null) {
        f = towardsResume(item, frames);
      } else if (item instanceof PlanTask t) {
        f = task(t, frames, false);
      } else if (item instanceof PlanBlock b) {
        f = block(b, frames);
      } else {
        f = include((PlanInclude) item, frames);
      }
      if (f != Flow.CONTINUE) {
        return f;
      }
    }
    return Flow.CONTINUE;
  }

  private Flow block(PlanBlock b, List<Map<String, Object>> frames) throws InterruptedException {
    Flow f = items(b.block(), frames);
    if (resume != null) {
      f = items(b.rescue(), frames); // the reboot was not in the block: it may be in its rescue (counted then)
    } else if (f == Flow.FAILED && !b.rescue().isEmpty()) {
      rescued++;
      f = items(b.rescue(), frames);
    }
    if (f == Flow.END) {
      return f;
    }
    Flow after = items(b.always(), frames);
    return after != Flow.CONTINUE ? after : f;
  }

  /**
   * A resumed run passes over what ran before the reboot (reported then) to the reboot task, which
   * runs again knowing it resumes; a reboot handler is reached at the flush that ran it.
   */
  private Flow towardsResume(PlanItem item, List<Map<String, Object>> frames) throws InterruptedException {
    if (item instanceof PlanTask t) {
      if (!resume.handler() && t.id() == resume.taskId()) {
        resume = null;
        return task(t, frames, false);
      }
      if (resume.handler() && t.id() == resume.flushAt()) {
        return resumeFlush();
      }
      return Flow.CONTINUE;
    }
    if (item instanceof PlanBlock b) {
      return block(b, frames);
    }
    PlanInclude inc = (PlanInclude) item;
    return items(inc.items(), with(frames, inc.params())); // the loader refuses a reboot in a looped include
  }

  /** Goes on with the flush whose handler rebooted: that handler first, then the flush as it would have gone. */
  private Flow resumeFlush() throws InterruptedException {
    Resumption.RunState at = resume;
    resume = null;
    if (!at.handler() || at.handlerIndex() < 0 || at.handlerIndex() >= plan.handlers().size()) {
      TaskRef ref = new TaskRef(at.taskId(), "", "reboot", "", at.handler());
      return fail(ref, Map.of("msg", "the play was resumed after a reboot, but its plan has no task " + at.taskId()
          + " to go on from; run the play again"));
    }
    int outer = flushingAt;
    flushingAt = at.flushAt();
    handlerRunning = at.handlerIndex();
    try {
      Flow f = task(plan.handlers().get(at.handlerIndex()).task(), List.of(), true);
      return f == Flow.CONTINUE ? flushHandlers() : f;
    } finally {
      handlerRunning = -1;
      flushingAt = outer;
    }
  }

  private Flow include(PlanInclude inc, List<Map<String, Object>> frames) throws InterruptedException {
    TaskRef ref = new TaskRef(inc.id(), inc.path(), inc.name(), inc.location(), false);
    listener.taskStarted(ref);
    Map<String, Object> vars = variables.forTask(inc.scope(), merged(inc.contextVars(), inc.params()), frames);
    try {
      if (!inc.resolved()) {
        return fail(ref, Map.of("msg", inc.location() + ": " + inc.kind() + " '" + inc.file() + "' names its "
            + (inc.kind().equals("include_role") ? "role" : "file") + " with a template, which homefleet cannot"
            + " resolve on the host yet (write the name without a template, or list the choices with when:)"));
      }
      Map<String, Object> skip = tasks.whenFalse(inc.when(), vars);
      if (skip != null) {
        skipped++;
        listener.taskFinished(new TaskResult(ref, TaskStatus.SKIPPED, false, skip, List.of()));
        return Flow.CONTINUE;
      }
      List<Object> loopItems = inc.loop().isPresent() ? tasks.loopItems(inc.loop().get(), vars) : null;
      listener.taskFinished(new TaskResult(ref, TaskStatus.OK, false, Map.of("changed", false, "failed", false,
          "include", inc.file()), List.of()));
      if (loopItems == null) {
        return items(inc.items(), with(frames, inc.params()));
      }
      PlanLoop loop = inc.loop().get();
      for (int i = 0; i < loopItems.size(); i++) {
        Map<String, Object> frame = new LinkedHashMap<>(inc.params());
        frame.put(loop.loopVar(), loopItems.get(i));
        if (!loop.indexVar().isEmpty()) {
          frame.put(loop.indexVar(), i);
        }
        Flow f = items(inc.items(), with(frames, frame));
        if (f != Flow.CONTINUE) {
          return f;
        }
      }
      return Flow.CONTINUE;
    } catch (TemplateException | TaskRun.LoopException e) {
      return fail(ref, Map.of("msg", inc.location() + ": " + inc.name() + ": " + e.getMessage()));
    }
  }

  private Flow fail(TaskRef ref, Map<String, Object> result) {
    Map<String, Object> r = new LinkedHashMap<>(result);
    r.put("failed", true);
    r.putIfAbsent("changed", false);
    listener.taskFinished(new TaskResult(ref, TaskStatus.FAILED, false, r, List.of()));
    variables.set("ansible_failed_task", Map.of("name", ref.name(), "path", ref.path(), "location", ref.location()));
    variables.set("ansible_failed_result", r);
    return Flow.FAILED;
  }

  private Flow flushHandlers() throws InterruptedException {
    List<PlanHandler> handlers = plan.handlers();
    for (int pass = 0; pass <= handlers.size() && !notified.isEmpty(); pass++) {
      for (int i = 0; i < handlers.size(); i++) {
        if (notified.remove(i)) {
          handlerRunning = i;
          Flow f = task(handlers.get(i).task(), List.of(), true);
          handlerRunning = -1;
          if (f != Flow.CONTINUE) {
            return f;
          }
        }
      }
    }
    return Flow.CONTINUE;
  }

  // ---- one task

  /**
   * The task's name as ansible-playbook shows it: templated with the host's variables before the
   * task runs ("Look up the zone file of Europe/Berlin"); a name that cannot be rendered (it
   * uses a loop's item or a result not registered yet) is shown as written.
   */
  private String displayName(String name, Map<String, Object> vars) {
    if (!name.contains("{{") && !name.contains("{%")) {
      return name;
    }
    try {
      Object v = templar.template(name, vars);
      return v == null ? name : String.valueOf(v);
    } catch (TemplateException | RuntimeException e) {
      return name;
    }
  }

  private Flow task(PlanTask t, List<Map<String, Object>> frames, boolean handler) throws InterruptedException {
    if (t.module().equals("meta")) {
      return meta(t, new TaskRef(t.id(), t.path(), t.name(), t.location(), handler), frames);
    }
    Map<String, Object> vars = variables.forTask(t.scope(), t.vars(), frames);
    TaskRef ref = new TaskRef(t.id(), t.path(), displayName(t.name(), vars), t.location(), handler);
    boolean runOnce = !handler && tasks.flag(t.delegation().runOnce(), vars, false);
    ModuleResult r = null;
    if (runOnce) {
      PlayCalls.RunOnce answer = calls.runOnce(t.id());
      if (!answer.error().isEmpty()) {
        r = ModuleResult.failed(t.location() + ": task '" + t.name() + "': run_once: " + answer.error());
      } else if (!answer.runHere()) {
        return follow(t, answer);
      }
    }
    listener.taskStarted(ref);
    if (t.module().equals("reboot")) {
      resumption.before(t.id(), new Resumption.RunState(t.id(), handler, handler ? handlerRunning : -1, flushingAt,
          Map.of("ok", ok, "changed", changed, "skipped", skipped, "rescued", rescued, "ignored", ignored),
          List.copyOf(notified), variables.saved()).encode());
    }
    boolean noLog = tasks.flag(t.noLog(), vars, false);
    boolean diff = tasks.flag(t.diff(), vars, plan.diff());
    if (r == null) {
      // Ansible ignores throttle on a run_once task: one host runs it anyway.
      int throttle;
      try {
        throttle = runOnce ? 0 : tasks.throttle(t, vars);
      } catch (TemplateException e) {
        throttle = 0;
        r = ModuleResult.failed(t.location() + ": task '" + t.name() + "': throttle: " + e.getMessage());
      }
      if (r == null) {
        AutoCloseable slot = throttle > 0 ? calls.throttle(t.id(), throttle) : null;
        try {
          r = t.loop().isPresent() ? tasks.loopTask(t, ref, vars, noLog) : tasks.once(t, vars);
        } finally {
          release(slot);
        }
      }
    }
    if (!t.register().isEmpty()) {
      variables.set(t.register(), r.result());
    }
    boolean ignore = r.status() == TaskStatus.FAILED && tasks.flag(t.ignoreErrors(), vars, false);
    switch (r.status()) {
      case SKIPPED -> skipped++;
      case OK -> ok++;
      case CHANGED -> {
        ok++;
        changed++;
        notify(t);
      }
      case FAILED -> {
        if (ignore) {
          ok++;
          ignored++;
          if (Boolean.TRUE.equals(r.result().get("changed"))) {
            changed++;
          }
        }
      }
    }
    List<Object> diffs = diff && !noLog ? tasks.diffs(r.result()) : List.of();
    Map<String, Object> shown = noLog ? tasks.censor(r.result()) : r.result();
    List<String> warnings = calls instanceof MaskedCalls m ? m.drainWarnings() : List.of();
    if (!warnings.isEmpty() && !noLog) {
      // Shown as Ansible shows them, not registered: Ansible's warnings go to its display only.
      shown = new LinkedHashMap<>(shown);
      List<Object> all = new java.util.ArrayList<>(shown.get("warnings") instanceof List<?> l ? l : List.of());
      all.addAll(warnings);
      shown.put("warnings", all);
    }
    listener.taskFinished(new TaskResult(ref, r.status(), ignore, shown, diffs));
    if (r.status() == TaskStatus.FAILED && !ignore) {
      Map<String, Object> failedTask = new LinkedHashMap<>();
      failedTask.put("name", t.name());
      failedTask.put("action", t.module());
      failedTask.put("path", t.path());
      failedTask.put("location", t.location());
      variables.set("ansible_failed_task", failedTask);
      variables.set("ansible_failed_result", r.result());
      return Flow.FAILED;
    }
    return Flow.CONTINUE;
  }

  /**
   * A run_once task another host of the batch ran: its result is this host's too (registered,
   * facts set), as Ansible gives it to every host; nothing is shown or counted here, and a failure
   * there stops this host without counting as its own.
   */
  private Flow follow(PlanTask t, PlayCalls.RunOnce answer) {
    if (!t.register().isEmpty()) {
      variables.set(t.register(), answer.result());
    }
    if (answer.status() != TaskStatus.FAILED && answer.result().get("ansible_facts") instanceof Map<?, ?> facts) {
      if (t.module().equals("set_fact")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> set = (Map<String, Object>) facts;
        variables.setAll(set);
      } else {
        variables.learnFacts(facts);
      }
    }
    if (answer.status() == TaskStatus.FAILED && !answer.ignored()) {
      stoppedByRunOnce = true;
      return Flow.FAILED;
    }
    return Flow.CONTINUE;
  }

  private static void release(AutoCloseable slot) {
    if (slot == null) {
      return;
    }
    try {
      slot.close();
    } catch (Exception e) {
      // A slot that cannot be given back is the controller's to reclaim when this host's play ends.
    }
  }

  private void notify(PlanTask t) {
    for (String name : t.notifies()) {
      List<PlanHandler> handlers = plan.handlers();
      for (int i = 0; i < handlers.size(); i++) {
        if (handlers.get(i).answers(name)) {
          notified.add(i);
        }
      }
    }
  }

  private Flow meta(PlanTask t, TaskRef ref, List<Map<String, Object>> frames) throws InterruptedException {
    String action = String.valueOf(t.args().get("_raw_params"));
    if (!t.implicit()) {
      listener.taskStarted(ref);
    }
    try {
      // The implicit flush_handlers between a play's sections has no when: no variables to build.
      Map<String, Object> skip = t.when().isEmpty() ? null
          : tasks.whenFalse(t.when(), variables.forTask(t.scope(), t.vars(), frames));
      if (skip != null) {
        skipped++;
        listener.taskFinished(new TaskResult(ref, TaskStatus.SKIPPED, false, skip, List.of()));
        return Flow.CONTINUE;
      }
    } catch (TemplateException e) {
      return fail(ref, Map.of("msg", t.location() + ": task '" + t.name() + "': " + e.getMessage()));
    }
    if (!t.implicit()) {
      listener.taskFinished(new TaskResult(ref, TaskStatus.OK, false, Map.of("changed", false, "failed", false,
          "msg", "meta: " + action), List.of()));
    }
    switch (action) {
      case "flush_handlers":
        flushingAt = t.id();
        try {
          return flushHandlers();
        } finally {
          flushingAt = -1;
        }
      case "end_host":
        end = PlayRecap.End.END_HOST;
        return Flow.END;
      case "end_play":
        end = PlayRecap.End.END_PLAY;
        return Flow.END;
      case "end_batch":
        end = PlayRecap.End.END_BATCH;
        return Flow.END;
      default:
        return Flow.CONTINUE; // noop, and the ones with nothing to do on one host
    }
  }

  private static Map<String, Object> merged(Map<String, Object> a, Map<String, Object> b) {
    if (b.isEmpty()) {
      return a;
    }
    Map<String, Object> out = new LinkedHashMap<>(a);
    out.putAll(b);
    return out;
  }

  private static List<Map<String, Object>> with(List<Map<String, Object>> frames, Map<String, Object> frame) {
    if (frame.isEmpty()) {
      return frames;
    }
    List<Map<String, Object>> out = new ArrayList<>(frames);
    out.add(frame);
    return out;
  }
}
