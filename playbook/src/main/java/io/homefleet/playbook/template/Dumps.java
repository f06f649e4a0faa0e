package io.homefleet.playbook.template;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * JSON and YAML text the way Python's {@code json.dumps} and PyYAML's {@code yaml.dump} write it,
 * so {@code to_json}, {@code to_nice_json}, {@code to_yaml} and {@code to_nice_yaml} produce the
 * same files Ansible does (keys sorted where Ansible sorts them, PyYAML's indentless sequences).
 */
public final class Dumps {
  private Dumps() {}

  // ---- JSON ----

  /** Python's {@code json.dumps(v, indent=indent, sort_keys=sortKeys, separators=(itemSeparator, ": "))}; indent -1: none. */
  public static String json(Object v, int indent, boolean sortKeys, String itemSeparator) {
    StringBuilder out = new StringBuilder();
    json(out, v, indent, sortKeys, itemSeparator, 0);
    return out.toString();
  }

  private static void json(StringBuilder out, Object v, int indent, boolean sort, String sep, int level) {
    if (v instanceof Undefined u) {
      throw u.error();
    }
    if (v == null) {
      out.append("null");
    } else if (v instanceof Boolean b) {
      out.append(b);
    } else if (v instanceof Number n) {
      out.append(jsonNumber(n));
    } else if (Py.isString(v)) {
      jsonString(out, v.toString());
    } else if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        out.append("{}");
        return;
      }
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : entries(m, sort)) {
        if (!first) {
          out.append(sep);
        }
        first = false;
        newline(out, indent, level + 1);
        jsonString(out, jsonKey(e.getKey()));
        out.append(": ");
        json(out, e.getValue(), indent, sort, sep, level + 1);
      }
      newline(out, indent, level);
      out.append('}');
    } else if (Py.isSequence(v) || v instanceof Collection<?>) {
      List<Object> items = Py.list(v);
      if (items.isEmpty()) {
        out.append("[]");
        return;
      }
      out.append('[');
      for (int i = 0; i < items.size(); i++) {
        if (i > 0) {
          out.append(sep);
        }
        newline(out, indent, level + 1);
        json(out, items.get(i), indent, sort, sep, level + 1);
      }
      newline(out, indent, level);
      out.append(']');
    } else {
      jsonString(out, v.toString());
    }
  }

  private static void newline(StringBuilder out, int indent, int level) {
    if (indent >= 0) {
      out.append('\n').append(" ".repeat(indent * level));
    }
  }

  private static String jsonKey(Object key) {
    if (key == null) {
      return "null";
    }
    if (key instanceof Boolean b) {
      return b.toString();
    }
    if (key instanceof Number n) {
      return jsonNumber(n);
    }
    return key.toString();
  }

  private static String jsonNumber(Number n) {
    if (Py.isInteger(n)) {
      return Py.toBigDecimal(n).toBigInteger().toString();
    }
    double d = n.doubleValue();
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    return Py.repr(d);
  }

  private static void jsonString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          // Python's json.dumps escapes everything outside ASCII (ensure_ascii=True).
          if (c < 0x20 || c > 0x7e) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static List<Map.Entry<?, ?>> entries(Map<?, ?> m, boolean sort) {
    List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
    if (sort) {
      entries.sort((a, b) -> {
        Object x = a.getKey();
        Object y = b.getKey();
        if (x instanceof Number && y instanceof Number || Py.isString(x) && Py.isString(y)) {
          return Py.ORDER.compare(x, y);
        }
        return String.valueOf(x).compareTo(String.valueOf(y));
      });
    }
    return entries;
  }

  // ---- YAML ----

  /**
   * PyYAML's dump: keys sorted; {@code nice} is {@code default_flow_style=False} (block style
   * everywhere), otherwise a collection of scalars only is written in flow style as PyYAML's
   * {@code default_flow_style=None} does.
   */
  static String yaml(Object v, int indent, boolean nice) {
    int step = Math.max(2, indent);
    if (isScalar(v)) {
      return yamlScalar(v) + "\n";
    }
    if (inline(v, nice)) {
      return flow(v) + "\n";
    }
    StringBuilder out = new StringBuilder();
    block(out, v, step, nice, 0, false);
    return out.toString();
  }

  private static boolean inline(Object v, boolean nice) {
    return isScalar(v) || isEmptyCollection(v) || (!nice && flowable(v));
  }

  private static boolean isScalar(Object v) {
    return !(v instanceof Map<?, ?>) && !Py.isSequence(v) && !(v instanceof Collection<?>);
  }

  private static boolean isEmptyCollection(Object v) {
    return (v instanceof Map<?, ?> m && m.isEmpty()) || (v instanceof Collection<?> c && c.isEmpty());
  }

  private static boolean flowable(Object v) {
    if (v instanceof Map<?, ?> m) {
      return m.entrySet().stream().allMatch(e -> isScalar(e.getKey()) && isScalar(e.getValue()));
    }
    return Py.list(v).stream().allMatch(Dumps::isScalar);
  }

  private static String flow(Object v) {
    if (isScalar(v)) {
      return yamlScalar(v);
    }
    if (v instanceof Map<?, ?> m) {
      List<String> parts = new ArrayList<>();
      for (Map.Entry<?, ?> e : entries(m, true)) {
        parts.add(yamlScalar(e.getKey()) + ": " + flow(e.getValue()));
      }
      return "{" + String.join(", ", parts) + "}";
    }
    List<String> parts = new ArrayList<>();
    for (Object o : Py.list(v)) {
      parts.add(flow(o));
    }
    return "[" + String.join(", ", parts) + "]";
  }

  /**
   * Writes a collection in block style at column {@code col}; {@code onDashLine} when the cursor
   * already stands after a sequence dash, where the first entry continues the line.
   */
  private static void block(StringBuilder out, Object v, int indent, boolean nice, int col, boolean onDashLine) {
    String pad = " ".repeat(col);
    boolean first = true;
    if (v instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : entries(m, true)) {
        if (!(first && onDashLine)) {
          out.append(pad);
        }
        first = false;
        out.append(yamlScalar(e.getKey())).append(':');
        Object value = e.getValue();
        if (inline(value, nice)) {
          out.append(' ').append(flow(value)).append('\n');
        } else if (value instanceof Map<?, ?>) {
          out.append('\n');
          block(out, value, indent, nice, col + indent, false);
        } else {
          // PyYAML writes a sequence inside a mapping without indenting it.
          out.append('\n');
          block(out, value, indent, nice, col, false);
        }
      }
      return;
    }
    for (Object o : Py.list(v)) {
      if (!(first && onDashLine)) {
        out.append(pad);
      }
      first = false;
      if (inline(o, nice)) {
        out.append("- ").append(flow(o)).append('\n');
      } else {
        // A collection in a sequence starts on the dash's line, at the next indentation step.
        out.append('-').append(" ".repeat(indent - 1));
        block(out, o, indent, nice, col + indent, true);
      }
    }
  }

  private static final Pattern PLAIN_SAFE = Pattern.compile("[A-Za-z0-9_./\\-+=()$^<>@~%;][^\\n]*");
  private static final Pattern RESOLVES = Pattern.compile(
      "(?i)(yes|no|true|false|on|off|null|~)"
          + "|[-+]?(0|[1-9][0-9_]*)|[-+]?0[0-7_]+|[-+]?0x[0-9a-fA-F_]+|[-+]?0b[01_]+"
          + "|[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*([eE][-+]?[0-9]+)"
          + "|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?"
          + "|\\d{4}-\\d\\d?-\\d\\d?([Tt ].*)?|=|<<");

  static String yamlScalar(Object v) {
    if (v instanceof Undefined u) {
      throw u.error();
    }
    if (v == null) {
      return "null";
    }
    if (v instanceof Boolean b) {
      return b.toString();
    }
    if (v instanceof Number n) {
      if (Py.isInteger(n)) {
        return Py.toBigDecimal(n).toBigInteger().toString();
      }
      double d = n.doubleValue();
      if (Double.isNaN(d)) {
        return ".nan";
      }
      if (Double.isInfinite(d)) {
        return d > 0 ? ".inf" : "-.inf";
      }
      return Py.repr(d);
    }
    String s = v.toString();
    if (s.isEmpty()) {
      return "''";
    }
    boolean printable = s.chars().allMatch(c -> c >= 0x20 && c != 0x7f || c == '\t');
    if (!printable || s.contains("\n")) {
      return doubleQuoted(s);
    }
    boolean plain = PLAIN_SAFE.matcher(s).matches()
        && !RESOLVES.matcher(s).matches()
        && !s.contains(": ") && !s.contains(" #") && !s.endsWith(":")
        && !Character.isWhitespace(s.charAt(s.length() - 1))
        && !(s.startsWith("-") && (s.length() == 1 || s.charAt(1) == ' '));
    return plain ? s : "'" + s.replace("'", "''") + "'";
  }

  private static String doubleQuoted(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\x%02X", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
