package io.homefleet.playbook.template;

import com.hubspot.jinjava.el.ext.NamedParameter;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code lookup(name, ...)}, {@code query}/{@code q} (which return lists): {@code env} and
 * {@code file}, which run where the template renders, and the pure data lookups of
 * {@link DataLookups}.
 */
public final class Lookups {
  private Lookups() {}

  /** {@code lookup(name, terms...)}: string results joined with commas, other results as a list (wantlist=False). */
  public static Object lookup(String name, Object... terms) {
    Options o = Options.of(terms);
    List<Object> results = run(name, o);
    if (o.keywords.containsKey("wantlist") && Templar.truthy(o.keywords.get("wantlist"))) {
      return results;
    }
    // Ansible's ",".join(results), which fails on anything but strings and then returns the list.
    List<String> parts = new ArrayList<>();
    for (Object r : results) {
      if (!(r instanceof String str)) {
        return results;
      }
      parts.add(str);
    }
    return String.join(",", parts);
  }

  /** {@code query(name, terms...)}: always a list. */
  public static Object query(String name, Object... terms) {
    return run(name, Options.of(terms));
  }

  private static List<Object> run(String name, Options o) {
    String plugin = name.startsWith("ansible.builtin.") ? name.substring("ansible.builtin.".length()) : name;
    if (DataLookups.NAMES.contains(plugin)) {
      // These take their lists as given: query('together', a, b) has two terms, not a's and b's items.
      return DataLookups.run(plugin, o.positional);
    }
    List<Object> out = new ArrayList<>();
    switch (plugin) {
      case "env" -> {
        for (Object term : o.terms) {
          String value = System.getenv(Py.str(term));
          out.add(value != null ? value : o.keywords.getOrDefault("default", ""));
        }
      }
      case "file" -> {
        boolean rstrip = !o.keywords.containsKey("rstrip") || Templar.truthy(o.keywords.get("rstrip"));
        boolean lstrip = o.keywords.containsKey("lstrip") && Templar.truthy(o.keywords.get("lstrip"));
        for (Object term : o.terms) {
          Path path = locate(Py.str(term));
          try {
            String text = Files.readString(path, StandardCharsets.UTF_8);
            if (rstrip) {
              text = text.stripTrailing();
            }
            if (lstrip) {
              text = text.stripLeading();
            }
            out.add(text);
          } catch (IOException e) {
            throw new LookupException("lookup('file'): could not read '" + term + "' (looked at "
                + path + "): " + e, e);
          }
        }
      }
      default -> throw new LookupException("lookup plugin '" + name + "' is not supported (supported: env, file, "
          + DataLookups.LISTED + ")", null);
    }
    return out;
  }

  /** Ansible's search path for files, cut down: role files/, playbook files/, the playbook directory. */
  private static Path locate(String name) {
    Path p = Path.of(name);
    if (p.isAbsolute()) {
      return p;
    }
    JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
    List<Path> candidates = new ArrayList<>();
    if (interpreter != null) {
      for (String base : List.of("role_path", "playbook_dir")) {
        Object dir = interpreter.getContext().get(base);
        if (dir != null && !(dir instanceof Undefined)) {
          candidates.add(Path.of(dir.toString(), "files", name));
          candidates.add(Path.of(dir.toString(), name));
        }
      }
    }
    for (Path c : candidates) {
      if (Files.exists(c)) {
        return c;
      }
    }
    return candidates.isEmpty() ? p.toAbsolutePath() : candidates.get(candidates.size() - 1);
  }

  /**
   * @param terms the positional arguments, lists spliced in (env, file)
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
