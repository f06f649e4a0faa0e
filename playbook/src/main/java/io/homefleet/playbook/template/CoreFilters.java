package io.homefleet.playbook.template;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Filters about values and types: default, mandatory, bool, int, float, string, ternary, ... */
final class CoreFilters {
  private CoreFilters() {}

  static List<AnsibleFilter> all() {
    return List.of(
        AnsibleFilter.acceptingUndefined("default", CoreFilters::defaultValue),
        AnsibleFilter.acceptingUndefined("d", CoreFilters::defaultValue),
        AnsibleFilter.acceptingUndefined("mandatory", (v, a) -> {
          if (v instanceof Undefined u) {
            String msg = a.string(0, "msg", null);
            throw new AnsibleFilter.FilterException("mandatory",
                msg != null ? msg : "Mandatory variable '" + u.name() + "' not defined.");
          }
          return v;
        }),
        // Ansible's bool keeps None as None.
        AnsibleFilter.of("bool", (v, a) -> v == null ? null : bool(v)),
        AnsibleFilter.of("int", (v, a) -> toInt(v, a.get(0, "default", 0L), ((Number) a.get(1, "base", 10L)).intValue())),
        AnsibleFilter.of("float", (v, a) -> toFloat(v, a.get(0, "default", 0.0))),
        AnsibleFilter.of("string", (v, a) -> Py.str(v)),
        AnsibleFilter.of("ternary", (v, a) -> {
          if (v == null && a.has(2, "none_val")) {
            return a.get(2, "none_val", null);
          }
          return pyBool(v) ? a.required(0, "true_val") : a.required(1, "false_val");
        }),
        AnsibleFilter.of("type_debug", (v, a) -> Py.typeName(v)),
        AnsibleFilter.of("length", (v, a) -> length(v)),
        AnsibleFilter.of("count", (v, a) -> length(v)),
        AnsibleFilter.of("list", (v, a) -> Py.list(v)),
        AnsibleFilter.of("dict", (v, a) -> dict(v)),
        AnsibleFilter.of("comment", CoreFilters::comment));
  }

  /** Jinja2's default: replaces an undefined value, and with {@code boolean=true} a falsy one. */
  private static Object defaultValue(Object v, Args a) {
    Object fallback = a.get(0, "default_value", "");
    boolean whenFalsy = a.bool(1, "boolean", false);
    if (v instanceof Undefined || (whenFalsy && !pyBool(v))) {
      return fallback;
    }
    return v;
  }

