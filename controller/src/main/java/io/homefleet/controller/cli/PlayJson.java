package io.homefleet.controller.cli;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON that {@code homefleet play} reads and prints while a run streams: task results in,
 * the lines of ansible-playbook's output out. Small on purpose: Jackson's object mapper is ~450
 * classes and ~0.1 s of CPU to start, paid by every {@code play} for a handful of small
 * documents. Output is what Jackson's mapper printed before: compact, or its default pretty
 * printer ({@code "key" : value}, two-space indents, arrays inline as {@code [ 1, 2 ]}).
 * {@code --json} documents still go through {@link Json}.
 */
final class PlayJson {
  private final String text;
  private int at;

  private PlayJson(String text) {
    this.text = text;
  }

  /**
   * Parses one JSON value: objects as insertion-ordered maps, arrays as lists, integers as
   * Integer, Long or BigInteger (the smallest that holds them), other numbers as Double.
   *
   * @throws IllegalArgumentException when the text is not one JSON value
   */
  static Object parse(String text) {
    PlayJson p = new PlayJson(text);
    Object v = p.value();
    p.space();
    if (p.at != text.length()) {
      throw p.error("end of input");
    }
    return v;
  }

  private Object value() {
    space();
    if (at >= text.length()) {
      throw error("a value");
    }
    char c = text.charAt(at);
    switch (c) {
      case '{' -> {
        at++;
        Map<String, Object> m = new LinkedHashMap<>();
        space();
        if (peek('}')) {
          return m;
        }
        do {
          space();
          if (at >= text.length() || text.charAt(at) != '"') {
            throw error("a string key");
          }
          String k = string();
          space();
          expect(':');
          m.put(k, value());
          space();
        } while (peek(','));
        expect('}');
        return m;
      }
      case '[' -> {
        at++;
        List<Object> l = new ArrayList<>();
        space();
        if (peek(']')) {
          return l;
        }
        do {
          l.add(value());
          space();
        } while (peek(','));
        expect(']');
        return l;
      }
      case '"' -> {
        return string();
      }
      default -> {
        if (text.startsWith("true", at)) {
          at += 4;
          return Boolean.TRUE;
        }
        if (text.startsWith("false", at)) {
          at += 5;
          return Boolean.FALSE;
        }
        if (text.startsWith("null", at)) {
          at += 4;
          return null;
        }
        return number();
      }
    }
  }

  private Object number() {
    int start = at;
    boolean fraction = false;
    while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
      fraction |= ".eE".indexOf(text.charAt(at)) >= 0;
      at++;
    }
    String n = text.substring(start, at);
    try {
      if (fraction) {
        return Double.parseDouble(n);
      }
      BigInteger b = new BigInteger(n);
      return b.bitLength() < 32 ? (Object) b.intValue() : b.bitLength() < 64 ? (Object) b.longValue() : b;
    } catch (NumberFormatException e) {
      at = start;
      throw error("a value");
    }
  }

  private String string() {
    at++; // the opening quote
    StringBuilder sb = new StringBuilder();
    while (at < text.length()) {
      char c = text.charAt(at++);
      if (c == '"') {
        return sb.toString();
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (at >= text.length()) {
        break;
      }
      char e = text.charAt(at++);
      switch (e) {
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          if (at + 4 > text.length()) {
            throw error("four hex digits");
          }
          sb.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
          at += 4;
        }
        default -> sb.append(e);
      }
    }
    throw error("the end of a string");
  }

  private void space() {
    while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
      at++;
    }
  }

  private boolean peek(char c) {
    if (at < text.length() && text.charAt(at) == c) {
      at++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    if (!peek(c)) {
      throw error("'" + c + "'");
    }
  }

  private IllegalArgumentException error(String expected) {
    return new IllegalArgumentException("JSON: expected " + expected + " at offset " + at);
  }

  // ---- writing

  /** One line: {@code {"msg":"x","rc":1}}. */
  static String compact(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, -1);
    return sb.toString();
  }

  /** Jackson's default pretty printer's layout. */
  static String pretty(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 0);
    return sb.toString();
  }

  /** {@code nesting} < 0: compact; else the objects' depth so far. */
  private static void write(StringBuilder sb, Object v, int nesting) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      quote(sb, s);
    } else if (v instanceof Number || v instanceof Boolean) {
      sb.append(v);
    } else if (v instanceof Map<?, ?> m) {
      sb.append('{');
      if (m.isEmpty()) {
        sb.append(nesting < 0 ? "}" : " }");
        return;
      }
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        indent(sb, nesting + 1, nesting);
        quote(sb, String.valueOf(e.getKey()));
        sb.append(nesting < 0 ? ":" : " : ");
        write(sb, e.getValue(), nesting < 0 ? -1 : nesting + 1);
      }
      indent(sb, nesting, nesting);
      sb.append('}');
    } else if (v instanceof Collection<?> c) {
      sb.append('[');
      if (c.isEmpty()) {
        sb.append(nesting < 0 ? "]" : " ]");
        return;
      }
      boolean first = true;
      for (Object o : c) {
        sb.append(first ? "" : ",").append(nesting < 0 ? "" : " ");
        first = false;
        write(sb, o, nesting);
      }
      sb.append(nesting < 0 ? "]" : " ]");
    } else {
      quote(sb, String.valueOf(v));
    }
  }

  private static void indent(StringBuilder sb, int depth, int nesting) {
    if (nesting >= 0) {
      sb.append('\n').append("  ".repeat(depth));
    }
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04X", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
