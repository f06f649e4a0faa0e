package io.homefleet.playbook.parse;

import io.homefleet.playbook.source.KeyValueArgs;
import io.homefleet.playbook.source.Location;
import io.homefleet.playbook.source.Unsafe;
import io.homefleet.playbook.source.YamlNode;
import io.homefleet.playbook.spec.ArgSpec;
import io.homefleet.playbook.spec.ModuleSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A task's module arguments: gathered from the module's value (a mapping, a free-form string or
 * {@code key=value} pairs) and the old {@code args:} keyword, then checked against the module's
 * spec: unknown names (with the nearest known one), missing required ones, values outside the
 * choices and types that are wrong whatever the variables (templates are left for run time).
 */
final class ModuleArgs {
  private static final Set<String> BOOL_WORDS = Set.of("yes", "no", "true", "false", "on", "off", "1", "0", "y", "n",
      "t", "f");
  /** Modules that take any variable names as arguments. */
  private static final Set<String> ANY_KEYS = Set.of("set_fact", "set_stats");

  private ModuleArgs() {}

  /** Arguments with where each was written. */
  record Located(Map<String, Object> args, Map<String, Location> where) {}

  /**
   * Collects the arguments. {@code moduleValue} is what follows {@code copy:}; {@code args} is the
   * {@code args:} keyword, whose values the inline ones override.
   */
  static Located collect(Session s, Optional<ModuleSpec> spec, String action, YamlNode moduleValue,
      Optional<YamlNode> argsKeyword) {
    Map<String, Object> args = new LinkedHashMap<>();
    Map<String, Location> where = new LinkedHashMap<>();
    argsKeyword.ifPresent(a -> {
      if (a instanceof YamlNode.Mapping m) {
        for (YamlNode.Entry e : m.entries()) {
          args.put(e.key(), e.value().toPlain());
          where.put(e.key(), e.keyLocation());
        }
      } else if (!(a instanceof YamlNode.Scalar sc && sc.value() == null)) {
        s.error(a.location(), "args: takes a mapping of the module's arguments, not " + a.kind());
      }
    });
    if (moduleValue instanceof YamlNode.Mapping m) {
      for (YamlNode.Entry e : m.entries()) {
        args.put(e.key(), e.value().toPlain());
        where.put(e.key(), e.keyLocation());
      }
    } else if (moduleValue instanceof YamlNode.Scalar sc && sc.value() != null) {
      String text = sc.value() instanceof Unsafe u ? u.text() : String.valueOf(sc.value());
      // Ansible keeps raw parameters only for its free-form actions (command, shell): set_fact's
      // "a=1 b=2" are its arguments, and text that is not key=value is an error, as there.
      Optional<String> freeForm = spec.filter(sp -> !sp.anyKeys()).flatMap(ModuleSpec::freeForm);
      try {
        if (freeForm.isPresent()) {
          Set<String> options = new HashSet<>(spec.get().argsByName().keySet());
          options.removeAll(Set.of(freeForm.get(), "cmd", "argv"));
          Map<String, Object> parsed = KeyValueArgs.freeForm(text, freeForm.get(), options);
          parsed.forEach((k, v) -> {
            args.put(k, k.equals(freeForm.get()) && sc.value() instanceof Unsafe ? new Unsafe((String) v) : v);
            where.put(k, sc.location());
          });
        } else {
          for (KeyValueArgs.Token t : KeyValueArgs.split(text)) {
            if (!t.isKeyValue()) {
              s.error(sc.location(), "module '" + action + "' takes key=value arguments, not free-form text: '"
                  + Session.snippet(t.raw()) + "' (write the arguments as a mapping)");
              continue;
            }
            args.put(t.key(), t.value());
            where.put(t.key(), sc.location());
          }
        }
      } catch (KeyValueArgs.SyntaxException e) {
        s.error(sc.location(), "cannot split the arguments of '" + action + "': " + e.getMessage());
      }
    } else if (moduleValue instanceof YamlNode.Sequence q) {
      s.error(q.location(), "module '" + action + "' takes a mapping of arguments (or a string), not a list");
    }
    return new Located(args, where);
  }

