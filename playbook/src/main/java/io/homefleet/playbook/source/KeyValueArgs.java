package io.homefleet.playbook.source;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ansible's one-line argument form: {@code copy: src=a dest="b c"} and {@code command: ls -l
 * chdir=/tmp}. Splits on whitespace outside quotes and outside Jinja ({@code {{ a | b }}} stays
 * one token), as Ansible's {@code split_args} does.
 */
public final class KeyValueArgs {
  private KeyValueArgs() {}

  /**
   * {@code a=1 b='two words'} as a map of unquoted strings, in order, as Ansible's {@code parse_kv}
   * reads a module's one-line arguments; text that is not {@code key=value} is refused.
   */
  public static Map<String, String> keyValues(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    try {
      for (Token t : split(text)) {
        if (!t.isKeyValue()) {
          throw new IllegalArgumentException("'" + t.raw() + "' is not key=value");
        }
        out.put(t.key(), t.value());
      }
    } catch (SyntaxException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return out;
  }

  /** One token: its text as written, and for {@code k=v} the key and the unquoted value. */
  public record Token(String raw, String key, String value, int start, int end) {
    public boolean isKeyValue() {
      return key != null;
    }
  }

  /** Thrown for an unbalanced quote or Jinja delimiter. */
  public static final class SyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    SyntaxException(String message) {
      super(message);
    }
  }

  public static List<Token> split(String text) throws SyntaxException {
    List<Token> tokens = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int start = 0;
    char quote = 0;
    int jinja = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
      if (cur.length() == 0) {
        start = i;
      }
      if (quote == 0 && c == '{' && (next == '{' || next == '%' || next == '#')) {
        jinja++;
        cur.append(c).append(next);
        i++;
        continue;
      }
      if (jinja > 0 && (c == '}' || c == '%' || c == '#') && next == '}') {
        jinja--;
        cur.append(c).append(next);
        i++;
        continue;
      }
      if (jinja == 0) {
        if (quote == 0 && (c == '"' || c == '\'')) {
          quote = c;
        } else if (quote != 0 && c == quote && (i == 0 || text.charAt(i - 1) != '\\')) {
          quote = 0;
        } else if (quote == 0 && Character.isWhitespace(c)) {
          if (cur.length() > 0) {
            tokens.add(token(cur.toString(), start, i));
            cur.setLength(0);
          }
          continue;
        }
      }
      cur.append(c);
    }
    if (quote != 0) {
      throw new SyntaxException("unbalanced " + (quote == '"' ? "double" : "single") + " quote");
    }
    if (jinja != 0) {
      throw new SyntaxException("unbalanced Jinja delimiters ({{ }} or {% %})");
    }
    if (cur.length() > 0) {
      tokens.add(token(cur.toString(), start, text.length()));
    }
    return tokens;
  }

  private static Token token(String raw, int start, int end) {
    // As Ansible's parse_kv: the key is whatever precedes the first unescaped '=' past the first
    // character, so a templated key ("{{ k }}=v", set_fact's) is a key too.
    int eq = raw.indexOf('=', 1);
    while (eq > 0 && raw.charAt(eq - 1) == '\\') {
      eq = raw.indexOf('=', eq + 1);
    }
    String key = eq > 0 ? raw.substring(0, eq).strip() : "";
    if (!key.isEmpty() && (key.matches("[A-Za-z_][A-Za-z0-9_]*") || key.contains("{{"))) {
      return new Token(raw, key, unquote(decodeEscapes(raw.substring(eq + 1).strip())), start, end);
    }
    return new Token(raw, null, null, start, end);
  }

  /**
   * Ansible's {@code _decode_escapes}, which parse_kv applies to a {@code k=v} token: Python's
   * escapes ({@code \\n}, {@code \\t}, {@code \\x41}, {@code \\u00e9}, {@code \\\\},
   * quotes) become their characters; any other backslash stays as written.
   */
  static String decodeEscapes(String s) {
    int slash = s.indexOf('\\');
    if (slash < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    out.append(s, 0, slash);
    int i = slash;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 >= s.length()) {
        out.append(c);
        i++;
        continue;
      }
      char e = s.charAt(i + 1);
      int simple = "\\'\"abfnrtv".indexOf(e);
      int hex = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
      if (simple >= 0) {
        out.append("\\'\"\u0007\b\f\n\r\t\u000b".charAt(simple));
        i += 2;
      } else if (hex > 0 && i + 2 + hex <= s.length() && s.substring(i + 2, i + 2 + hex).matches("[0-9A-Fa-f]+")) {
        out.appendCodePoint(Integer.parseInt(s.substring(i + 2, i + 2 + hex), 16));
        i += 2 + hex;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  static String unquote(String s) {
    if (s.length() >= 2 && (s.charAt(0) == '"' || s.charAt(0) == '\'') && s.charAt(s.length() - 1) == s.charAt(0)) {
      return s.substring(1, s.length() - 1).replace("\\" + s.charAt(0), String.valueOf(s.charAt(0)));
    }
    return s;
  }

  /**
   * Splits a free-form module's string: {@code k=v} tokens whose key is in {@code options} become
   * arguments, everything else is the raw parameters under {@code rawParam}, exactly as written
   * (a multi-line shell script keeps its newlines and spacing).
   */
  public static Map<String, Object> freeForm(String text, String rawParam, Set<String> options)
      throws SyntaxException {
    Map<String, Object> args = new LinkedHashMap<>();
    StringBuilder raw = new StringBuilder();
    int copied = 0;
    for (Token t : split(text)) {
      if (t.isKeyValue() && options.contains(t.key())) {
        args.put(t.key(), t.value());
        raw.append(text, copied, t.start());
        copied = t.end();
      }
    }
    raw.append(text.substring(copied));
    String params = raw.toString().strip();
    if (!params.isEmpty()) {
      args.put(rawParam, copied == 0 ? text : params);
    }
    return args;
  }
}
