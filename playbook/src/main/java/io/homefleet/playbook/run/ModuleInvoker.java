package io.homefleet.playbook.run;

import io.homefleet.playbook.plan.ModuleResult;
import java.util.Map;

/**
 * Runs one module on the host: the agent adapts its module registry to this. The runner handles
 * {@code set_fact}, {@code debug}, {@code assert}, {@code fail} and {@code meta} itself (they work
 * on the play's variables) and hands everything else here, {@code setup} included.
 */
@FunctionalInterface
public interface ModuleInvoker {

  /**
   * Runs {@code module} once.
   *
   * @param module the module's short name ({@code copy})
   * @param args the arguments, templated, with {@code omit}ted ones dropped, {@code !unsafe}
   *     strings unwrapped, and bundle files ({@code src}) replaced by their path on this host
   * @param context check and diff mode, the variables, the environment, the task's path
   * @return the result; a failure is a {@link TaskStatus#FAILED} result, not an exception (an
   *     unchecked exception is turned into a failed result naming the task)
   * @throws InterruptedException when the run is cancelled
   */
  ModuleResult invoke(String module, Map<String, Object> args, InvocationContext context)
      throws InterruptedException;
}
