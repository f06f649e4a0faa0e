package io.homefleet.playbook.run;

import io.homefleet.playbook.plan.ModuleResult;
import io.homefleet.playbook.plan.TaskStatus;
import io.homefleet.playbook.source.KeyValueArgs;
import io.homefleet.playbook.source.Unsafe;
import io.homefleet.playbook.template.Templar;
import io.homefleet.playbook.template.TemplateException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Ansible's actions that work on the play's variables rather than on the host: {@code set_fact},
 * {@code debug}, {@code assert} and {@code fail}. One implementation for plays (the plan runner)
 * and ad-hoc runs (the agent's modules), behaving as ansible-core 2.14's {@code
 * plugins/action/*.py}: an error there ({@code AnsibleError}, {@code AnsibleActionFail}) is an
 * {@link ActionException} here, an outcome is a {@link ModuleResult}.
 */
public final class LogicActions {
  /** The actions this class implements. */
  public static final Set<String> NAMES = Set.of("set_fact", "debug", "assert", "fail");

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Set<String> BOOL_WORDS = Set.of("true", "false", "yes", "no");

  private LogicActions() {}

  /** An error the action raises, with Ansible's message. */
  public static final class ActionException extends Exception {
    private static final long serialVersionUID = 1L;

    public ActionException(String message) {
      super(message);
    }
  }

  /**
   * Runs {@code action} (one of {@link #NAMES}).
   *
   * @param args the task's arguments, templated
   * @param written the task's arguments as written: {@code assert}'s {@code that} is evaluated from these
   * @param vars the task's variables
   */
  public static ModuleResult run(String action, Map<String, Object> args, Map<String, Object> written,
      Map<String, ?> vars, Templar templar) throws ActionException {
    return switch (action) {
      case "set_fact" -> setFact(args, vars, templar);
      case "debug" -> debug(args, vars, templar);
      case "assert" -> assertion(args, written, vars, templar);
      case "fail" -> fail(args);
      default -> throw new IllegalArgumentException("not a logic action: " + action);
    };
  }

  /**
   * The facts a {@code set_fact} result sets, to be merged into the host's variables; empty for
   * any other result.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> factsSet(ModuleResult r) {
    return r.status() != TaskStatus.FAILED && r.result().get("ansible_facts") instanceof Map<?, ?> m
        ? (Map<String, Object>) m : Map.of();
  }

  private static ModuleResult setFact(Map<String, Object> args, Map<String, ?> vars, Templar templar)
      throws ActionException {
    Map<String, Object> given = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : args.entrySet()) {
      if (e.getKey().equals("_raw_params")) {
        try {
          given.putAll(KeyValueArgs.keyValues(text(e.getValue())));
        } catch (IllegalArgumentException ex) {
          throw new ActionException("set_fact takes key=value arguments: " + ex.getMessage());
        }
      } else {
        given.put(e.getKey(), e.getValue());
      }
    }
    boolean cacheable = given.containsKey("cacheable") && Templar.truthy(given.remove("cacheable"));
    if (given.isEmpty()) {
      throw new ActionException("No key/value pairs provided, at least one is required for this action to succeed");
    }
    Map<String, Object> facts = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : given.entrySet()) {
      String k = e.getKey();
      if (k.contains("{{") || k.contains("{%")) {
        try {
          k = templar.render(k, vars);
        } catch (TemplateException ex) {
          throw new ActionException("cannot template the variable name '" + e.getKey() + "': " + ex.getMessage());
        }
      }
      if (!IDENTIFIER.matcher(k).matches()) {
        throw new ActionException("The variable name '" + k + "' is not valid. Variables must start with a letter or"
            + " underscore character, and contain only letters, numbers and underscores.");
      }
      Object v = e.getValue();
      // Ansible (jinja2_native off) turns these four words into booleans, whichever form gave them.
      if ((v instanceof String || v instanceof Unsafe) && BOOL_WORDS.contains(text(v).toLowerCase(Locale.ROOT))) {
        v = text(v).equalsIgnoreCase("true") || text(v).equalsIgnoreCase("yes");
      }
      facts.put(k, v);
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("ansible_facts", facts);
    r.put("_ansible_facts_cacheable", cacheable);
    return ModuleResult.ok(r);
  }

  private static ModuleResult debug(Map<String, Object> args, Map<String, ?> vars, Templar templar)
      throws ActionException {
    if (args.get("msg") != null && args.get("var") != null) {
      throw new ActionException("'msg' and 'var' are incompatible options");
    }
    long verbosity = integer(args.get("verbosity"), "verbosity");
    long current = vars.get("ansible_verbosity") instanceof Number n ? n.longValue() : 0;
    Map<String, Object> r = new LinkedHashMap<>();
    if (verbosity > current) {
      r.put("skipped_reason", "Verbosity threshold not met.");
      return new ModuleResult(TaskStatus.SKIPPED, r);
    }
    if (args.get("msg") != null) {
      r.put("msg", args.get("msg"));
    } else if (args.get("var") != null) {
      String name = text(args.get("var"));
      Object value;
      try {
        value = templar.evaluate(bare(name), vars);
      } catch (TemplateException e) {
        value = "VARIABLE IS NOT DEFINED!";
      }
      r.put(name, value);
    } else {
      r.put("msg", "Hello world!");
    }
    return ModuleResult.ok(r);
  }

  private static ModuleResult assertion(Map<String, Object> args, Map<String, Object> written, Map<String, ?> vars,
      Templar templar) throws ActionException {
    Object that = written.containsKey("that") ? written.get("that") : args.get("that");
    if (that == null) {
      throw new ActionException("conditional required in \"that\" string");
    }
    Object failMsg = args.get("fail_msg") != null ? args.get("fail_msg") : args.get("msg");
    failMsg = message(failMsg, "Assertion failed", "fail_msg or msg");
    Object successMsg = message(args.get("success_msg"), "All assertions passed", "success_msg");
    List<String> conditions = new ArrayList<>();
    if (that instanceof List<?> l) {
      l.forEach(c -> conditions.add(text(c)));
    } else {
      conditions.add(text(that));
    }
    for (String c : conditions) {
      boolean holds;
      try {
        holds = templar.condition(bare(c), vars);
      } catch (TemplateException e) {
        throw new ActionException("The conditional check '" + c + "' failed. The error was: " + e.getMessage());
      }
      if (!holds) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("evaluated_to", false);
        r.put("assertion", c);
        r.put("msg", failMsg);
        return new ModuleResult(TaskStatus.FAILED, r);
      }
    }
    // quiet only keeps Ansible's callback from printing the result; the result is the same.
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("msg", successMsg);
    return ModuleResult.ok(r);
  }

  private static ModuleResult fail(Map<String, Object> args) {
    Object msg = args.get("msg");
    return ModuleResult.failed(msg == null ? "Failed as requested from task" : text(msg));
  }

  /** assert's messages: a string or a list of strings, as Ansible checks them. */
  private static Object message(Object value, String dflt, String field) throws ActionException {
    if (value == null) {
      return dflt;
    }
    if (value instanceof List<?> l) {
      for (Object o : l) {
        if (!(o instanceof String) && !(o instanceof Unsafe)) {
          throw new ActionException("Type of one of the elements in " + field + " list is not string type");
        }
      }
      return l.stream().map(LogicActions::text).toList();
    }
    if (!(value instanceof String) && !(value instanceof Unsafe)) {
      throw new ActionException("Incorrect type for " + field + ", expected a string or list and got "
          + value.getClass().getSimpleName());
    }
    return text(value);
  }

  private static long integer(Object value, String field) throws ActionException {
    if (value == null) {
      return 0;
    }
    if (value instanceof Number n) {
      return n.longValue();
    }
    try {
      return Long.parseLong(text(value).strip());
    } catch (NumberFormatException e) {
      throw new ActionException(field + ": '" + text(value) + "' is not an integer");
    }
  }

  /** A condition written as {@code "{{ x }}"} is the bare expression {@code x}, as Ansible reads it. */
  private static String bare(String condition) {
    String c = condition.strip();
    if (c.startsWith("{{") && c.endsWith("}}") && c.indexOf("{{", 2) < 0) {
      return c.substring(2, c.length() - 2).strip();
    }
    return c;
  }

  private static String text(Object value) {
    return value instanceof Unsafe u ? u.text() : String.valueOf(value);
  }
}
