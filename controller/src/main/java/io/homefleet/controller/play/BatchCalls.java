package io.homefleet.controller.play;

import io.homefleet.playbook.plan.TaskResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The run_once and throttle state of one batch of one play: which host runs a run_once task (the
 * first host of the batch, in inventory order, whose part still runs, as Ansible's linear strategy
 * picks the first host at the task) and who waits for its result; how many hosts hold a task's
 * throttle slots and who waits for one. Every method runs under the batch's lock; answers go out
 * after it is released.
 */
final class BatchCalls {
  private final List<String> hosts;
  private final Set<String> done = new LinkedHashSet<>();
  private final Map<Integer, Once> once = new HashMap<>();
  private final Map<Integer, Slots> slots = new HashMap<>();

  private static final class Once {
    String runner;
    TaskResult result;
    final List<Waiter> waiting = new ArrayList<>();
  }

  private static final class Slots {
    final Map<String, Integer> held = new HashMap<>();
    final Deque<Waiter> waiting = new ArrayDeque<>();
    int inUse;
  }

  private record Waiter(String host, Calls.Call call, Consumer<Calls.Answer> reply) {}

  BatchCalls(List<String> hosts) {
    this.hosts = List.copyOf(hosts);
  }

  void runOnce(String host, Calls.RunOnce call, Consumer<Calls.Answer> reply) {
    List<Runnable> out = new ArrayList<>();
    synchronized (this) {
      Once o = once.computeIfAbsent(call.taskId(), k -> new Once());
      if (o.result != null) {
        out.add(() -> reply.accept(answer(call, o.result)));
      } else {
        if (o.runner == null) {
          o.runner = firstRunning();
        }
        if (host.equals(o.runner)) {
          out.add(() -> reply.accept(Calls.Answer.runHere(call)));
        } else {
          o.waiting.add(new Waiter(host, call, reply));
        }
      }
    }
    out.forEach(Runnable::run);
  }

  /** A host's task ended: if it ran a run_once task for the batch, the hosts that wait get its result. */
  void taskFinished(String host, TaskResult result) {
    List<Runnable> out = new ArrayList<>();
    synchronized (this) {
      Once o = once.get(result.task().id());
      if (o == null || !host.equals(o.runner) || o.result != null) {
        return;
      }
      o.result = result;
      for (Waiter w : o.waiting) {
        out.add(() -> w.reply.accept(answer(w.call, result)));
      }
      o.waiting.clear();
    }
    out.forEach(Runnable::run);
  }

  void throttle(String host, Calls.Throttle call, Consumer<Calls.Answer> reply) {
    List<Runnable> out = new ArrayList<>();
    synchronized (this) {
      Slots s = slots.computeIfAbsent(call.taskId(), k -> new Slots());
      if (call.release()) {
        release(s, host, out);
        out.add(() -> reply.accept(Calls.Answer.ok(call)));
      } else if (s.inUse < Math.max(1, call.limit())) {
        take(s, host);
        out.add(() -> reply.accept(Calls.Answer.ok(call)));
      } else {
        s.waiting.add(new Waiter(host, call, reply));
      }
    }
    out.forEach(Runnable::run);
  }

  /**
   * A host's part ended (or its agent went away): its slots go to the next in line, and a run_once
   * task it was to run goes to the next host whose part runs, or to the one waiting first.
   */
  void hostDone(String host) {
    List<Runnable> out = new ArrayList<>();
    synchronized (this) {
      done.add(host);
      for (Slots s : slots.values()) {
        while (s.held.containsKey(host)) {
          release(s, host, out);
        }
        s.waiting.removeIf(w -> w.host.equals(host));
      }
      for (Once o : once.values()) {
        o.waiting.removeIf(w -> w.host.equals(host));
        if (o.result == null && host.equals(o.runner)) {
          o.runner = firstRunning();
          for (Waiter w : List.copyOf(o.waiting)) {
            if (w.host.equals(o.runner)) {
              o.waiting.remove(w);
              out.add(() -> w.reply.accept(Calls.Answer.runHere(w.call)));
            }
          }
        }
      }
    }
    out.forEach(Runnable::run);
  }

  private String firstRunning() {
    for (String h : hosts) {
      if (!done.contains(h)) {
        return h;
      }
    }
    return null;
  }

  private static void take(Slots s, String host) {
    s.inUse++;
    s.held.merge(host, 1, Integer::sum);
  }

  private static void release(Slots s, String host, List<Runnable> out) {
    Integer n = s.held.get(host);
    if (n == null) {
      return;
    }
    if (n == 1) {
      s.held.remove(host);
    } else {
      s.held.put(host, n - 1);
    }
    s.inUse--;
    Waiter next = s.waiting.poll();
    if (next != null) {
      take(s, next.host);
      out.add(() -> next.reply.accept(Calls.Answer.ok(next.call)));
    }
  }

  private static Calls.Answer answer(Calls.Call call, TaskResult r) {
    return Calls.Answer.result(call, r.status(), r.result(), r.ignored());
  }
}
