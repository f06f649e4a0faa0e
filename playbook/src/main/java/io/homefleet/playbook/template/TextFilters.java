package io.homefleet.playbook.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Filters on text: case, trim, replace, split, join, quote and the regex_* family. */
final class TextFilters {
  private TextFilters() {}

  static List<AnsibleFilter> all() {
    return List.of(
        AnsibleFilter.of("lower", (v, a) -> Py.str(v).toLowerCase(Locale.ROOT)),
        AnsibleFilter.of("upper", (v, a) -> Py.str(v).toUpperCase(Locale.ROOT)),
        AnsibleFilter.of("capitalize", (v, a) -> {
          String s = Py.str(v);
          return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
        }),
        AnsibleFilter.of("title", (v, a) -> title(Py.str(v))),
        AnsibleFilter.of("trim", (v, a) -> {
          String chars = a.string(0, "chars", null);
          return chars == null ? Py.str(v).strip() : strip(Py.str(v), chars);
        }),
        AnsibleFilter.of("replace", (v, a) -> {
          String s = Py.str(v);
          String old = a.string(0, "old", null);
          String replacement = a.string(1, "new", "");
          long count = ((Number) a.get(2, "count", -1L)).longValue();
          return replace(s, old, replacement, count);
        }),
        AnsibleFilter.of("split", (v, a) -> split(Py.str(v), a.string(0, "sep", null),
            ((Number) a.get(1, "maxsplit", -1L)).intValue())),
        AnsibleFilter.of("join", (v, a) -> {
          String sep = a.string(0, "d", "");
          String attribute = a.string(1, "attribute", null);
          List<String> parts = new ArrayList<>();
          for (Object o : Py.list(v)) {
            parts.add(Py.str(attribute == null ? o : CollectionFilters.attribute(o, attribute)));
          }
          return String.join(sep, parts);
        }),
        AnsibleFilter.of("quote", (v, a) -> shellQuote(Py.str(v))),
        AnsibleFilter.of("regex_replace", (v, a) -> {
          Pattern p = compile(a.string(0, "regex", ""), a);
          String replacement = pythonReplacement(a.string(1, "replace", ""));
          long count = ((Number) a.get(-1, "count", 0L)).longValue();
          Matcher m = p.matcher(Py.str(v));
          StringBuilder out = new StringBuilder();
          long done = 0;
          while ((count <= 0 || done < count) && m.find()) {
            m.appendReplacement(out, replacement);
            done++;
          }
          m.appendTail(out);
          return out.toString();
        }),
        AnsibleFilter.of("regex_search", TextFilters::regexSearch),
        AnsibleFilter.of("regex_findall", (v, a) -> {
          Matcher m = compile(a.string(0, "regex", ""), a).matcher(Py.str(v));
          List<Object> out = new ArrayList<>();
          while (m.find()) {
            if (m.groupCount() == 0) {
              out.add(m.group());
            } else if (m.groupCount() == 1) {
              out.add(m.group(1) == null ? "" : m.group(1));
            } else {
              List<Object> groups = new ArrayList<>();
              for (int i = 1; i <= m.groupCount(); i++) {
                groups.add(m.group(i) == null ? "" : m.group(i));
              }
              out.add(groups);
            }
          }
          return out;
        }),
        AnsibleFilter.of("regex_escape", (v, a) -> {
          String type = a.string(0, "re_type", "python");
          if (!type.equals("python") && !type.equals("posix_basic")) {
            throw new IllegalArgumentException("re_type must be 'python' or 'posix_basic', not '" + type + "'");
          }
          return type.equals("python") ? regexEscape(Py.str(v)) : Py.str(v).replaceAll("([\\[\\]$.^*\\\\])", "\\\\$1");
        }));
  }

