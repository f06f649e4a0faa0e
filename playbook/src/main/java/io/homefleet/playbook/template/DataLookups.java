package io.homefleet.playbook.template;

import io.homefleet.playbook.source.KeyValueArgs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ansible's lookups that are functions of their terms alone ({@code items}, {@code list},
 * {@code dict}, {@code indexed_items}, {@code sequence}, {@code together}, {@code nested},
 * {@code subelements}, {@code flattened}), as ansible-core 2.14's plugins compute them. Being
 * pure, they give the same answer wherever they run, so the host evaluates them: in
 * {@code lookup()}/{@code query()} and in the {@code with_<lookup>} loops.
 */
public final class DataLookups {
  /** The lookups this class answers. */
  public static final Set<String> NAMES = Set.of("items", "list", "dict", "indexed_items", "sequence", "together",
      "nested", "subelements", "flattened");
  /** {@link #NAMES} in order, for messages. */
  public static final String LISTED = String.join(", ", new java.util.TreeSet<>(NAMES));
  private static final String NUM = "(0?x?[0-9a-f]+)";
  private static final Pattern SHORTCUT = Pattern.compile("^(" + NUM + "-)?" + NUM + "(/" + NUM + ")?(:(.+))?$",
      Pattern.CASE_INSENSITIVE);

  private DataLookups() {}

