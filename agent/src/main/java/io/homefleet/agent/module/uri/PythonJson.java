package io.homefleet.agent.module.uri;

import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps} with its defaults ({@code ", "} and {@code ": "} between items,
 * non-ASCII as {@code \\uXXXX}) and {@code str()} of a scalar, so a body is the bytes Ansible's
 * module sends.
 */
final class PythonJson {
  private PythonJson() {}

  static String dumps(Object v) {
    StringBuilder sb = new StringBuilder();
    write(sb, v);
    return sb.toString();
  }

  /** Python's str() of a scalar as Ansible's to_text gives it (True, None, 1.5). */
  static String text(Object v) {
    if (v instanceof Boolean b) {
      return b ? "True" : "False";
    }
    return v == null ? "None" : String.valueOf(v);
  }

  private static void write(StringBuilder sb, Object v) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof Boolean || v instanceof Number) {
      sb.append(v);
    } else if (v instanceof Map<?, ?> m) {
      sb.append('{');
      String sep = "";
      for (Map.Entry<?, ?> e : m.entrySet()) {
        sb.append(sep);
        string(sb, String.valueOf(e.getKey()));
        sb.append(": ");
        write(sb, e.getValue());
        sep = ", ";
      }
      sb.append('}');
    } else if (v instanceof List<?> l) {
      sb.append('[');
      String sep = "";
      for (Object o : l) {
        sb.append(sep);
        write(sb, o);
        sep = ", ";
      }
      sb.append(']');
    } else {
      string(sb, String.valueOf(v));
    }
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
