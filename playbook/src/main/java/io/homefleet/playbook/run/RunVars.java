package io.homefleet.playbook.run;

import io.homefleet.playbook.plan.HostPlan;
import io.homefleet.playbook.plan.RoleScope;
import io.homefleet.playbook.template.Templar;
import io.homefleet.playbook.template.TemplateException;
import io.homefleet.playbook.vars.Precedence;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A host's variables during one play: the plan's levels, and what the play learns on the host
 * (set_fact and registered results, facts modules return), merged for each task in {@link
 * Precedence}'s order, with the values written as templates rendered before the task.
 */
final class RunVars {
  /** Variables never resolved as templates: other hosts' data, facts and inventory structure. */
  private static final Set<String> NOT_LAZY = Set.of("hostvars", "groups", "ansible_facts", "group_names");
  private static final String OMIT = HostRun.OMIT;

  private final Templar templar;
  private final HostPlan plan;
  private final Path bundleDir;
  private final Map<String, Object> globalDefaults = new LinkedHashMap<>();
  private final Map<String, Object> globalRoleVars = new LinkedHashMap<>();
  private final Map<Map<String, Object>, Set<String>> lazyKeys = new IdentityMap();
  /** {@code set_fact} values and registered results. */
  private final Map<String, Object> facts = new LinkedHashMap<>();
  /** What include_vars read, at its own level below set_fact's; replaced, not changed, as lazyKeys caches by identity. */
  private Map<String, Object> included = Map.of();
  /** Facts modules returned, keys without {@code ansible_}. */
  private final Map<String, Object> ansibleFacts = new LinkedHashMap<>();
  /** Facts a module returned without the {@code ansible_} prefix ({@code getent_passwd}): variables by that name. */
  private final Set<String> bareFacts = new HashSet<>();
  private Map<String, Object> factsLayer = Map.of();

  RunVars(Templar templar, HostPlan plan, Path bundleDir) {
    this.templar = templar;
    this.plan = plan;
    this.bundleDir = bundleDir;
    for (RoleScope s : plan.roles()) {
      if (s.exported()) {
        globalDefaults.putAll(s.defaults());
        globalRoleVars.putAll(s.vars());
      }
    }
    if (plan.vars().getOrDefault(Precedence.FACTS, Map.of()).get("ansible_facts") instanceof Map<?, ?> known) {
      known.forEach((k, v) -> ansibleFacts.put(String.valueOf(k), v));
    }
    rebuildFactsLayer();
  }

  /** A set_fact value or a registered result, for the rest of the play (and the plays after it). */
  void set(String name, Object value) {
    facts.put(name, value);
  }

  void setAll(Map<String, Object> values) {
    facts.putAll(values);
  }

  /** Variables include_vars read, for the rest of the play at {@link Precedence#INCLUDE_VARS}. */
  void include(Map<String, Object> values) {
    Map<String, Object> all = new LinkedHashMap<>(included);
    all.putAll(values);
    included = Collections.unmodifiableMap(all);
  }

  /**
   * Facts a module returned ({@code ansible_NAME}, or {@code NAME} as getent's {@code getent_passwd}),
   * for the tasks after it, as {@code ansible_facts.NAME} and a variable of the name given; returns
   * the facts level as it now is, for the variables of the task that returned them.
   */
  Map<String, Object> learnFacts(Map<?, ?> got) {
    got.forEach((k, v) -> {
      String key = String.valueOf(k);
      if (key.startsWith("ansible_")) {
        key = key.substring("ansible_".length());
        bareFacts.remove(key);
      } else {
        bareFacts.add(key);
      }
      ansibleFacts.put(key, v);
    });
    rebuildFactsLayer();
    return factsLayer;
  }

  /** The set_fact values and registered results so far, which the recap carries to later plays. */
  Map<String, Object> setFacts() {
    return facts;
  }

  /** What the run learnt (set_fact values, registered results, facts), to go on with after a reboot. */
  Map<String, Object> saved() {
    return Map.of("facts", new LinkedHashMap<>(facts), "ansibleFacts", new LinkedHashMap<>(ansibleFacts),
        "bareFacts", List.copyOf(bareFacts));
  }

  /** Puts back what {@link #saved} gave, over what the plan seeded. */
  @SuppressWarnings("unchecked")
  void restore(Map<String, Object> saved) {
    facts.putAll((Map<String, Object>) saved.getOrDefault("facts", Map.of()));
    ansibleFacts.putAll((Map<String, Object>) saved.getOrDefault("ansibleFacts", Map.of()));
    for (Object k : (List<Object>) saved.getOrDefault("bareFacts", List.of())) {
      bareFacts.add(String.valueOf(k));
    }
    rebuildFactsLayer();
  }

  /** The facts so far, keys without {@code ansible_}. */
  Map<String, Object> ansibleFacts() {
    return ansibleFacts;
  }

