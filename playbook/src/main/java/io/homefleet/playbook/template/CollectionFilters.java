package io.homefleet.playbook.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Filters on lists and dicts: combine, dict2items, zip, flatten, set theory, sort, map, select... */
public final class CollectionFilters {
  private CollectionFilters() {}

  static List<AnsibleFilter> all() {
    return List.of(
        AnsibleFilter.of("combine", CollectionFilters::combine),
        AnsibleFilter.of("dict2items", (v, a) -> {
          if (!(v instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("dict2items requires a dictionary, got " + Py.typeName(v));
          }
          String k = a.string(0, "key_name", "key");
          String val = a.string(1, "value_name", "value");
          List<Object> out = new ArrayList<>();
          m.forEach((key, value) -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put(k, key);
            item.put(val, value);
            out.add(item);
          });
          return out;
        }),
        AnsibleFilter.of("items2dict", (v, a) -> {
          String k = a.string(0, "key_name", "key");
          String val = a.string(1, "value_name", "value");
          Map<Object, Object> out = new LinkedHashMap<>();
          for (Object item : Py.list(v)) {
            if (!(item instanceof Map<?, ?> m) || !m.containsKey(k) || !m.containsKey(val)) {
              throw new IllegalArgumentException("items2dict requires a list of dictionaries with '"
                  + k + "' and '" + val + "' keys, got " + Py.repr(item));
            }
            out.put(m.get(k), m.get(val));
          }
          return out;
        }),
        AnsibleFilter.of("zip", (v, a) -> zip(v, a, false)),
        AnsibleFilter.of("zip_longest", (v, a) -> zip(v, a, true)),
        AnsibleFilter.of("flatten", (v, a) -> {
          Object levels = a.get(0, "levels", null);
          List<Object> out = new ArrayList<>();
          flatten(Py.list(v), levels == null ? -1 : ((Number) levels).intValue(), a.bool(1, "skip_nulls", true), out);
          return out;
        }),
        AnsibleFilter.of("unique", (v, a) -> unique(Py.list(v))),
        AnsibleFilter.of("union", (v, a) -> {
          List<Object> all = new ArrayList<>(Py.list(v));
          all.addAll(Py.list(a.required(0, "b")));
          return unique(all);
        }),
        AnsibleFilter.of("intersect", (v, a) -> {
          List<Object> other = Py.list(a.required(0, "b"));
          return unique(Py.list(v).stream().filter(o -> Py.contains(other, o)).toList());
        }),
        AnsibleFilter.of("difference", (v, a) -> {
          List<Object> other = Py.list(a.required(0, "b"));
          return unique(Py.list(v).stream().filter(o -> !Py.contains(other, o)).toList());
        }),
        AnsibleFilter.of("symmetric_difference", (v, a) -> {
          List<Object> mine = Py.list(v);
          List<Object> other = Py.list(a.required(0, "b"));
          List<Object> out = new ArrayList<>(mine.stream().filter(o -> !Py.contains(other, o)).toList());
          out.addAll(other.stream().filter(o -> !Py.contains(mine, o)).toList());
          return unique(out);
        }),
        AnsibleFilter.of("sort", (v, a) -> {
          List<Object> out = new ArrayList<>(Py.list(v));
          out.sort(order(a.bool(1, "case_sensitive", false), a.string(2, "attribute", null)));
          if (a.bool(0, "reverse", false)) {
            java.util.Collections.reverse(out);
          }
          return out;
        }),
        AnsibleFilter.of("first", (v, a) -> {
          List<Object> l = Py.list(v);
          return l.isEmpty() ? new Undefined("first item of an empty sequence") : l.get(0);
        }),
        AnsibleFilter.of("last", (v, a) -> {
          List<Object> l = Py.list(v);
          return l.isEmpty() ? new Undefined("last item of an empty sequence") : l.get(l.size() - 1);
        }),
        AnsibleFilter.of("min", (v, a) -> extreme(v, a, false)),
        AnsibleFilter.of("max", (v, a) -> extreme(v, a, true)),
        AnsibleFilter.of("sum", (v, a) -> {
          String attribute = a.string(-1, "attribute", null);
          Object total = a.get(-1, "start", 0L);
          for (Object o : Py.list(v)) {
            total = add(total, attribute == null ? o : attribute(o, attribute));
          }
          return total;
        }),
        AnsibleFilter.of("map", CollectionFilters::map),
        AnsibleFilter.of("extract", (v, a) -> {
          Object found = index(a.required(0, "container"), v);
          Object more = a.get(1, "morekeys", null);
          if (more != null) {
            for (Object key : more instanceof List<?> l ? l : List.of(more)) {
              found = index(found, key);
            }
          }
          return found;
        }),
        AnsibleFilter.of("select", (v, a) -> select(v, a, false, false)),
        AnsibleFilter.of("reject", (v, a) -> select(v, a, true, false)),
        AnsibleFilter.of("selectattr", (v, a) -> select(v, a, false, true)),
        AnsibleFilter.of("rejectattr", (v, a) -> select(v, a, true, true)));
  }

