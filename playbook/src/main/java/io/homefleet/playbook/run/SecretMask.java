package io.homefleet.playbook.run;

import io.homefleet.playbook.plan.ItemResult;
import io.homefleet.playbook.plan.PlayRecap;
import io.homefleet.playbook.plan.TaskRef;
import io.homefleet.playbook.plan.TaskResult;
import io.homefleet.playbook.source.Unsafe;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replaces the vault secrets a plan carries with {@value #MASK} wherever they occur in what the
 * host reports: results, items, diffs, task names and the recap's carried facts. The host's own
 * variables keep the values; only what leaves the runner (the events, and so the agent's journal,
 * the controller's store and the operator's output) is masked.
 */
public final class SecretMask {
  /** What a secret becomes; Ansible's own mark for hidden output. */
  public static final String MASK = "********";
  /** Shorter values are not masked: masking "on" or "1" everywhere would garble every result. */
  public static final int MIN_LENGTH = 4;

  // Replaced, never changed, so that readers on other threads see one whole list.
  private volatile List<String> secrets;

  public SecretMask(Collection<String> secrets) {
    this.secrets = sorted(secrets);
  }

  private static List<String> sorted(Collection<String> secrets) {
    return secrets.stream().filter(s -> s.length() >= MIN_LENGTH)
        .sorted(Comparator.comparingInt(String::length).reversed()).distinct().toList();
  }

  /** Masks {@code more} too from now on: vault values the controller answered during the play (include_vars). */
  public synchronized void add(Collection<String> more) {
    if (more.isEmpty()) {
      return;
    }
    List<String> all = new ArrayList<>(secrets);
    all.addAll(more);
    secrets = sorted(all);
  }

  /** {@code next}, hearing every event masked (with the secrets known when each event comes). */
  public PlanListener around(PlanListener next) {
    return new Masked(next);
  }

  /** A recap with its carried facts masked. */
  public PlayRecap recap(PlayRecap r) {
    return secrets.isEmpty() ? r : new PlayRecap(r.ok(), r.changed(), r.unreachable(), r.failed(), r.skipped(),
        r.rescued(), r.ignored(), r.end(), maskMap(r.facts()), maskMap(r.ansibleFacts()));
  }

  /** A string with every secret in it masked. */
  public String mask(String s) {
    String out = s;
    for (String secret : secrets) {
      if (out.contains(secret)) {
        out = out.replace(secret, MASK);
      }
    }
    return out;
  }

  /** A plain value (maps, lists, strings) with every string masked, keys too. */
  Object mask(Object v) {
    if (v instanceof String s) {
      return mask(s);
    }
    if (v instanceof Unsafe u) {
      return new Unsafe(mask(u.text()));
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, val) -> out.put(mask(String.valueOf(k)), mask(val)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(o -> out.add(mask(o)));
      return out;
    }
    return v;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> maskMap(Map<String, Object> m) {
    return (Map<String, Object>) mask((Object) m);
  }

  /** A task's reference with its (rendered) name masked. */
  public TaskRef task(TaskRef t) {
    return secrets.isEmpty() ? t : new TaskRef(t.id(), t.path(), mask(t.name()), t.location(), t.handler());
  }

  /** A loop item's result masked, its label too. */
  public ItemResult item(ItemResult i) {
    return secrets.isEmpty() ? i : new ItemResult(task(i.task()), i.index(), mask(i.label()), i.status(),
        maskMap(i.result()));
  }

  /** A task's result masked, its diffs too. */
  @SuppressWarnings("unchecked")
  public TaskResult result(TaskResult r) {
    return secrets.isEmpty() ? r : new TaskResult(task(r.task()), r.status(), r.ignored(), maskMap(r.result()),
        (List<Object>) mask((Object) r.diffs()));
  }

  /** The events, masked on their way to the next listener. */
  private final class Masked implements PlanListener {
    private final PlanListener next;

    Masked(PlanListener next) {
      this.next = next;
    }

    @Override
    public void taskStarted(TaskRef t) {
      next.taskStarted(task(t));
    }

    @Override
    public void itemFinished(ItemResult i) {
      next.itemFinished(item(i));
    }

    @Override
    public void taskFinished(TaskResult r) {
      next.taskFinished(result(r));
    }

    @Override
    public void playFinished(PlayRecap r) {
      next.playFinished(recap(r));
    }
  }
}