  /** Checks the arguments against the module's spec, reporting every problem. */
  static void validate(Session s, ModuleSpec spec, String action, Located located, Location taskAt) {
    Map<String, ArgSpec> byName = spec.argsByName();
    boolean anyKeys = ANY_KEYS.contains(spec.name()) || spec.anyKeys() || byName.containsKey("key_value");
    List<String> known = new ArrayList<>(byName.keySet());
    spec.freeForm().ifPresent(known::remove);
    for (Map.Entry<String, Object> e : located.args().entrySet()) {
      String name = e.getKey();
      Location at = located.where().getOrDefault(name, taskAt);
      ArgSpec arg = byName.get(name);
      if (arg == null) {
        if (!anyKeys) {
          String hint = Suggest.hint(name, known);
          s.error(at, "unknown argument '" + name + "' for module '" + action + "'" + (hint.isEmpty() && !known.isEmpty()
              ? " (it takes: " + String.join(", ", known) + ")" : hint));
        }
        continue;
      }
      checkValue(s, action, name, arg, e.getValue(), at);
    }
    for (ArgSpec arg : spec.args()) {
      if (!arg.required()) {
        continue;
      }
      boolean given = located.args().containsKey(arg.name())
          || arg.aliases().stream().anyMatch(located.args()::containsKey);
      if (!given) {
        // Ansible checks required arguments when the task runs, where ignore_errors and rescue see the failure.
        s.warning(taskAt, "missing required argument '" + arg.name() + "' for module '" + action + "': the task"
            + " fails when it runs (give " + arg.name() + ": to fix it)");
      }
    }
    spec.freeForm().ifPresent(raw -> {
      if (byName.containsKey("cmd") && !located.args().containsKey(raw) && !located.args().containsKey("cmd")
          && !located.args().containsKey("argv")) {
        s.error(taskAt, "no command given to '" + action + "' (write '" + action + ": the command', or give cmd: or argv:)");
      }
    });
  }

  private static void checkValue(Session s, String action, String name, ArgSpec arg, Object value, Location at) {
    if (value == null || value instanceof Unsafe || (value instanceof String str && JinjaSyntax.isTemplate(str))) {
      return; // decided at run time
    }
    String problem = switch (arg.type()) {
      case BOOL -> value instanceof Boolean || (value instanceof String str
          && BOOL_WORDS.contains(str.toLowerCase(Locale.ROOT))) || value instanceof Integer i && (i == 0 || i == 1)
          ? null : "a boolean (yes/no, true/false)";
      case INT -> value instanceof Integer || value instanceof Long
          || (value instanceof String str && str.strip().matches("[-+]?\\d+")) ? null : "an integer";
      case FLOAT -> value instanceof Number || (value instanceof String str && isNumber(str)) ? null : "a number";
      case STR, PATH -> value instanceof Map || value instanceof List ? "a string" : null;
      case LIST -> value instanceof Map ? "a list" : null; // a string is split on commas, as Ansible does
      case DICT -> value instanceof List ? "a mapping" : null; // a string may be key=value pairs or JSON
      case RAW -> null;
    };
    if (problem != null) {
      s.error(at, "argument '" + name + "' of '" + action + "' must be " + problem + ", not "
          + describe(value));
      return;
    }
    if (!arg.choices().isEmpty() && !(value instanceof Map) && !(value instanceof List)) {
      String given = String.valueOf(value);
      boolean ok = arg.choices().contains(given)
          || (value instanceof Boolean b && arg.choices().stream().anyMatch(c -> boolWord(c, b)));
      if (!ok) {
        s.error(at, "argument '" + name + "' of '" + action + "' must be one of " + String.join(", ", arg.choices())
            + ", not '" + given + "'" + Suggest.hint(given, arg.choices()));
      }
    }
  }

  private static boolean boolWord(String choice, boolean b) {
    String c = choice.toLowerCase(Locale.ROOT);
    return b ? c.equals("yes") || c.equals("true") : c.equals("no") || c.equals("false");
  }

  private static boolean isNumber(String s) {
    try {
      Double.parseDouble(s.strip());
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String describe(Object value) {
    if (value instanceof Map) {
      return "a mapping";
    }
    if (value instanceof List) {
      return "a list";
    }
    return "'" + Session.snippet(String.valueOf(value)) + "'";
  }
}
