package io.homefleet.agent.exec;

import io.homefleet.playbook.spec.ArgSpec;
import io.homefleet.playbook.spec.ModuleSpec;
import io.homefleet.playbook.spec.ModuleSpecs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A module's arguments, read the way Ansible reads them: aliases mapped onto the argument's own
 * name and unknown arguments refused (both from the module's {@link ModuleSpec}, the same list
 * the controller validates against), booleans as {@code yes/no/true/false/1/0/on/off}, lists
 * as YAML lists or comma-separated strings, numbers as numbers or numeric strings.
 */
public final class Args {
  private final String module;
  private final Map<String, Object> values;

  private Args(String module, Map<String, Object> values) {
    this.module = module;
    this.values = values;
  }

  /** Reads {@code raw} for {@code module}; fails naming an argument the module does not take. */
  public static Args of(String module, Map<String, Object> raw) throws TaskException {
    Optional<ModuleSpec> spec = ModuleSpecs.find(module);
    Map<String, Object> values = new LinkedHashMap<>();
    if (spec.isEmpty()) {
      values.putAll(raw);
      return new Args(module, values);
    }
    Map<String, ArgSpec> byName = spec.get().argsByName();
    for (Map.Entry<String, Object> e : raw.entrySet()) {
      ArgSpec a = byName.get(e.getKey());
      if (a == null) {
        if (e.getKey().startsWith("_ansible_")) {
          continue;
        }
        throw new TaskException(module, "unsupported argument '" + e.getKey() + "' (supported: "
            + String.join(", ", spec.get().args().stream().map(ArgSpec::name).filter(n -> !n.startsWith("_")).toList())
            + ")");
      }
      if (values.containsKey(a.name()) && e.getValue() != null) {
        throw new TaskException(module, "'" + e.getKey() + "' and '" + a.name() + "' are the same argument; give one");
      }
      if (e.getValue() != null || !values.containsKey(a.name())) {
        values.put(a.name(), e.getValue());
      }
    }
    List<String> missing = spec.get().args().stream().filter(a -> a.required() && values.get(a.name()) == null)
        .map(ArgSpec::name).sorted().toList();
    if (!missing.isEmpty()) {
      throw TaskException.asAnsible("missing required arguments: " + String.join(", ", missing));
    }
    for (ArgSpec a : spec.get().args()) {
      Object v = values.get(a.name());
      if (v != null && !a.choices().isEmpty() && !a.choices().contains(String.valueOf(v))
          && !(a.type() == ArgSpec.Type.BOOL)) {
        throw new TaskException(module, "value of " + a.name() + " must be one of: " + String.join(", ", a.choices())
            + ", got: " + v);
      }
    }
    return new Args(module, values);
  }

  public String module() {
    return module;
  }

  public boolean has(String name) {
    return values.get(name) != null;
  }

  public Optional<Object> raw(String name) {
    return Optional.ofNullable(values.get(name));
  }

  public Optional<String> str(String name) {
    Object v = values.get(name);
    return v == null ? Optional.empty() : Optional.of(scalar(v));
  }

  public String str(String name, String dflt) {
    return str(name).orElse(dflt);
  }

  public String required(String name) throws TaskException {
    Optional<String> v = str(name);
    if (v.isEmpty() || v.get().isEmpty()) {
      throw new TaskException(module, "missing required argument: " + name);
    }
    return v.get();
  }

  /** One of {@code choices}, or {@code dflt} when absent. */
  public String choice(String name, String dflt, String... choices) throws TaskException {
    String v = str(name, dflt);
    if (v != null && !Arrays.asList(choices).contains(v)) {
      throw new TaskException(module, "value of " + name + " must be one of: " + String.join(", ", choices)
          + ", got: " + v);
    }
    return v;
  }

  public boolean bool(String name, boolean dflt) throws TaskException {
    Object v = values.get(name);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    String s = scalar(v).trim().toLowerCase(Locale.ROOT);
    return switch (s) {
      case "yes", "true", "on", "1", "y", "t" -> true;
      case "no", "false", "off", "0", "n", "f", "" -> false;
      default -> throw new TaskException(module, name + " must be a boolean (yes/no, true/false), got: " + v);
    };
  }

  public Optional<Long> integer(String name) throws TaskException {
    Object v = values.get(name);
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof Number n) {
      if (n.doubleValue() != Math.rint(n.doubleValue())) {
        throw new TaskException(module, name + " must be an integer, got: " + v);
      }
      return Optional.of(n.longValue());
    }
    try {
      return Optional.of(Long.parseLong(scalar(v).trim()));
    } catch (NumberFormatException e) {
      throw new TaskException(module, name + " must be an integer, got: " + v);
    }
  }

  /** A list: a YAML list, or a comma-separated string as Ansible accepts for {@code type='list'}. */
  public List<String> list(String name) {
    Object v = values.get(name);
    List<String> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    if (v instanceof List<?> l) {
      for (Object o : l) {
        if (o != null) {
          out.add(scalar(o));
        }
      }
      return out;
    }
    for (String part : scalar(v).split(",")) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
    return out;
  }

  /** A dict argument ({@code headers}); a non-dict fails. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> dict(String name) throws TaskException {
    Object v = values.get(name);
    if (v == null) {
      return Map.of();
    }
    if (v instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new TaskException(module, name + " must be a dictionary, got: " + v);
  }

  /** Numbers that came through JSON as 3.0 read back as 3. */
  private static String scalar(Object v) {
    if (v instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
      return Long.toString(d.longValue());
    }
    return String.valueOf(v);
  }

  public TaskException error(String message) {
    return new TaskException(module, message);
  }
}
