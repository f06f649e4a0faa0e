package io.homefleet.playbook.template;

import com.hubspot.jinjava.el.ext.NamedParameter;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import io.homefleet.playbook.source.Unsafe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code lookup(name, ...)}, {@code query}/{@code q} (which return lists), as ansible-core 2.14's
 * {@code Templar._lookup}: the pure data lookups of {@link DataLookups} and {@code vars} run where
 * the template renders; the ones Ansible runs on the controller go to the render's
 * {@link ControllerLookup}. {@code errors=} (strict, warn, ignore) and {@code wantlist=} apply to
 * all of them.
 */
public final class Lookups {
  /** The keyword the compiler adds to a lookup it answered already: the results, as {@code query()} would give them. */
  public static final String RESULTS = "__hf_results";
  private static final Set<String> ERRORS = Set.of("strict", "warn", "ignore");
  /** Every lookup homefleet has: the data lookups, {@code vars} and the controller's. */
  public static final Set<String> NAMES;
  /** {@link #NAMES} in order, for messages. */
  public static final String LISTED;

  static {
    java.util.TreeSet<String> all = new java.util.TreeSet<>(DataLookups.NAMES);
    all.addAll(ControllerLookup.NAMES);
    all.add("vars");
    NAMES = Set.copyOf(all);
    LISTED = String.join(", ", all);
  }

  private Lookups() {}

  /** {@code lookup(name, terms...)}: string results joined with commas, other results as a list (wantlist=False). */
  public static Object lookup(String name, Object... terms) {
    return call(name, terms, false);
  }

  /** {@code query(name, terms...)}: always a list. */
  public static Object query(String name, Object... terms) {
    return call(name, terms, true);
  }

  /**
   * What the compiler needs to answer a lookup itself: {@code [name, positional, keywords]}, the
   * arguments evaluated. Registered as {@code __hf_capture} in the engine.
   */
  public static List<Object> capture(String name, Object... args) {
    Options o = Options.of(args);
    return Arrays.asList(name, o.positional, o.keywords);
  }

  /** The loop items of {@code with_<plugin>}: {@code query(plugin, terms)} in the current render. */
  public static List<Object> loop(String plugin, List<Object> terms) {
    Object[] args = terms.toArray();
    @SuppressWarnings("unchecked")
    List<Object> out = (List<Object>) call(plugin, args, true);
    return out;
  }

  private static Object call(String name, Object[] args, boolean query) {
    Options o = Options.of(args);
    String plugin = name.startsWith("ansible.builtin.") ? name.substring("ansible.builtin.".length()) : name;
    Map<String, Object> keywords = new LinkedHashMap<>(o.keywords);
    Object wantlistGiven = keywords.remove("wantlist");
    boolean wantlist = query || (wantlistGiven != null && Templar.truthy(wantlistGiven));
    String errors = keywords.containsKey("errors") ? Py.str(keywords.remove("errors")) : "strict";
    if (!ERRORS.contains(errors)) {
      throw new LookupException("Invalid setting identifier, \"" + errors + "\" is not a valid error setting for"
          + " lookup('" + name + "'): use strict, warn or ignore", null);
    }
    Object given = keywords.remove(RESULTS);
    List<Object> results;
    if (DataLookups.NAMES.contains(plugin)) {
      // These take their lists as given: query('together', a, b) has two terms, not a's and b's items.
      results = DataLookups.run(plugin, o.positional);
    } else if (plugin.equals("vars")) {
      results = vars(o.terms, keywords);
    } else if (ControllerLookup.NAMES.contains(plugin)) {
      try {
        results = given instanceof List<?> l ? plainList(l) : controller(name).lookup(plugin, o.terms, keywords, roleDir());
      } catch (ControllerLookup.Failure e) {
        if (errors.equals("strict")) {
          throw new LookupException(e.getMessage(), e);
        }
        if (errors.equals("warn")) {
          controller(name).warn(e.getMessage());
        }
        return wantlist ? new ArrayList<>() : null;
      }
      results = finish(plugin, results, keywords);
    } else {
      throw new LookupException("lookup plugin '" + name + "' is not supported (supported: " + LISTED + ")", null);
    }
    if (wantlist || results.isEmpty()) {
      return results; // Ansible 2.14 gives an empty result as [] even to lookup()
    }
    // Ansible's ",".join(results); on anything but strings, the one result itself or the list.
    List<String> parts = new ArrayList<>();
    for (Object r : results) {
      if (!(r instanceof String str)) {
        return results.size() == 1 ? results.get(0) : results;
      }
      parts.add(str);
    }
    return String.join(",", parts);
  }