  /** Python's {@code bool()}: None, False, 0, "" and empty containers are false; "no" is true. */
  static boolean pyBool(Object v) {
    if (v instanceof Undefined u) {
      throw u.error();
    }
    if (v == null) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Number n) {
      return Py.toBigDecimal(n).signum() != 0;
    }
    if (Py.isString(v)) {
      return !v.toString().isEmpty();
    }
    if (v instanceof Collection<?> c) {
      return !c.isEmpty();
    }
    if (v instanceof Map<?, ?> m) {
      return !m.isEmpty();
    }
    return true;
  }

  /** Ansible's {@code bool} filter: true only for True, 1 and the strings yes/on/1/true. */
  static boolean bool(Object v) {
    if (v instanceof Boolean b) {
      return b;
    }
    if (v == null) {
      return false;
    }
    if (v instanceof Number n) {
      return Py.eq(n, 1);
    }
    String s = Py.str(v).trim().toLowerCase(Locale.ROOT);
    return s.equals("yes") || s.equals("on") || s.equals("1") || s.equals("true");
  }

  /** Jinja2's {@code int}: int(value), else int(float(value)), else the default. */
  static Object toInt(Object v, Object fallback, int base) {
    if (v instanceof Boolean b) {
      return b ? 1L : 0L;
    }
    if (v instanceof Number n) {
      return Py.isInteger(n) ? Py.normalize(n) : (Object) Py.toBigDecimal(n).toBigInteger().longValue();
    }
    if (v == null) {
      return fallback;
    }
    String s = Py.str(v).trim().replace("_", "");
    try {
      String digits = s;
      boolean negative = digits.startsWith("-");
      if (negative || digits.startsWith("+")) {
        digits = digits.substring(1);
      }
      String lower = digits.toLowerCase(Locale.ROOT);
      if ((base == 16 && lower.startsWith("0x")) || (base == 8 && lower.startsWith("0o"))
          || (base == 2 && lower.startsWith("0b"))) {
        digits = digits.substring(2);
      }
      BigInteger i = new BigInteger(digits, base);
      return (negative ? i.negate() : i).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      // Jinja2 then tries int(float(value)).
    }
    if (base == 10) {
      try {
        return new BigDecimal(s).toBigInteger().longValueExact();
      } catch (NumberFormatException | ArithmeticException e) {
        return fallback;
      }
    }
    return fallback;
  }

  static Object toFloat(Object v, Object fallback) {
    if (v instanceof Boolean b) {
      return b ? 1.0 : 0.0;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v == null) {
      return fallback;
    }
    String s = Py.str(v).trim().toLowerCase(Locale.ROOT);
    switch (s) {
      case "inf", "+inf", "infinity" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-inf", "-infinity" -> {
        return Double.NEGATIVE_INFINITY;
      }
      case "nan" -> {
        return Double.NaN;
      }
      default -> { }
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  static long length(Object v) {
    if (Py.isString(v)) {
      return v.toString().codePointCount(0, v.toString().length());
    }
    if (v instanceof Collection<?> c) {
      return c.size();
    }
    if (v instanceof Map<?, ?> m) {
      return m.size();
    }
    if (v != null && v.getClass().isArray()) {
      return java.lang.reflect.Array.getLength(v);
    }
    throw new IllegalArgumentException("object of type '" + Py.typeName(v) + "' has no len()");
  }

  /** Python's {@code dict()} of a mapping or of a list of pairs. */
  static Map<Object, Object> dict(Object v) {
    Map<Object, Object> out = new LinkedHashMap<>();
    if (v instanceof Map<?, ?> m) {
      out.putAll(m);
      return out;
    }
    for (Object pair : Py.list(v)) {
      List<Object> kv = Py.list(pair);
      if (kv.size() != 2) {
        throw new IllegalArgumentException("dictionary update sequence element has length "
            + kv.size() + "; 2 is required");
      }
      out.put(kv.get(0), kv.get(1));
    }
    return out;
  }

  /** Ansible's {@code comment}: wraps text in the comment decoration of a style, as Ansible composes it. */
  private static Object comment(Object v, Args a) {
    String style = a.string(0, "style", "plain");
    String beginning = "";
    String decoration;
    String end = "";
    switch (style) {
      case "plain" -> decoration = "# ";
      case "erlang" -> decoration = "% ";
      case "c" -> decoration = "// ";
      case "cblock" -> { beginning = "/*"; decoration = " * "; end = " */"; }
      case "xml" -> { beginning = "<!--"; decoration = " - "; end = "-->"; }
      default -> throw new IllegalArgumentException("unknown comment style '" + style
          + "' (plain, erlang, c, cblock, xml)");
    }
    String newline = a.string(-1, "newline", "\n");
    beginning = a.string(-1, "beginning", beginning);
    decoration = a.string(-1, "decoration", decoration);
    end = a.string(-1, "end", end);
    String prefix = a.string(-1, "prefix", decoration.stripTrailing());
    String postfix = a.string(-1, "postfix", decoration.stripTrailing());
    int prefixCount = ((Number) a.get(-1, "prefix_count", 1L)).intValue();
    int postfixCount = ((Number) a.get(-1, "postfix_count", 1L)).intValue();

    StringBuilder out = new StringBuilder();
    if (!beginning.isEmpty()) {
      out.append(beginning).append(newline);
    }
    if (!prefix.isEmpty()) {
      String line = prefix.equals(newline) ? newline : prefix + newline;
      out.append(line.repeat(prefixCount));
    }
    String text = decoration + Py.str(v).replace(newline, newline + decoration);
    out.append(text.replace(decoration + newline, decoration.stripTrailing() + newline));
    for (int i = 0; i < postfixCount; i++) {
      out.append(newline).append(postfix);
    }
    if (!end.isEmpty()) {
      out.append(newline).append(end);
    }
    return out.toString();
  }
}
