package io.homefleet.playbook.compile;

import io.homefleet.playbook.plan.PlanLoop;
import io.homefleet.playbook.source.Unsafe;
import io.homefleet.playbook.template.ControllerLookup;
import io.homefleet.playbook.template.Lookups;
import io.homefleet.playbook.template.Templar;
import io.homefleet.playbook.template.TemplateException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The compiler's half of the controller lookups: a {@code lookup()}/{@code query()} call whose
 * arguments are constants (they evaluate with no variable at all) is answered here, on the
 * controller, and the call gets the answer as {@code __hf_results=__hf_lookup_N}, a plan variable
 * (at the magic level) holding what {@code query()} would return. The call stays, so that
 * {@code errors=}, {@code wantlist=}, the comma-joining of {@code lookup()}, filters after it and
 * the rendering of a {@code template} lookup's text happen on the host as before. A call with a
 * variable in its arguments is left for the host, which asks the controller during the play.
 * {@code with_<lookup>:} loops over constant terms become {@code loop:} over such a query.
 *
 * <p>Password lookups' answers are listed as the plan's secrets (masked in what the host reports).
 * One instance per plan; not thread-safe.
 */
final class LookupFolding {
  private static final Pattern CALL = Pattern.compile("(?<![\\w.])(lookup|query|q)\\s*\\(");
  private static final Templar CONSTANTS = new Templar();

  private final ControllerLookups lookups;
  private final Map<String, Object> values = new LinkedHashMap<>();
  private final Set<String> secrets = new LinkedHashSet<>();
  private final Map<String, byte[]> files = new TreeMap<>();
  private String roleDir = "";

  LookupFolding(ControllerLookups lookups) {
    this.lookups = lookups;
  }

  /** The plan variables the folded calls refer to ({@code __hf_lookup_N}). */
  Map<String, Object> values() {
    return values;
  }

  /** What the folded password lookups answered. */
  Set<String> secrets() {
    return secrets;
  }

  /** Files the folded {@code first_found}/{@code fileglob} calls found, which the host needs in its bundle. */
  Map<String, byte[]> files() {
    return files;
  }

  /** Folds in the scope of role directory {@code dir} ({@code roles/web}; empty outside roles). */
  LookupFolding in(String dir) {
    roleDir = dir;
    return this;
  }

