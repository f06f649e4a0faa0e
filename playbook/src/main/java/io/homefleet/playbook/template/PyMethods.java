package io.homefleet.playbook.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Python methods of str and dict that playbooks call in expressions
 * ({@code name.startswith('web')}, {@code d.items()}); Java's methods of the same name differ or
 * do not exist. Anything else falls through to Jinjava.
 */
final class PyMethods {
  private PyMethods() {}

  static Object string(String s, String method, Object[] args) {
    return switch (method) {
      case "startswith" -> anyOf(args[0], p -> s.startsWith(p));
      case "endswith" -> anyOf(args[0], p -> s.endsWith(p));
      case "strip" -> args.length == 0 || args[0] == null ? s.strip() : strip(s, Py.str(args[0]), true, true);
      case "lstrip" -> args.length == 0 || args[0] == null ? s.stripLeading() : strip(s, Py.str(args[0]), true, false);
      case "rstrip" -> args.length == 0 || args[0] == null ? s.stripTrailing() : strip(s, Py.str(args[0]), false, true);
      case "lower" -> s.toLowerCase(Locale.ROOT);
      case "upper" -> s.toUpperCase(Locale.ROOT);
      case "title" -> TextFilters.title(s);
      case "capitalize" -> s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
      case "split" -> TextFilters.split(s, args.length > 0 && args[0] != null ? Py.str(args[0]) : null,
          args.length > 1 ? ((Number) args[1]).intValue() : -1);
      case "splitlines" -> List.of(s.split("\\r?\\n|\\r"));
      case "replace" -> args.length > 2
          ? TextFilters.replace(s, Py.str(args[0]), Py.str(args[1]), ((Number) args[2]).longValue())
          : s.replace(Py.str(args[0]), Py.str(args[1]));
      case "find" -> (long) s.indexOf(Py.str(args[0]));
      case "count" -> (long) countOf(s, Py.str(args[0]));
      case "isdigit" -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
      case "isalpha" -> !s.isEmpty() && s.chars().allMatch(Character::isLetter);
      case "isalnum" -> !s.isEmpty() && s.chars().allMatch(Character::isLetterOrDigit);
      case "isspace" -> !s.isEmpty() && s.chars().allMatch(Character::isWhitespace);
      case "islower" -> s.chars().anyMatch(Character::isLetter) && s.equals(s.toLowerCase(Locale.ROOT));
      case "isupper" -> s.chars().anyMatch(Character::isLetter) && s.equals(s.toUpperCase(Locale.ROOT));
      case "join" -> {
        List<String> parts = new ArrayList<>();
        Py.list(args[0]).forEach(o -> parts.add(Py.str(o)));
        yield String.join(s, parts);
      }
      default -> StrictResolver.NO_RESULT;
    };
  }

  static Object dict(Map<?, ?> map, String method, Object[] args) {
    return switch (method) {
      case "items" -> {
        List<Object> out = new ArrayList<>();
        map.forEach((k, v) -> out.add(new ArrayList<>(java.util.Arrays.asList(k, v))));
        yield out;
      }
      case "keys" -> new ArrayList<>(map.keySet());
      case "values" -> new ArrayList<>(map.values());
      case "get" -> map.containsKey(args[0]) ? map.get(args[0]) : (args.length > 1 ? args[1] : null);
      default -> StrictResolver.NO_RESULT;
    };
  }

  private static boolean anyOf(Object prefixes, java.util.function.Predicate<String> test) {
    if (prefixes instanceof List<?> l) {
      return l.stream().anyMatch(p -> test.test(Py.str(p)));
    }
    return test.test(Py.str(prefixes));
  }

  /** Python's strip/lstrip/rstrip with an explicit set of characters. */
  static String strip(String s, String chars, boolean left, boolean right) {
    int b = 0;
    int e = s.length();
    while (left && b < e && chars.indexOf(s.charAt(b)) >= 0) {
      b++;
    }
    while (right && e > b && chars.indexOf(s.charAt(e - 1)) >= 0) {
      e--;
    }
    return s.substring(b, e);
  }

  private static int countOf(String s, String sub) {
    if (sub.isEmpty()) {
      return s.length() + 1;
    }
    int n = 0;
    for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
      n++;
    }
    return n;
  }
}
