package io.homefleet.controller.play;

import io.homefleet.playbook.plan.TaskStatus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Tasks delegated by running plays ({@code delegate_to}): each goes to the delegated host's agent
 * as a task of its own (the agent journals it and keeps its result until acknowledged, as an
 * ad-hoc task's), and its result goes back to the host that asked. A delegated host that
 * disconnects fails what it was running; a part that ends forgets what it asked.
 */
final class Delegations {
  private static final String PREFIX = "dlg-";

  private record Pending(String runId, String asker, String target, Calls.Delegate call,
      Consumer<Calls.Answer> reply, Consumer<Map.Entry<String, Map<String, Object>>> facts) {}

  private final PlayDispatcher dispatcher;
  private final AtomicLong seq = new AtomicLong();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();

  Delegations(PlayDispatcher dispatcher) {
    this.dispatcher = dispatcher;
  }

  static boolean isDelegated(String taskId) {
    return taskId.startsWith(PREFIX);
  }

  /**
   * Sends {@code call} to {@code target}; null means {@code localhost} has no agent.
   *
   * @param facts takes the delegated host's facts when the task has delegate_facts
   */
  void start(String runId, String asker, Calls.Delegate call, String target, Consumer<Calls.Answer> reply,
      Consumer<Map.Entry<String, Map<String, Object>>> facts) {
    if (target == null) {
      reply.accept(Calls.Answer.error(call, "localhost means the controller's host, which has no enrolled agent:"
          + " enroll one there and name it in controller.yaml (localhost_agent: NAME)"));
      return;
    }
    if (!dispatcher.isOnline(target)) {
      reply.accept(Calls.Answer.error(call, target + " is not connected to the controller (a delegated task runs on"
          + " that host's agent)"));
      return;
    }
    String taskId = PREFIX + call.assignmentId() + "-" + seq.incrementAndGet();
    pending.put(taskId, new Pending(runId, asker, target, call, reply, facts));
    if (!dispatcher.delegate(target, new PlayDispatcher.DelegatedTask(taskId, runId, call.module(), call.args(),
        call.check(), call.diff(), call.environment(), call.user()))) {
      Pending p = pending.remove(taskId);
      if (p != null) {
        reply.accept(Calls.Answer.error(call, target + " disconnected before the task was sent"));
      }
    }
  }

  void finished(String host, String taskId, TaskStatus status, Map<String, Object> result) {
    Pending p = pending.get(taskId);
    if (p == null || !p.target.equals(host) || !pending.remove(taskId, p)) {
      return; // the asking part ended meanwhile, or a result sent again after a reconnect
    }
    if (p.call.delegateFacts() && status != TaskStatus.FAILED && result.get("ansible_facts") instanceof Map<?, ?> f) {
      @SuppressWarnings("unchecked")
      Map<String, Object> got = (Map<String, Object>) f;
      p.facts.accept(Map.entry(host, got));
    }
    p.reply.accept(Calls.Answer.result(p.call, status, result, false));
  }

  /** {@code host} disconnected: what it was running for others fails. */
  void lost(String host) {
    for (Map.Entry<String, Pending> e : List.copyOf(pending.entrySet())) {
      Pending p = e.getValue();
      if (p.target.equals(host) && pending.remove(e.getKey(), p)) {
        p.reply.accept(Calls.Answer.error(p.call, host + " disconnected while it ran the delegated task"));
      }
    }
  }

  /** The part {@code assignmentId} ended: no one waits for its delegated tasks any more. */
  void ended(String assignmentId) {
    pending.values().removeIf(p -> p.call.assignmentId().equals(assignmentId));
  }
}
