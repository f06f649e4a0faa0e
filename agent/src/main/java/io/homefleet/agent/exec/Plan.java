package io.homefleet.agent.exec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link StateModule} found: the host is in sync, or it drifted and here is how to fix it.
 * Both carry Ansible's return values ({@code path}, {@code mode}, ...); a drift's are what the
 * host will look like after the fix, so check mode reports the same values a real run would.
 */
public sealed interface Plan permits Plan.InSync, Plan.Drift {

  /** The return values (without {@code changed}, which the runner adds). */
  Map<String, Object> data();

  /** Nothing to do. */
  record InSync(Map<String, Object> data) implements Plan {
    public InSync {
      data = copy(data);
    }
  }

  /**
   * Something differs. {@code diffs} say what (one or more before/after pairs); {@code apply}
   * fixes it and returns return values that replace or add to {@code data}.
   */
  record Drift(List<Diff> diffs, Map<String, Object> data, Apply apply) implements Plan {
    public Drift {
      diffs = List.copyOf(diffs);
      data = copy(data);
    }

    public Drift(Diff diff, Map<String, Object> data, Apply apply) {
      this(List.of(diff), data, apply);
    }
  }

  /** The side effect a drift stands for. Returns return values learnt while applying (may be empty). */
  @FunctionalInterface
  interface Apply {
    Map<String, Object> apply() throws TaskException, InterruptedException;
  }

  static InSync inSync(Map<String, Object> data) {
    return new InSync(data);
  }

  /**
   * Chains sub-plans (content, then owner, then mode) into one: in sync when all are; otherwise
   * one drift whose diffs are all the drifts' and whose apply runs them in order.
   */
  static Plan all(Map<String, Object> data, List<Plan> parts) {
    List<Diff> diffs = new ArrayList<>();
    List<Apply> applies = new ArrayList<>();
    Map<String, Object> merged = new LinkedHashMap<>(data);
    for (Plan p : parts) {
      merged.putAll(p.data());
      if (p instanceof Drift d) {
        diffs.addAll(d.diffs());
        applies.add(d.apply());
      }
    }
    if (applies.isEmpty()) {
      return new InSync(merged);
    }
    return new Drift(diffs, merged, () -> {
      Map<String, Object> learnt = new LinkedHashMap<>();
      for (Apply a : applies) {
        learnt.putAll(a.apply());
      }
      return learnt;
    });
  }

  /**
   * Turns a plan into the task's outcome: in sync is {@code ok}; a drift is {@code changed}, and
   * is applied unless the task is in check mode. Diffs are returned when the task asked for them.
   */
  static Outcome execute(Plan plan, TaskContext ctx) throws TaskException, InterruptedException {
    Map<String, Object> out = new LinkedHashMap<>();
    // Java 17 has no pattern switch over sealed types yet; the two cases are spelled out.
    if (plan instanceof Drift d) {
      out.put("changed", true);
      out.putAll(d.data());
      if (!ctx.checkMode()) {
        out.putAll(d.apply().apply());
      }
      if (ctx.diff() && !d.diffs().isEmpty()) {
        out.put("diff", d.diffs().size() == 1 ? d.diffs().get(0).toMap()
            : d.diffs().stream().map(Diff::toMap).toList());
      }
      return new Outcome(Outcome.Status.CHANGED, 0, "", "", str(out.get("msg")), out, false, false);
    }
    out.put("changed", false);
    out.putAll(plan.data());
    return new Outcome(Outcome.Status.OK, 0, "", "", str(out.get("msg")), out, false, false);
  }

  private static String str(Object o) {
    return o == null ? "" : String.valueOf(o);
  }

  private static Map<String, Object> copy(Map<String, Object> data) {
    // Return values may hold nulls (Ansible's None); keep them, keep the order.
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(data));
  }
}
