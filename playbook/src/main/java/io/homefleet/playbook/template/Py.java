package io.homefleet.playbook.template;

import com.hubspot.jinjava.objects.SafeString;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Python's view of the values that flow through templates: type names, {@code str()}, equality
 * across Java's number types, ordering, iteration. Filters and tests share it so that they agree
 * with each other and with Ansible.
 */
public final class Py {
  private Py() {}

  /** Strings as Jinjava may hand them over (plain or {@link SafeString}). */
  static boolean isString(Object v) {
    return v instanceof CharSequence || v instanceof SafeString;
  }

  static boolean isInteger(Object v) {
    return v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
        || v instanceof BigInteger
        || (v instanceof BigDecimal d && d.scale() <= 0);
  }

  static boolean isFloat(Object v) {
    return v instanceof Double || v instanceof Float || (v instanceof BigDecimal d && d.scale() > 0);
  }

  static boolean isNumber(Object v) {
    return v instanceof Number;
  }

  static boolean isSequence(Object v) {
    return v instanceof List<?> || (v != null && v.getClass().isArray());
  }

  /** Python's type name, as Ansible's {@code type_debug} shows it. */
  static String typeName(Object v) {
    if (v == null) {
      return "NoneType";
    }
    if (v instanceof Boolean) {
      return "bool";
    }
    if (isInteger(v)) {
      return "int";
    }
    if (isFloat(v)) {
      return "float";
    }
    if (isString(v)) {
      return "str";
    }
    if (v instanceof Map<?, ?>) {
      return "dict";
    }
    if (v instanceof java.util.Set<?>) {
      return "set";
    }
    if (isSequence(v) || v instanceof Collection<?>) {
      return "list";
    }
    return v.getClass().getSimpleName();
  }

  /** Python's {@code str()}: True/False/None, lists and dicts in Python's repr. */
  public static String str(Object v) {
    if (v instanceof Undefined u) {
      throw u.error();
    }
    if (isString(v)) {
      return v.toString();
    }
    return repr(v);
  }

  /** Python's {@code repr()}, close enough for messages and {@code string} of containers. */
  static String repr(Object v) {
    if (v == null) {
      return "None";
    }
    if (v instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (isString(v)) {
      return "'" + v.toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e16) {
        return String.valueOf((long) d) + ".0";
      }
      return String.valueOf(d);
    }
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (v instanceof Map<?, ?> m) {
      return m.entrySet().stream().map(e -> repr(e.getKey()) + ": " + repr(e.getValue()))
          .collect(Collectors.joining(", ", "{", "}"));
    }
    if (isSequence(v) || v instanceof Collection<?>) {
      return list(v).stream().map(Py::repr).collect(Collectors.joining(", ", "[", "]"));
    }
    if (v instanceof Undefined u) {
      throw u.error();
    }
    return v.toString();
  }

  /** Iterates like Python: a string by characters, a mapping by keys, a collection by items. */
  static List<Object> list(Object v) {
    if (v instanceof Undefined u) {
      throw u.error();
    }
    List<Object> out = new ArrayList<>();
    if (v == null) {
      throw new IllegalArgumentException("'NoneType' object is not iterable");
    } else if (isString(v)) {
      v.toString().codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
    } else if (v instanceof Map<?, ?> m) {
      out.addAll(m.keySet());
    } else if (v instanceof Iterable<?> it) {
      it.forEach(out::add);
    } else if (v instanceof Iterator<?> it) {
      it.forEachRemaining(out::add);
    } else if (v.getClass().isArray()) {
      int n = java.lang.reflect.Array.getLength(v);
      for (int i = 0; i < n; i++) {
        out.add(java.lang.reflect.Array.get(v, i));
      }
    } else {
      throw new IllegalArgumentException("'" + typeName(v) + "' object is not iterable");
    }
    return out;
  }

  static boolean isIterable(Object v) {
    return v != null && (isString(v) || v instanceof Map<?, ?> || v instanceof Iterable<?>
        || v instanceof Iterator<?> || v.getClass().isArray());
  }

  /** Python's {@code ==}: 1 == 1.0, numbers of any Java type compared by value, containers deeply. */
  static boolean eq(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y && !(a instanceof Boolean) && !(b instanceof Boolean)) {
      return toBigDecimal(x).compareTo(toBigDecimal(y)) == 0;
    }
    if (isString(a) && isString(b)) {
      return a.toString().equals(b.toString());
    }
    if (a instanceof Map<?, ?> m && b instanceof Map<?, ?> n) {
      if (m.size() != n.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : m.entrySet()) {
        Object k = findKey(n, e.getKey());
        if (k == NO_KEY || !eq(e.getValue(), n.get(k))) {
          return false;
        }
      }
      return true;
    }
    if ((isSequence(a) || a instanceof Collection<?>) && (isSequence(b) || b instanceof Collection<?>)) {
      List<Object> x = list(a);
      List<Object> y = list(b);
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!eq(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    return Objects.equals(a, b);
  }

  private static final Object NO_KEY = new Object();

  private static Object findKey(Map<?, ?> map, Object key) {
    if (map.containsKey(key)) {
      return key;
    }
    for (Object k : map.keySet()) {
      if (eq(k, key)) {
        return k;
      }
    }
    return NO_KEY;
  }

  /** Python's {@code in} on a list. */
  static boolean contains(Collection<?> items, Object item) {
    for (Object o : items) {
      if (eq(o, item)) {
        return true;
      }
    }
    return false;
  }

  static BigDecimal toBigDecimal(Number n) {
    if (n instanceof BigDecimal d) {
      return d;
    }
    if (n instanceof BigInteger i) {
      return new BigDecimal(i);
    }
    if (n instanceof Double || n instanceof Float) {
      return BigDecimal.valueOf(n.doubleValue());
    }
    return BigDecimal.valueOf(n.longValue());
  }

  /** Python's ordering of numbers and of strings; mixing them is an error as in Python 3. */
  static final Comparator<Object> ORDER = (a, b) -> {
    if (a instanceof Number x && b instanceof Number y) {
      return toBigDecimal(x).compareTo(toBigDecimal(y));
    }
    if (isString(a) && isString(b)) {
      return a.toString().compareTo(b.toString());
    }
    if (a instanceof Boolean x && b instanceof Boolean y) {
      return x.compareTo(y);
    }
    if ((isSequence(a)) && isSequence(b)) {
      List<Object> x = list(a);
      List<Object> y = list(b);
      for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
        int c = Py.ORDER.compare(x.get(i), y.get(i));
        if (c != 0) {
          return c;
        }
      }
      return Integer.compare(x.size(), y.size());
    }
    throw new IllegalArgumentException("'<' not supported between instances of '" + typeName(a)
        + "' and '" + typeName(b) + "'");
  };

  /** A whole number as Long (Python has one int type), other numbers as Double. */
  static Number normalize(Number n) {
    if (isInteger(n)) {
      return n instanceof BigInteger b ? b.longValueExact() : n.longValue();
    }
    return n.doubleValue();
  }
}