  /**
   * The lookup's results for {@code terms}, the positional arguments as given (a list passed as
   * one argument stays one term, as in Ansible's {@code query('together', a, b)}).
   */
  public static List<Object> run(String name, List<Object> terms) {
    return switch (name) {
      case "items" -> flatten(terms);
      case "list" -> new ArrayList<>(terms);
      case "dict" -> dict(terms);
      case "indexed_items" -> {
        List<Object> items = flatten(terms);
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
          out.add(Arrays.asList(i, items.get(i)));
        }
        yield out;
      }
      case "sequence" -> {
        List<Object> out = new ArrayList<>();
        for (Object t : terms) {
          out.addAll(sequence(Py.str(t)));
        }
        yield out;
      }
      case "together" -> together(terms);
      case "nested" -> nested(terms);
      case "subelements" -> subelements(terms);
      case "flattened" -> {
        List<Object> out = new ArrayList<>();
        deepFlatten(terms, out);
        yield out;
      }
      default -> throw new IllegalArgumentException("not a data lookup: " + name);
    };
  }

  /** LookupBase._flatten: lists among the terms are spliced in, one level. */
  private static List<Object> flatten(List<?> terms) {
    List<Object> out = new ArrayList<>();
    for (Object t : terms) {
      if (t instanceof List<?> l) {
        out.addAll(l);
      } else {
        out.add(t);
      }
    }
    return out;
  }

  private static List<Object> dict(List<Object> terms) {
    List<Object> out = new ArrayList<>();
    for (Object t : terms) {
      if (!(t instanceof Map<?, ?> m)) {
        throw error("with_dict expects a dict");
      }
      m.forEach((k, v) -> {
        Map<String, Object> kv = new LinkedHashMap<>();
        kv.put("key", k);
        kv.put("value", v);
        out.add(kv);
      });
    }
    return out;
  }

  private static List<Object> together(List<Object> terms) {
    if (terms.isEmpty()) {
      throw error("with_together requires at least one element in each list");
    }
    int longest = 0;
    for (Object t : terms) {
      longest = Math.max(longest, listOf(t).size());
    }
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < longest; i++) {
      List<Object> row = new ArrayList<>();
      for (Object t : terms) {
        List<?> l = listOf(t);
        row.add(i < l.size() ? l.get(i) : null);
      }
      out.add(flatten(row));
    }
    return out;
  }

  private static List<Object> nested(List<Object> terms) {
    if (terms.isEmpty()) {
      throw error("with_nested requires at least one element in the nested list");
    }
    List<Object> result = new ArrayList<>(listOf(terms.get(0)));
    for (Object t : terms.subList(1, terms.size())) {
      List<Object> combined = new ArrayList<>();
      for (Object x : result) {
        for (Object y : listOf(t)) {
          combined.add(flatten(Arrays.asList(x, y)));
        }
      }
      result = combined;
    }
    List<Object> out = new ArrayList<>();
    for (Object x : result) {
      out.add(x instanceof List<?> l ? flatten(l) : Arrays.asList(x));
    }
    return out;
  }

  private static List<Object> subelements(List<Object> terms) {
    if (terms.size() < 2 || terms.size() > 3) {
      throw error("subelements lookup expects a list of two or three items");
    }
    if (!(terms.get(1) instanceof String path)) {
      throw error("subelements lookup expects a list of two or three items, first a dict or a list, second a string "
          + "pointing to the subkey");
    }
    List<Object> elements = new ArrayList<>();
    if (terms.get(0) instanceof Map<?, ?> m) {
      if (!Boolean.FALSE.equals(m.containsKey("skipped") ? m.get("skipped") : Boolean.FALSE)) {
        return List.of();
      }
      elements.addAll(m.values());
    } else if (terms.get(0) instanceof List<?> l) {
      elements.addAll(l);
    } else {
      throw error("subelements lookup expects a list of two or three items, first a dict or a list, second a string "
          + "pointing to the subkey");
    }
    boolean skipMissing = terms.size() == 3 && terms.get(2) instanceof Map<?, ?> flags
        && Templar.truthy(flags.get("skip_missing"));
    String[] keys = path.split("\\.");
    List<Object> out = new ArrayList<>();
    for (Object item : elements) {
      if (!(item instanceof Map<?, ?> value)) {
        throw error("subelements lookup expects a dictionary, got '" + Py.repr(item) + "'");
      }
      if (value.containsKey("skipped") && !Boolean.FALSE.equals(value.get("skipped"))) {
        continue;
      }
      Map<?, ?> at = value;
      List<?> sub = List.of();
      for (int i = 0; i < keys.length; i++) {
        if (!at.containsKey(keys[i])) {
          if (skipMissing) {
            break;
          }
          throw error("could not find '" + keys[i] + "' key in iterated item '" + Py.repr(at) + "'");
        }
        Object next = at.get(keys[i]);
        if (i < keys.length - 1) {
          if (!(next instanceof Map<?, ?> nm)) {
            if (skipMissing) {
              break;
            }
            throw error("the key " + keys[i] + " should point to a dictionary, got '" + Py.repr(next) + "'");
          }
          at = nm;
        } else if (next instanceof List<?> l) {
          sub = l;
        } else {
          throw error("the key " + keys[i] + " should point to a list, got '" + Py.repr(next) + "'");
        }
      }
      // Ansible pops the subkey off the item it returns (from the innermost mapping of the path).
      Map<Object, Object> returned = withoutPath(value, keys, 0);
      for (Object s : sub) {
        out.add(Arrays.asList(returned, s));
      }
    }
    return out;
  }

  /** A copy of {@code m} with the mapping at {@code keys} (all but the last) copied and the last key removed. */
  private static Map<Object, Object> withoutPath(Map<?, ?> m, String[] keys, int i) {
    Map<Object, Object> copy = new LinkedHashMap<>(m);
    if (i == keys.length - 1) {
      copy.remove(keys[i]);
    } else if (copy.get(keys[i]) instanceof Map<?, ?> inner) {
      copy.put(keys[i], withoutPath(inner, keys, i + 1));
    }
    return copy;
  }

  private static void deepFlatten(Object v, List<Object> out) {
    if (v instanceof List<?> l) {
      for (Object o : l) {
        deepFlatten(o, out);
      }
    } else if (v != null && !"None".equals(v)) {
      out.add(v);
    }
  }

  /** One term of {@code with_sequence}: the shortcut {@code [start-]end[/stride][:format]} or key=value. */
  static List<String> sequence(String term) {
    long start = 1;
    Long end = null;
    Long count = null;
    long stride = 1;
    String format = "%d";
    Matcher m = SHORTCUT.matcher(term.strip());
    if (m.matches()) {
      if (m.group(2) != null) {
        start = number("start", m.group(2));
      }
      end = number("end", m.group(3));
      if (m.group(5) != null) {
        stride = number("stride", m.group(5));
      }
      if (m.group(7) != null) {
        format = m.group(7);
      }
    } else {
      Map<String, String> kv = new LinkedHashMap<>(KeyValueArgs.keyValues(term));
      for (String k : List.of("start", "end", "count", "stride")) {
        String raw = kv.remove(k);
        if (raw == null) {
          continue;
        }
        long n = number(k, raw);
        switch (k) {
          case "start" -> start = n;
          case "end" -> end = n;
          case "count" -> count = n;
          default -> stride = n;
        }
      }
      if (kv.containsKey("format")) {
        format = kv.remove("format");
      }
      if (!kv.isEmpty()) {
        throw error("unrecognized arguments to with_sequence: " + Py.repr(new ArrayList<>(kv.keySet())));
      }
    }
    if (count == null && end == null) {
      throw error("must specify count or end in with_sequence");
    }
    if (count != null && end != null) {
      throw error("can't specify both count and end in with_sequence");
    }
    if (count != null) {
      if (count != 0) {
        end = start + count * stride - 1;
      } else {
        start = 0;
        end = 0L;
        stride = 0;
      }
    }
    if (stride > 0 && end < start) {
      throw error("to count backwards make stride negative");
    }
    if (stride < 0 && end > start) {
      throw error("to count forward don't make stride negative");
    }
    if (format.chars().filter(c -> c == '%').count() != 1) {
      throw error("bad formatting string: " + format);
    }
    List<String> out = new ArrayList<>();
    if (stride == 0) {
      return out;
    }
    String javaFormat = format.replaceAll("%([-0 +#]*\\d*)[iu]", "%$1d");
    for (long i = start; stride > 0 ? i <= end : i >= end; i += stride) {
      try {
        out.add(String.format(Locale.ROOT, javaFormat, i));
      } catch (java.util.IllegalFormatException e) {
        throw error("problem formatting " + i + " with '" + format + "'");
      }
    }
    return out;
  }

  /** Python's {@code int(raw, 0)}: decimal, 0x hex, 0o or leading-0 octal. */
  private static long number(String what, String raw) {
    String s = raw.strip().toLowerCase(Locale.ROOT);
    try {
      if (s.startsWith("0x")) {
        return Long.parseLong(s.substring(2), 16);
      }
      if (s.startsWith("0o")) {
        return Long.parseLong(s.substring(2), 8);
      }
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw error("can't parse " + what + "=" + raw + " as integer");
    }
  }

  private static List<?> listOf(Object term) {
    if (term instanceof List<?> l) {
      return l;
    }
    return List.of(term);
  }

  private static Lookups.LookupException error(String message) {
    return new Lookups.LookupException(message, null);
  }
}