  /** A value's attribute or key, dotted paths and list indexes allowed ({@code a.b.0}). */
  static Object attribute(Object value, String path) {
    Object current = value;
    for (String part : path.split("\\.")) {
      if (current instanceof Map<?, ?> m) {
        current = m.containsKey(part) ? m.get(part) : new Undefined(part);
      } else if (current instanceof List<?> l && part.matches("-?\\d+")) {
        int i = Integer.parseInt(part);
        current = i >= 0 && i < l.size() ? l.get(i) : new Undefined(path);
      } else {
        return new Undefined(path);
      }
    }
    return current;
  }

  /** Python's {@code container[key]} for a dict or a list. */
  private static Object index(Object container, Object key) {
    if (container instanceof Map<?, ?> m) {
      if (m.containsKey(key)) {
        return m.get(key);
      }
      for (Object k : m.keySet()) {
        if (Py.eq(k, key)) {
          return m.get(k);
        }
      }
      return new Undefined(String.valueOf(key));
    }
    if (container instanceof List<?> l && key instanceof Number n) {
      int i = n.intValue() < 0 ? l.size() + n.intValue() : n.intValue();
      return i >= 0 && i < l.size() ? l.get(i) : new Undefined("index " + n);
    }
    throw new IllegalArgumentException("cannot look up " + Py.repr(key) + " in " + Py.typeName(container));
  }

  private static Object combine(Object v, Args a) {
    List<Object> dicts = new ArrayList<>();
    // Ansible accepts a list of dicts as input and lists of dicts as arguments.
    for (Object o : v instanceof List<?> l ? l : List.of(v)) {
      dicts.add(o);
    }
    for (Object o : a.positional()) {
      if (o instanceof List<?> l) {
        dicts.addAll(l);
      } else {
        dicts.add(o);
      }
    }
    boolean recursive = a.bool(-1, "recursive", false);
    String listMerge = a.string(-1, "list_merge", "replace");
    if (!List.of("replace", "keep", "append", "prepend", "append_rp", "prepend_rp").contains(listMerge)) {
      throw new IllegalArgumentException("list_merge must be one of replace, keep, append, prepend, "
          + "append_rp, prepend_rp, not '" + listMerge + "'");
    }
    Map<Object, Object> out = new LinkedHashMap<>();
    for (Object d : dicts) {
      if (!(d instanceof Map<?, ?> m)) {
        throw new IllegalArgumentException("combine expects dictionaries, got " + Py.typeName(d));
      }
      merge(out, m, recursive, listMerge);
    }
    return out;
  }

  /** Ansible's merge_hash ({@code combine(recursive=True)}): {@code now}'s keys over {@code old}'s, dicts merged key by key. */
  public static Map<Object, Object> mergeHash(Map<?, ?> old, Map<?, ?> now) {
    Map<Object, Object> out = new LinkedHashMap<>(old);
    merge(out, now, true, "replace");
    return out;
  }

  @SuppressWarnings("unchecked")
  static void merge(Map<Object, Object> into, Map<?, ?> from, boolean recursive, String listMerge) {
    for (Map.Entry<?, ?> e : from.entrySet()) {
      Object old = into.get(e.getKey());
      Object now = e.getValue();
      if (recursive && old instanceof Map<?, ?> om && now instanceof Map<?, ?> nm) {
        Map<Object, Object> copy = new LinkedHashMap<>((Map<Object, Object>) om);
        merge(copy, nm, true, listMerge);
        into.put(e.getKey(), copy);
      } else if (old instanceof List<?> ol && now instanceof List<?> nl && into.containsKey(e.getKey())) {
        into.put(e.getKey(), mergeLists(ol, nl, listMerge));
      } else {
        into.put(e.getKey(), now);
      }
    }
  }

  private static Object mergeLists(List<?> old, List<?> now, String how) {
    List<Object> out = new ArrayList<>();
    switch (how) {
      case "keep" -> out.addAll(old);
      case "append" -> { out.addAll(old); out.addAll(now); }
      case "prepend" -> { out.addAll(now); out.addAll(old); }
      case "append_rp" -> { old.stream().filter(o -> !Py.contains(now, o)).forEach(out::add); out.addAll(now); }
      case "prepend_rp" -> { out.addAll(now); old.stream().filter(o -> !Py.contains(now, o)).forEach(out::add); }
      default -> out.addAll(now);
    }
    return out;
  }