  private static ControllerLookup controller(String name) {
    JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
    ControllerLookup c = interpreter instanceof AnsibleInterpreter a ? a.controllerLookup() : null;
    if (c == null) {
      throw new LookupException("lookup('" + name + "') runs on the controller, and this render has no controller"
          + " to ask (it runs in a play the controller sent; here use a variable instead)", null);
    }
    return c;
  }

  /** Where the host's copy of the controller's answer needs it: templates rendered here, paths in this bundle. */
  private static List<Object> finish(String plugin, List<Object> results, Map<String, Object> keywords) {
    if (plugin.equals("template")) {
      List<Object> out = new ArrayList<>();
      for (Object text : results) {
        out.add(render(Py.str(text), keywords.get("template_vars")));
      }
      return out;
    }
    if (plugin.equals("first_found") || plugin.equals("fileglob")) {
      Object dir = variable("playbook_dir");
      if (dir == null) {
        return results;
      }
      List<Object> out = new ArrayList<>();
      for (Object p : results) {
        out.add(Path.of(dir.toString()).resolve(Py.str(p)).toString());
      }
      return out;
    }
    return results;
  }

  /** The template lookup: the text rendered with the variables of this render and {@code template_vars}. */
  private static String render(String text, Object templateVars) {
    JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
    interpreter.enterScope();
    try {
      if (templateVars instanceof Map<?, ?> m) {
        m.forEach((k, v) -> interpreter.getContext().put(String.valueOf(k), v));
      }
      return interpreter.render(Backslashes.inTemplate(text));
    } finally {
      interpreter.leaveScope();
    }
  }

  /** ansible.builtin.vars: each term's value, else {@code default}, else an undefined-variable error. */
  private static List<Object> vars(List<Object> terms, Map<String, Object> keywords) {
    List<Object> out = new ArrayList<>();
    for (Object term : terms) {
      if (!(term instanceof String name)) {
        throw new LookupException("Invalid setting identifier, \"" + Py.str(term) + "\" is not a string, it is a "
            + Py.typeName(term), null);
      }
      Object value = variable(name);
      if (value == null && !defined(name)) {
        if (!keywords.containsKey("default")) {
          throw new Undefined(name, "No variable found with this name: " + name).error();
        }
        value = keywords.get("default");
      }
      out.add(value);
    }
    return out;
  }

  private static Object variable(String name) {
    JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
    if (interpreter == null) {
      return null;
    }
    Object v = interpreter.getContext().get(name);
    return v instanceof Undefined ? null : v;
  }

  private static boolean defined(String name) {
    JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
    for (var c = interpreter == null ? null : interpreter.getContext(); c != null; c = c.getParent()) {
      if (c.getScope().containsKey(name)) {
        return true;
      }
    }
    return false;
  }

  /** The task's role directory relative to the playbook's ({@code roles/web}), from role_path and playbook_dir. */
  private static String roleDir() {
    Object book = variable("playbook_dir");
    return roleDir(variable("role_path"), book == null ? null : Path.of(book.toString()));
  }

  /** {@code rolePath} relative to {@code playbookDir} ({@code roles/web}); empty outside roles (either null). */
  public static String roleDir(Object rolePath, Path playbookDir) {
    if (rolePath == null || playbookDir == null) {
      return "";
    }
    Path r = Path.of(rolePath.toString()).normalize();
    Path b = playbookDir.normalize();
    return r.startsWith(b) ? b.relativize(r).toString() : "";
  }

  private static List<Object> plainList(List<?> l) {
    List<Object> out = new ArrayList<>(l.size());
    for (Object o : l) {
      out.add(o instanceof Unsafe u ? u.text() : o);
    }
    return out;
  }

  /**
   * @param terms the positional arguments, lists spliced in (the plugins' terms)
   * @param positional the positional arguments as given (the data lookups)
   * @param keywords the named ones
   */
  private record Options(List<Object> terms, List<Object> positional, Map<String, Object> keywords) {
    static Options of(Object[] args) {
      List<Object> terms = new ArrayList<>();
      List<Object> positional = new ArrayList<>();
      Map<String, Object> keywords = new LinkedHashMap<>();
      for (Object a : args == null ? new Object[0] : args) {
        if (a instanceof NamedParameter p) {
          if (p.getValue() instanceof Undefined u) {
            throw u.error();
          }
          keywords.put(p.getName(), p.getValue());
          continue;
        }
        if (a instanceof Undefined u) {
          throw u.error();
        }
        positional.add(a);
        if (a instanceof List<?> l) {
          terms.addAll(l);
        } else {
          terms.add(a);
        }
      }
      return new Options(terms, positional, keywords);
    }
  }

  /** A lookup that cannot answer; Templar reports its message. */
  static final class LookupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LookupException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