  /** {@code value} with every string in it folded as a template (maps and lists walked). */
  @SuppressWarnings("unchecked")
  <T> T templates(T value) {
    if (value instanceof String s) {
      return (T) fold(s, true);
    }
    if (value instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(k, templates(v)));
      return (T) out;
    }
    if (value instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(o -> out.add(templates(o)));
      return (T) out;
    }
    return value;
  }

  /** Bare expressions ({@code when:}, {@code failed_when:}) folded. */
  List<String> expressions(List<String> conditions) {
    List<String> out = new ArrayList<>(conditions.size());
    conditions.forEach(c -> out.add(fold(c, false)));
    return out;
  }

  /** A {@code with_<lookup>} loop of the controller's over constant terms, as {@code loop:} over its folded query. */
  Optional<PlanLoop> loop(Optional<PlanLoop> loop) {
    if (loop.isEmpty() || !loop.get().kind().startsWith("with_")) {
      return loop;
    }
    PlanLoop l = loop.get();
    String plugin = l.kind().substring("with_".length());
    if (!ControllerLookup.NAMES.contains(plugin) || mentionsJinja(l.items())) {
      return Optional.of(new PlanLoop(l.kind(), templates(l.items()), l.loopVar(), l.label(), l.indexVar(), l.pause(),
          l.extended()));
    }
    List<Object> terms = l.items() instanceof List<?> list ? new ArrayList<>(list) : new ArrayList<>(List.of(l.items()));
    List<Object> results;
    try {
      results = lookups.lookup(plugin, splice(terms), Map.of(), roleDir);
    } catch (ControllerLookup.Failure e) {
      return loop; // the host asks again and fails the task then, as Ansible fails it
    }
    String termsVar = store(terms);
    String resultsVar = answer(plugin, results);
    return Optional.of(new PlanLoop("loop", "{{ query('" + plugin + "', " + termsVar + ", " + Lookups.RESULTS + "="
        + resultsVar + ") }}", l.loopVar(), l.label(), l.indexVar(), l.pause(), l.extended()));
  }

  /** {@code text} with its constant controller lookups answered; {@code template} says whether it is a template or an expression. */
  String fold(String text, boolean template) {
    if (text.indexOf('(') < 0 || (template && !text.contains("{{") && !text.contains("{%"))) {
      return text;
    }
    StringBuilder out = new StringBuilder();
    int from = 0;
    Matcher m = CALL.matcher(text);
    while (m.find(from)) {
      int open = m.end() - 1;
      int close = closing(text, open);
      if (close < 0) {
        break;
      }
      String replacement = template && !inMarkup(text, m.start()) ? null
          : answer(m.group(1), text.substring(open + 1, close));
      out.append(text, from, replacement == null ? close + 1 : m.start());
      if (replacement != null) {
        out.append(replacement);
      }
      from = close + 1;
    }
    out.append(text.substring(from));
    return out.toString();
  }

  /** The call with its answer, or null to leave it for the host. */
  private String answer(String function, String args) {
    List<?> captured;
    try {
      captured = (List<?>) CONSTANTS.evaluate("__hf_capture(" + args + ")", Map.of());
    } catch (TemplateException | RuntimeException e) {
      return null; // a variable in the arguments (or an error the host reports in its place)
    }
    String name = String.valueOf(captured.get(0));
    String plugin = name.startsWith("ansible.builtin.") ? name.substring("ansible.builtin.".length()) : name;
    if (!ControllerLookup.NAMES.contains(plugin)) {
      return null;
    }
    @SuppressWarnings("unchecked")
    List<Object> positional = (List<Object>) captured.get(1);
    @SuppressWarnings("unchecked")
    Map<String, Object> keywords = new LinkedHashMap<>((Map<String, Object>) captured.get(2));
    Object errors = keywords.remove("errors");
    boolean wantlist = !function.equals("lookup") || Templar.truthy(keywords.remove("wantlist"));
    keywords.remove("wantlist");
    List<Object> results;
    try {
      results = lookups.lookup(plugin, splice(positional), keywords, roleDir);
    } catch (ControllerLookup.Failure e) {
      if (errors == null || !"ignore".equals(String.valueOf(errors))) {
        return null; // the host asks again and fails the task (or warns) then, as Ansible does
      }
      return wantlist ? "[]" : "none";
    }
    return function + "(" + args + ", " + Lookups.RESULTS + "=" + answer(plugin, results) + ")";
  }

  private String answer(String plugin, List<Object> results) {
    if (plugin.equals("password")) {
      results.forEach(r -> secrets.add(String.valueOf(r)));
    }
    if (plugin.equals("first_found") || plugin.equals("fileglob")) {
      for (Object p : results) {
        byte[] content = lookups.file(String.valueOf(p));
        if (content != null) {
          files.put(String.valueOf(p), content);
        }
      }
    }
    return store(results);
  }

  private String store(List<Object> list) {
    String name = "__hf_lookup_" + values.size();
    List<Object> safe = new ArrayList<>(list.size());
    // Unsafe: a file's text is data, never a template (Ansible marks lookup results unsafe too).
    list.forEach(v -> safe.add(v instanceof String s ? new Unsafe(s) : v));
    values.put(name, safe);
    return name;
  }

  private static List<Object> splice(List<Object> positional) {
    List<Object> terms = new ArrayList<>();
    for (Object p : positional) {
      if (p instanceof List<?> l) {
        terms.addAll(l);
      } else {
        terms.add(p);
      }
    }
    return terms;
  }

  private static boolean mentionsJinja(Object value) {
    if (value instanceof String s) {
      return s.contains("{{") || s.contains("{%");
    }
    if (value instanceof Map<?, ?> m) {
      return m.values().stream().anyMatch(LookupFolding::mentionsJinja);
    }
    if (value instanceof List<?> l) {
      return l.stream().anyMatch(LookupFolding::mentionsJinja);
    }
    return false;
  }

  /** Whether position {@code at} is inside {@code {{ }}} or {@code {% %}}. */
  private static boolean inMarkup(String text, int at) {
    int open = Math.max(text.lastIndexOf("{{", at), text.lastIndexOf("{%", at));
    int close = Math.max(text.lastIndexOf("}}", at), text.lastIndexOf("%}", at));
    return open >= 0 && open > close;
  }

  /** The index of the parenthesis closing the one at {@code open}, skipping strings; -1 if none. */
  private static int closing(String text, int open) {
    int depth = 0;
    char quote = 0;
    for (int i = open; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
        if (depth == 0) {
          return c == ')' ? i : -1;
        }
      }
    }
    return -1;
  }
}