  /** Jinja2's {@code title}: words begin after whitespace, hyphens and opening brackets. */
  static String title(String s) {
    StringBuilder out = new StringBuilder(s.length());
    boolean wordStart = true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean boundary = Character.isWhitespace(c) || "-({[<".indexOf(c) >= 0;
      if (boundary) {
        out.append(c);
        wordStart = true;
      } else {
        out.append(wordStart ? Character.toUpperCase(c) : Character.toLowerCase(c));
        wordStart = false;
      }
    }
    return out.toString();
  }

  private static String strip(String s, String chars) {
    return PyMethods.strip(s, chars, true, true);
  }

  /** Python's str.replace: at most {@code count} replacements, all of them when negative. */
  static String replace(String s, String old, String replacement, long count) {
    if (count < 0) {
      return s.replace(old, replacement);
    }
    StringBuilder out = new StringBuilder();
    int from = 0;
    for (long i = 0; i < count; i++) {
      int at = s.indexOf(old, from);
      if (at < 0) {
        break;
      }
      out.append(s, from, at).append(replacement);
      from = at + old.length();
    }
    return out.append(s.substring(from)).toString();
  }

  /** Python's {@code str.split}: no separator splits on runs of whitespace and drops empty ends. */
  static List<String> split(String s, String sep, int maxsplit) {
    List<String> out = new ArrayList<>();
    if (sep == null) {
      String rest = s.stripLeading();
      while (!rest.isEmpty()) {
        if (maxsplit >= 0 && out.size() == maxsplit) {
          out.add(rest.stripTrailing());
          return out;
        }
        int i = 0;
        while (i < rest.length() && !Character.isWhitespace(rest.charAt(i))) {
          i++;
        }
        out.add(rest.substring(0, i));
        rest = rest.substring(i).stripLeading();
      }
      return out;
    }
    if (sep.isEmpty()) {
      throw new IllegalArgumentException("empty separator");
    }
    int from = 0;
    int at;
    while ((maxsplit < 0 || out.size() < maxsplit) && (at = s.indexOf(sep, from)) >= 0) {
      out.add(s.substring(from, at));
      from = at + sep.length();
    }
    out.add(s.substring(from));
    return out;
  }

  /** Python's {@code shlex.quote}. */
  static String shellQuote(String s) {
    if (s.isEmpty()) {
      return "''";
    }
    if (s.matches("[A-Za-z0-9_@%+=:,./-]+")) {
      return s;
    }
    return "'" + s.replace("'", "'\"'\"'") + "'";
  }

  /** Python's {@code re.escape} (3.7+): only characters special in a pattern get a backslash. */
  static String regexEscape(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      if ("()[]{}?*+-|^$\\.&~# \t\n\r\u000b\f".indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  private static Object regexSearch(Object v, Args a) {
    Pattern p = compile(a.string(0, "regex", ""), a);
    Matcher m = p.matcher(Py.str(v));
    if (!m.find()) {
      return null;
    }
    Object[] positional = a.positional();
    if (positional.length <= 1) {
      return m.group();
    }
    // Further arguments name groups to return: '\\1' or '\\g<name>'.
    List<Object> out = new ArrayList<>();
    for (int i = 1; i < positional.length; i++) {
      String ref = Py.str(positional[i]);
      Matcher num = Pattern.compile("\\\\(\\d+)").matcher(ref);
      Matcher named = Pattern.compile("\\\\g<(\\w+)>").matcher(ref);
      if (num.matches()) {
        out.add(m.group(Integer.parseInt(num.group(1))));
      } else if (named.matches()) {
        out.add(m.group(named.group(1)));
      } else {
        throw new IllegalArgumentException("unknown argument '" + ref + "' (use '\\\\1' or '\\\\g<name>')");
      }
    }
    return out;
  }

  /** Compiles a Python regex with the ignorecase/multiline keywords Ansible's filters take. */
  static Pattern compile(String pythonRegex, Args a) {
    int flags = 0;
    if (a.bool(-1, "ignorecase", false)) {
      flags |= Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
    }
    if (a.bool(-1, "multiline", false)) {
      flags |= Pattern.MULTILINE;
    }
    return Pattern.compile(pythonPattern(pythonRegex), flags);
  }

  /** Python's regex syntax where it differs from Java's: named groups and their references. */
  static String pythonPattern(String regex) {
    return regex.replace("(?P<", "(?<").replaceAll("\\(\\?P=(\\w+)\\)", "\\\\k<$1>");
  }

  /** Python's replacement syntax ({@code \1}, {@code \g<name>}) in Java's ({@code $1}, {@code ${name}}). */
  static String pythonReplacement(String replacement) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < replacement.length(); i++) {
      char c = replacement.charAt(i);
      if (c == '\\' && i + 1 < replacement.length()) {
        char n = replacement.charAt(i + 1);
        if (Character.isDigit(n)) {
          int j = i + 1;
          while (j < replacement.length() && j < i + 3 && Character.isDigit(replacement.charAt(j))) {
            j++;
          }
          out.append('$').append(replacement, i + 1, j);
          i = j - 1;
          continue;
        }
        if (n == 'g' && i + 2 < replacement.length() && replacement.charAt(i + 2) == '<') {
          int close = replacement.indexOf('>', i + 3);
          if (close > 0) {
            String group = replacement.substring(i + 3, close);
            out.append(group.chars().allMatch(Character::isDigit) ? "$" + group : "${" + group + "}");
            i = close;
            continue;
          }
        }
        switch (n) {
          case 'n' -> out.append('\n');
          case 't' -> out.append('\t');
          case '\\' -> out.append("\\\\");
          default -> out.append("\\\\").append(n == '$' ? "\\$" : String.valueOf(n));
        }
        i++;
        continue;
      }
      if (c == '$') {
        out.append("\\$");
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
