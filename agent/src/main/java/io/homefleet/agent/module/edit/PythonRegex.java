package io.homefleet.agent.module.edit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A Python {@code re} pattern run on {@code java.util.regex}, for the modules whose arguments are
 * Python regular expressions ({@code replace}, {@code lineinfile}, {@code find}). The pattern is
 * translated where the two dialects differ: {@code (?P<name>…)}, {@code (?P=name)} and
 * {@code (?#…)}; {@code \Z} (Java's {@code \z}); {@code \0}; a {@code {} that is no quantifier (a
 * literal in Python, an error in Java) and {@code {,n}}; {@code [} and {@code &&} inside a class
 * (literals in Python); multi-line {@code ^}, which Python also matches after a final newline;
 * lines end at {@code \n} only and {@code \w}, {@code \d}, {@code \s}, {@code \b} are Unicode,
 * as for Python's {@code str} patterns. Replacement templates follow Python's
 * {@code re.sub}: {@code \1}, {@code \g<1>}, {@code \g<name>}, the escapes {@code \n \t \r \f \v
 * \a \b \\}, octal {@code \0}, {@code \141}; an unknown letter escape or group is an error.
 */
public final class PythonRegex {
  private final Pattern pattern;
  private final Set<String> names;

  private PythonRegex(Pattern pattern, Set<String> names) {
    this.pattern = pattern;
    this.names = names;
  }

  /**
   * Compiles {@code regex} as Python would with {@code flags} (Java's {@link Pattern#MULTILINE},
   * {@link Pattern#DOTALL}, {@link Pattern#CASE_INSENSITIVE}).
   */
  public static PythonRegex compile(String regex, int flags) {
    Set<String> names = new LinkedHashSet<>();
    String java = translate(regex, (flags & Pattern.MULTILINE) != 0, names);
    return new PythonRegex(Pattern.compile(java, flags | Pattern.UNIX_LINES | Pattern.UNICODE_CHARACTER_CLASS), names);
  }

  public Pattern pattern() {
    return pattern;
  }

  /** The result of {@link #subn}: the new text and how many matches were replaced, as Python's {@code re.subn}. */
  public record Subn(String text, int count) {}

  /** Python's {@code re.subn(pattern, template, text)}: every match replaced by the expanded template. */
  public Subn subn(String template, CharSequence text) {
    Template t = template(template);
    Matcher m = pattern.matcher(text);
    StringBuilder out = new StringBuilder();
    int count = 0;
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(t.expand(m)));
      count++;
    }
    m.appendTail(out);
    return new Subn(out.toString(), count);
  }

  /** Python's {@code match.groupdict()}: each named group's value (null when it did not take part). */
  public Map<String, String> groupDict(Matcher m) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String n : names) {
      out.put(n, m.group(javaName(n)));
    }
    return out;
  }

  /** Parses a replacement template against this pattern's groups; fails as Python's would. */
  public Template template(String template) {
    return Template.parse(template, pattern.matcher("").groupCount(), names);
  }

  /**
   * A parsed replacement template: literal text and group references, in order. {@code names}
   * null means named references are not checked until a match expands them.
   */
  public record Template(List<Object> parts) {
    public Template {
      parts = List.copyOf(parts);
    }

    public String expand(Matcher m) {
      StringBuilder out = new StringBuilder();
      for (Object p : parts) {
        String v = p instanceof Integer g ? m.group(g) : p instanceof GroupName n ? m.group(javaName(n.name())) : (String) p;
        // An unmatched group expands to nothing, as in Python 3.5+.
        out.append(v == null ? "" : v);
      }
      return out.toString();
    }

    static Template parse(String t, int groups, Set<String> names) {
      List<Object> parts = new ArrayList<>();
      StringBuilder lit = new StringBuilder();
      int i = 0;
      while (i < t.length()) {
        char c = t.charAt(i++);
        if (c != '\\') {
          lit.append(c);
          continue;
        }
        if (i == t.length()) {
          throw new IllegalArgumentException("bad escape (end of pattern) at position " + (i - 1));
        }
        char n = t.charAt(i++);
        Object group = null;
        if (n == 'g') {
          int close = t.indexOf('>', i);
          if (i >= t.length() || t.charAt(i) != '<' || close < 0) {
            throw new IllegalArgumentException("missing < or > in \\g reference at position " + (i - 2));
          }
          String ref = t.substring(i + 1, close);
          i = close + 1;
          if (ref.matches("\\d+")) {
            group = checkIndex(Integer.parseInt(ref), groups);
          } else if (ref.matches("[\\p{L}_][\\p{L}\\p{Nd}_]*")) {
            if (names != null && !names.contains(ref)) {
              throw new IllegalArgumentException("unknown group name '" + ref + "'");
            }
            group = new GroupName(ref);
          } else {
            throw new IllegalArgumentException("bad character in group name '" + ref + "'");
          }
        } else if (n == '0') {
          int end = octalEnd(t, i, 2);
          lit.append((char) (Integer.parseInt("0" + t.substring(i, end), 8) & 0xff));
          i = end;
        } else if (n >= '1' && n <= '9') {
          boolean octal = i + 1 < t.length() && n <= '7' && isOctal(t.charAt(i)) && isOctal(t.charAt(i + 1));
          if (octal) {
            int v = Integer.parseInt(t.substring(i - 1, i + 2), 8);
            if (v > 0377) {
              throw new IllegalArgumentException("octal escape value \\" + t.substring(i - 1, i + 2) + " outside of range 0-0o377");
            }
            lit.append((char) v);
            i += 2;
          } else {
            int end = i < t.length() && Character.isDigit(t.charAt(i)) ? i + 1 : i;
            group = checkIndex(Integer.parseInt(t.substring(i - 1, end)), groups);
            i = end;
          }
        } else {
          switch (n) {
            case 'n' -> lit.append('\n');
            case 't' -> lit.append('\t');
            case 'r' -> lit.append('\r');
            case 'f' -> lit.append('\f');
            case 'v' -> lit.append('\u000b');
            case 'a' -> lit.append('\u0007');
            case 'b' -> lit.append('\b');
            case '\\' -> lit.append('\\');
            default -> {
              if ((n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z')) {
                throw new IllegalArgumentException("bad escape \\" + n + " at position " + (i - 2));
              }
              // Python keeps other escaped characters with their backslash.
              lit.append('\\').append(n);
            }
          }
        }
        if (group != null) {
          if (!lit.isEmpty()) {
            parts.add(lit.toString());
            lit.setLength(0);
          }
          parts.add(group);
        }
      }
      if (!lit.isEmpty()) {
        parts.add(lit.toString());
      }
      return new Template(parts);
    }

    private static Integer checkIndex(int g, int groups) {
      if (groups >= 0 && g > groups) {
        throw new IllegalArgumentException("invalid group reference " + g);
      }
      return g;
    }
  }

  private record GroupName(String name) {}

  /** Python's {@code match.expand(template)} for a pattern from {@link #compile} whose names are not at hand. */
  public static String expand(Matcher m, String template) {
    return Template.parse(template, m.groupCount(), null).expand(m);
  }

  private static boolean isOctal(char c) {
    return c >= '0' && c <= '7';
  }

  private static int octalEnd(String s, int from, int max) {
    int end = from;
    while (end < s.length() && end < from + max && isOctal(s.charAt(end))) {
      end++;
    }
    return end;
  }

  /** Java takes ASCII letters and digits in group names; Python any identifier: others are spelt in hex. */
  static String javaName(String python) {
    if (python.matches("[A-Za-z][A-Za-z0-9]*")) {
      return python;
    }
    return "hfpy" + HexFormat.of().formatHex(python.getBytes(StandardCharsets.UTF_8));
  }

  private static final Pattern QUANTIFIER = Pattern.compile("\\{(\\d*)(,(\\d*))?}");

  static String translate(String py, boolean multiline, Set<String> names) {
    StringBuilder out = new StringBuilder(py.length() + 16);
    boolean inClass = false;
    int i = 0;
    while (i < py.length()) {
      char c = py.charAt(i);
      if (c == '\\') {
        if (i + 1 == py.length()) {
          throw new PatternSyntaxException("bad escape (end of pattern)", py, i);
        }
        char n = py.charAt(i + 1);
        i += 2;
        if (inClass && n == 'b') {
          out.append("\\x08");
        } else if (!inClass && n == 'Z') {
          out.append("\\z");
        } else if (n == '0') {
          int end = octalEnd(py, i, 2);
          out.append(String.format("\\x{%x}", Integer.parseInt("0" + py.substring(i, end), 8)));
          i = end;
        } else {
          out.append('\\').append(n);
        }
        continue;
      }
      if (inClass) {
        if (c == ']') {
          inClass = false;
          out.append(c);
        } else if (c == '[' || c == '&') {
          out.append('\\').append(c);
        } else {
          out.append(c);
        }
        i++;
        continue;
      }
      switch (c) {
        case '[' -> {
          inClass = true;
          out.append('[');
          i++;
          if (i < py.length() && py.charAt(i) == '^') {
            out.append('^');
            i++;
          }
          // A ']' first in a class is a literal in Python.
          if (i < py.length() && py.charAt(i) == ']') {
            out.append("\\]");
            i++;
          }
        }
        case '(' -> {
          if (py.startsWith("(?P<", i)) {
            int close = py.indexOf('>', i);
            if (close < 0) {
              throw new PatternSyntaxException("missing >, unterminated name", py, i);
            }
            String name = py.substring(i + 4, close);
            if (!names.add(name)) {
              throw new PatternSyntaxException("redefinition of group name '" + name + "'", py, i);
            }
            out.append("(?<").append(javaName(name)).append('>');
            i = close + 1;
          } else if (py.startsWith("(?P=", i)) {
            int close = py.indexOf(')', i);
            if (close < 0) {
              throw new PatternSyntaxException("missing ), unterminated name", py, i);
            }
            out.append("\\k<").append(javaName(py.substring(i + 4, close))).append('>');
            i = close + 1;
          } else if (py.startsWith("(?#", i)) {
            int close = py.indexOf(')', i);
            if (close < 0) {
              throw new PatternSyntaxException("missing ), unterminated comment", py, i);
            }
            i = close + 1;
          } else {
            out.append(c);
            i++;
          }
        }
        case '{' -> {
          Matcher q = QUANTIFIER.matcher(py).region(i, py.length());
          if (q.lookingAt() && !q.group().equals("{}")) {
            String lo = q.group(1).isEmpty() ? "0" : q.group(1);
            out.append('{').append(lo);
            if (q.group(2) != null) {
              out.append(',').append(q.group(3));
            }
            out.append('}');
            i = q.end();
          } else {
            out.append("\\{");
            i++;
          }
        }
        case '}' -> {
          out.append("\\}");
          i++;
        }
        case '^' -> {
          // Python's multi-line ^ also matches after a final newline; Java's does not.
          out.append(multiline ? "(?<![^\\n])" : "^");
          i++;
        }
        default -> {
          out.append(c);
          i++;
        }
      }
    }
    return out.toString();
  }
}
