package io.homefleet.playbook.template;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Ansible's everyday tests: definedness, types, regexes, versions, task results, paths, sets,
 * numbers. Path tests look at the file system of the host where the template renders.
 */
final class AnsibleTests {
  private AnsibleTests() {}

  static List<AnsibleTest> all() {
    List<AnsibleTest> tests = new ArrayList<>(List.of(
        AnsibleTest.acceptingUndefined("defined", (v, a) -> !(v instanceof Undefined)),
        AnsibleTest.acceptingUndefined("undefined", (v, a) -> v instanceof Undefined),
        AnsibleTest.of("none", (v, a) -> v == null),
        AnsibleTest.of("truthy", (v, a) -> a.bool(0, "convert_bool", false) ? convertBool(v) : CoreFilters.pyBool(v)),
        AnsibleTest.of("falsy", (v, a) -> !(a.bool(0, "convert_bool", false) ? convertBool(v) : CoreFilters.pyBool(v))),
        AnsibleTest.of("string", (v, a) -> Py.isString(v)),
        AnsibleTest.of("number", (v, a) -> Py.isNumber(v)),
        AnsibleTest.of("integer", (v, a) -> Py.isInteger(v)),
        AnsibleTest.of("float", (v, a) -> Py.isFloat(v)),
        AnsibleTest.of("boolean", (v, a) -> v instanceof Boolean),
        AnsibleTest.of("mapping", (v, a) -> v instanceof Map<?, ?>),
        AnsibleTest.of("iterable", (v, a) -> Py.isIterable(v)),
        // Jinja2: anything with a length and item access, so strings and dicts too.
        AnsibleTest.of("sequence", (v, a) -> Py.isString(v) || v instanceof Map<?, ?>
            || Py.isSequence(v) || v instanceof Collection<?>),
        AnsibleTest.of("in", (v, a) -> in(v, a.required(0, "seq"))),
        AnsibleTest.of("contains", (v, a) -> in(a.required(0, "value"), v)),
        AnsibleTest.of("match", (v, a) -> regex(v, a, "match")),
        AnsibleTest.of("search", (v, a) -> regex(v, a, "search")),
        AnsibleTest.of("regex", (v, a) -> regex(v, a, a.string(3, "match_type", "search"))),
        AnsibleTest.of("version", AnsibleTests::version),
        AnsibleTest.of("version_compare", AnsibleTests::version),
        AnsibleTest.of("subset", (v, a) -> all(Py.list(v), Py.list(a.required(0, "b")))),
        AnsibleTest.of("superset", (v, a) -> all(Py.list(a.required(0, "b")), Py.list(v))),
        AnsibleTest.of("even", (v, a) -> integer(v) % 2 == 0),
        AnsibleTest.of("odd", (v, a) -> integer(v) % 2 != 0),
        AnsibleTest.of("divisibleby", (v, a) -> integer(v) % integer(a.required(0, "num")) == 0),
        AnsibleTest.of("equalto", (v, a) -> Py.eq(v, a.required(0, "other"))),
        AnsibleTest.of("eq", (v, a) -> Py.eq(v, a.required(0, "other"))),
        AnsibleTest.of("==", (v, a) -> Py.eq(v, a.required(0, "other"))),
        AnsibleTest.of("ne", (v, a) -> !Py.eq(v, a.required(0, "other"))),
        AnsibleTest.of("!=", (v, a) -> !Py.eq(v, a.required(0, "other"))),
        AnsibleTest.of("file", (v, a) -> Files.isRegularFile(path(v))),
        AnsibleTest.of("directory", (v, a) -> Files.isDirectory(path(v))),
        AnsibleTest.of("link", (v, a) -> Files.isSymbolicLink(path(v))),
        AnsibleTest.of("exists", (v, a) -> Files.exists(path(v))),
        AnsibleTest.of("abs", (v, a) -> Py.str(v).startsWith("/")),
        AnsibleTest.of("same_file", (v, a) -> Files.isSameFile(path(v), path(a.required(0, "other"))))));
    for (String name : List.of("success", "succeeded")) {
      tests.add(AnsibleTest.of(name, (v, a) -> !failed(result(v, name))));
    }
    for (String name : List.of("failed", "failure")) {
      tests.add(AnsibleTest.of(name, (v, a) -> failed(result(v, name))));
    }
    for (String name : List.of("changed", "change")) {
      tests.add(AnsibleTest.of(name, (v, a) -> CoreFilters.bool(result(v, name).getOrDefault("changed", false))));
    }
    for (String name : List.of("skipped", "skip")) {
      tests.add(AnsibleTest.of(name, (v, a) -> CoreFilters.bool(result(v, name).getOrDefault("skipped", false))));
    }
    return tests;
  }

  private static boolean convertBool(Object v) {
    if (v instanceof Boolean || Py.isString(v) || v instanceof Number) {
      return CoreFilters.bool(v);
    }
    return CoreFilters.pyBool(v);
  }

  private static boolean in(Object item, Object container) {
    if (Py.isString(container)) {
      return container.toString().contains(Py.str(item));
    }
    if (container instanceof Map<?, ?> m) {
      return Py.contains(m.keySet(), item);
    }
    return Py.contains(Py.list(container), item);
  }

  private static boolean all(List<Object> items, List<Object> of) {
    return items.stream().allMatch(i -> Py.contains(of, i));
  }

  private static long integer(Object v) {
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException("expected a number, got " + Py.typeName(v));
    }
    return n.longValue();
  }

  private static Path path(Object v) {
    return Path.of(PathFilters.expanduser(Py.str(v)));
  }

  private static boolean regex(Object v, Args a, String type) {
    Object pattern = a.required(0, "pattern");
    int flags = 0;
    if (a.bool(1, "ignorecase", false)) {
      flags |= Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
    }
    if (a.bool(2, "multiline", false)) {
      flags |= Pattern.MULTILINE;
    }
    var m = Pattern.compile(TextFilters.pythonPattern(Py.str(pattern)), flags).matcher(Py.str(v));
    return switch (type) {
      case "match" -> m.lookingAt();
      case "search" -> m.find();
      case "fullmatch" -> m.matches();
      default -> throw new IllegalArgumentException("match_type must be match, search or fullmatch, not '" + type + "'");
    };
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> result(Object v, String test) {
    if (!(v instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException("The '" + test + "' test expects a dictionary (a registered result), got "
          + Py.typeName(v));
    }
    return (Map<String, Object>) m;
  }

  /** Ansible's notion of a failed result: {@code failed} true, or a non-zero {@code rc} when there is no {@code failed}. */
  private static boolean failed(Map<String, Object> result) {
    if (result.containsKey("failed")) {
      return CoreFilters.bool(result.get("failed"));
    }
    return false;
  }

  /** Ansible's {@code version} test: loose comparison of dotted versions. */
  private static boolean version(Object v, Args a) {
    String other = a.string(0, "version", null);
    if (other == null) {
      throw new IllegalArgumentException("version value is required");
    }
    String op = a.string(1, "operator", "eq");
    int c = Versions.compareLoose(Py.str(v), other);
    return switch (op) {
      case "==", "=", "eq" -> c == 0;
      case "!=", "<>", "ne" -> c != 0;
      case "<", "lt" -> c < 0;
      case "<=", "le" -> c <= 0;
      case ">", "gt" -> c > 0;
      case ">=", "ge" -> c >= 0;
      default -> throw new IllegalArgumentException("invalid operator '" + op
          + "' (==, !=, <, <=, >, >=, eq, ne, lt, le, gt, ge)");
    };
  }

}