  /**
   * The variables a task sees: the plan's levels and those learnt here (role defaults and vars,
   * facts gathered in this play, block and task vars, set_fact and registered results, role and
   * include params), merged in {@link Precedence}'s order, then the runner's own magic variables.
   */
  Map<String, Object> forTask(int scopeIndex, Map<String, Object> taskVars,
      List<Map<String, Object>> frames) {
    RoleScope scope = scopeIndex >= 0 ? plan.roles().get(scopeIndex) : null;
    Map<String, Object> v = new HashMap<>(256);
    Set<String> lazy = new HashSet<>();
    for (Precedence level : Precedence.values()) {
      switch (level) {
        case ROLE_DEFAULTS -> {
          layer(v, lazy, globalDefaults);
          if (scope != null) {
            layer(v, lazy, scope.defaults());
          }
        }
        // The plan's facts seeded ansibleFacts; what modules returned since replaces them.
        case FACTS -> v.putAll(factsLayer);
        case ROLE_VARS -> {
          layer(v, lazy, globalRoleVars);
          if (scope != null) {
            layer(v, lazy, scope.vars());
          }
        }
        case TASK_VARS -> layer(v, lazy, taskVars); // block vars are merged into each task's at compile time
        case SET_FACTS -> {
          layer(v, lazy, plan.vars().getOrDefault(level, Map.of()));
          v.putAll(facts);
        }
        case ROLE_PARAMS -> {
          if (scope != null) {
            layer(v, lazy, scope.params());
            v.put("role_name", scope.role());
            v.put("role_path", bundleDir.resolve(scope.bundleDir()).toString());
          }
        }
        case INCLUDE_PARAMS -> frames.forEach(frame -> layer(v, lazy, frame));
        case INCLUDE_VARS -> {
          layer(v, lazy, plan.vars().getOrDefault(level, Map.of()));
          layer(v, lazy, included);
        }
        default -> layer(v, lazy, plan.vars().getOrDefault(level, Map.of()));
      }
    }
    v.put("omit", OMIT);
    v.put("ansible_play_name", plan.play());
    v.put("playbook_dir", bundleDir.toString());
    v.put("ansible_check_mode", plan.check());
    v.put("ansible_diff_mode", plan.diff());
    resolveLazy(v, lazy);
    return v;
  }

  private void layer(Map<String, Object> into, Set<String> lazy, Map<String, Object> layer) {
    if (layer.isEmpty()) {
      return;
    }
    into.putAll(layer);
    lazy.addAll(lazyKeys.computeIfAbsent(layer, l -> {
      Set<String> keys = new HashSet<>();
      l.forEach((k, val) -> {
        if (!NOT_LAZY.contains(k) && hasTemplate(val)) {
          keys.add(k);
        }
      });
      return keys;
    }));
  }

  /**
   * Ansible templates variables when they are used, so {@code b: "{{ a }}"} follows {@code a}.
   * Here the variables written with templates are rendered before the task, a few passes deep;
   * one that cannot be rendered yet (it names a result not registered) stays as written.
   */
  private void resolveLazy(Map<String, Object> v, Set<String> lazy) {
    Set<String> pending = new HashSet<>();
    for (String k : lazy) {
      if (hasTemplate(v.get(k))) {
        pending.add(k);
      }
    }
    for (int pass = 0; pass < 8 && !pending.isEmpty(); pass++) {
      boolean progress = false;
      for (String k : List.copyOf(pending)) {
        try {
          Object before = v.get(k);
          Object after = templar.template(before, v);
          if (!after.equals(before)) {
            progress = true;
          }
          v.put(k, after);
          if (!hasTemplate(after)) {
            pending.remove(k);
          }
        } catch (TemplateException | RuntimeException e) {
          // not renderable yet: left as written
        }
      }
      if (!progress) {
        break;
      }
    }
  }

  private static boolean hasTemplate(Object value) {
    if (value instanceof String s) {
      return s.contains("{{") || s.contains("{%");
    }
    if (value instanceof Map<?, ?> m) {
      for (Object o : m.values()) {
        if (hasTemplate(o)) {
          return true;
        }
      }
    } else if (value instanceof List<?> l) {
      for (Object o : l) {
        if (hasTemplate(o)) {
          return true;
        }
      }
    }
    return false;
  }

  private void rebuildFactsLayer() {
    Map<String, Object> layer = new LinkedHashMap<>();
    // As Ansible injects facts as variables: under the name the module gave them.
    ansibleFacts.forEach((k, v) -> layer.put(bareFacts.contains(k) ? k : "ansible_" + k, v));
    layer.put("ansible_facts", Collections.unmodifiableMap(new LinkedHashMap<>(ansibleFacts)));
    factsLayer = layer;
  }

  /** Caches per layer object, by identity: the plan's maps are immutable and live as long as the run. */
  private static final class IdentityMap extends java.util.IdentityHashMap<Map<String, Object>, Set<String>> {
    private static final long serialVersionUID = 1L;
  }
}
