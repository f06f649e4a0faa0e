package io.homefleet.playbook.run;

import io.homefleet.playbook.plan.ModuleResult;
import java.util.List;
import java.util.Map;

/**
 * A play's {@link PlayCalls} whose answers' vault values join the play's {@link SecretMask}, and
 * which keeps the warnings of {@code errors=warn} lookups until the task's result shows them.
 * Used on the host's play thread only.
 */
final class MaskedCalls implements PlayCalls {
  private final PlayCalls next;
  private final SecretMask mask;
  private final List<String> warnings = new java.util.ArrayList<>();

  MaskedCalls(PlayCalls next, SecretMask mask) {
    this.next = next;
    this.mask = mask;
  }

  @Override
  public ModuleResult delegate(int taskId, String host, String module, Map<String, Object> args,
      InvocationContext context, boolean delegateFacts) throws InterruptedException {
    return next.delegate(taskId, host, module, args, context, delegateFacts);
  }

  @Override
  public RunOnce runOnce(int taskId) throws InterruptedException {
    return next.runOnce(taskId);
  }

  @Override
  public AutoCloseable throttle(int taskId, int limit) throws InterruptedException {
    return next.throttle(taskId, limit);
  }

  @Override
  public List<Object> lookup(String plugin, List<Object> terms, Map<String, Object> keywords, String roleDir)
      throws InterruptedException {
    return next.lookup(plugin, terms, keywords, roleDir);
  }

  @Override
  public Answer includeVars(Map<String, Object> args, String roleDir) throws InterruptedException {
    Answer a = next.includeVars(args, roleDir);
    mask.add(a.secrets());
    return a;
  }

  @Override
  public Answer fetch(int taskId, String src, String dest, boolean flat, boolean check, byte[] content)
      throws InterruptedException {
    return next.fetch(taskId, src, dest, flat, check, content);
  }

  /** A lookup with {@code errors=warn} failed: Ansible's warning, shown with the task's result. */
  void warn(String message) {
    warnings.add(message);
  }

  /** The warnings since the last call. */
  List<String> drainWarnings() {
    List<String> out = List.copyOf(warnings);
    warnings.clear();
    return out;
  }
}