  private static Object zip(Object v, Args a, boolean longest) {
    List<List<Object>> lists = new ArrayList<>();
    lists.add(Py.list(v));
    for (Object o : a.positional()) {
      lists.add(Py.list(o));
    }
    int n = lists.stream().mapToInt(List::size).reduce(longest ? 0 : Integer.MAX_VALUE,
        longest ? Math::max : Math::min);
    Object fill = a.get(-1, "fillvalue", null);
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<Object> row = new ArrayList<>();
      for (List<Object> l : lists) {
        row.add(i < l.size() ? l.get(i) : fill);
      }
      out.add(row);
    }
    return out;
  }

  private static void flatten(List<Object> items, int levels, boolean skipNulls, List<Object> out) {
    for (Object o : items) {
      if (skipNulls && (o == null || "None".equals(o))) {
        continue;
      }
      if (o instanceof List<?> l && levels != 0) {
        flatten(new ArrayList<>(l), levels - 1, skipNulls, out);
      } else {
        out.add(o);
      }
    }
  }

  static List<Object> unique(List<?> items) {
    List<Object> out = new ArrayList<>();
    for (Object o : items) {
      if (!Py.contains(out, o)) {
        out.add(o);
      }
    }
    return out;
  }

  /** Jinja2's sort key: strings case-insensitive unless asked, an attribute (or several, comma separated). */
  private static Comparator<Object> order(boolean caseSensitive, String attribute) {
    List<String> attributes = attribute == null ? List.of() : Arrays.asList(attribute.split(","));
    return (x, y) -> {
      if (attributes.isEmpty()) {
        return Py.ORDER.compare(key(x, caseSensitive), key(y, caseSensitive));
      }
      for (String attr : attributes) {
        int c = Py.ORDER.compare(key(strict(attribute(x, attr.trim())), caseSensitive),
            key(strict(attribute(y, attr.trim())), caseSensitive));
        if (c != 0) {
          return c;
        }
      }
      return 0;
    };
  }

  private static Object strict(Object v) {
    if (v instanceof Undefined u) {
      throw u.error();
    }
    return v;
  }

  private static Object key(Object v, boolean caseSensitive) {
    return !caseSensitive && Py.isString(v) ? v.toString().toLowerCase(Locale.ROOT) : v;
  }

  private static Object extreme(Object v, Args a, boolean max) {
    List<Object> items = Py.list(v);
    if (items.isEmpty()) {
      return new Undefined((max ? "max" : "min") + " of an empty sequence");
    }
    Comparator<Object> order = order(a.bool(-1, "case_sensitive", false), a.string(-1, "attribute", null));
    Object best = items.get(0);
    for (Object o : items) {
      int c = order.compare(o, best);
      if (max ? c > 0 : c < 0) {
        best = o;
      }
    }
    return best;
  }

  private static Object add(Object total, Object item) {
    if (total instanceof Number x && item instanceof Number y) {
      if (Py.isInteger(x) && Py.isInteger(y)) {
        return Py.toBigDecimal(x).add(Py.toBigDecimal(y)).longValueExact();
      }
      return x.doubleValue() + y.doubleValue();
    }
    if (total instanceof List<?> x && item instanceof List<?> y) {
      List<Object> out = new ArrayList<>(x);
      out.addAll(y);
      return out;
    }
    throw new IllegalArgumentException("unsupported operand type(s) for +: '" + Py.typeName(total)
        + "' and '" + Py.typeName(item) + "'");
  }

  private static Object map(Object v, Args a) {
    List<Object> out = new ArrayList<>();
    if (a.keywords().containsKey("attribute")) {
      String attribute = Py.str(a.keywords().get("attribute"));
      boolean hasDefault = a.keywords().containsKey("default");
      for (Object o : Py.list(v)) {
        Object value = attribute(o, attribute);
        out.add(value instanceof Undefined && hasDefault ? a.keywords().get("default") : value);
      }
      return out;
    }
    Object[] positional = a.positional();
    if (positional.length == 0) {
      throw new IllegalArgumentException("map needs a filter name or attribute=");
    }
    String filterName = Py.str(positional[0]);
    JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
    Filter filter = interpreter.getContext().getFilter(filterName);
    if (filter == null) {
      throw new IllegalArgumentException("no filter named '" + filterName + "'");
    }
    Object[] rest = Arrays.copyOfRange(positional, 1, positional.length);
    for (Object o : Py.list(v)) {
      out.add(filter.filter(o, interpreter, rest, a.keywords()));
    }
    return out;
  }

  private static Object select(Object v, Args a, boolean reject, boolean byAttribute) {
    Object[] positional = a.positional();
    int next = 0;
    String attribute = null;
    if (byAttribute) {
      if (positional.length == 0) {
        throw new IllegalArgumentException("missing the attribute name");
      }
      attribute = Py.str(positional[next++]);
    }
    JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
    ExpTest test = null;
    if (next < positional.length) {
      String testName = Py.str(positional[next++]);
      test = interpreter.getContext().getExpTest(testName);
      if (test == null) {
        throw new IllegalArgumentException("no test named '" + testName + "'");
      }
    }
    Object[] rest = Arrays.copyOfRange(positional, next, positional.length);
    List<Object> out = new ArrayList<>();
    for (Object o : Py.list(v)) {
      Object subject = byAttribute ? attribute(o, attribute) : o;
      boolean matched;
      if (test == null) {
        matched = !(subject instanceof Undefined) && CoreFilters.pyBool(subject);
      } else {
        matched = test.evaluate(subject, interpreter, rest);
      }
      if (matched != reject) {
        out.add(o);
      }
    }
    return out;
  }
}
