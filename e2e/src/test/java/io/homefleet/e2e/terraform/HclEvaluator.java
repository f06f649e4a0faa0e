package io.homefleet.e2e.terraform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Evaluates Terraform expressions of {@link TerraformFiles} the way Terraform would, for the
 * subset terraform/sizing.tf keeps to (its header comment lists it): hcl's own syntax trees in,
 * values out. Numbers are {@link BigDecimal}, strings, booleans, lists and maps (a {@link TreeMap}:
 * Terraform iterates a map in lexical key order) as Java has them; null is Java's null.
 * Anything outside the subset is an error naming it, never a guess.
 */
final class HclEvaluator {
  // Terraform computes with 512-bit floats; 34 decimal digits decide every floor and ceil here.
  private static final MathContext MATH = MathContext.DECIMAL128;
  private static final YAMLMapper YAML = new YAMLMapper();

  private final TerraformFiles files;
  private final Map<String, Object> variables;
  private final Map<String, Object> data;
  private final Map<String, TerraformFiles.Located> locals;
  private final Map<String, Object> localValues = new HashMap<>();
  private final Set<String> evaluating = new LinkedHashSet<>();

  /**
   * @param files the parsed files
   * @param variableValues values for some variables, as {@code -var} would give them; the others
   *     take their defaults from the files
   * @param data each data source's attributes, keyed {@code TYPE.NAME}, as the provider would
   *     return them
   */
  HclEvaluator(TerraformFiles files, Map<String, Object> variableValues, Map<String, Object> data) {
    this.files = files;
    this.locals = files.locals();
    this.variables = new TreeMap<>();
    files.variables().forEach((name, v) -> {
      if (variableValues.containsKey(name)) {
        variables.put(name, variableValues.get(name));
      } else if (v.value().has("default")) {
        variables.put(name, value(v.value().get("default"), Map.of()));
      }
    });
    for (String name : variableValues.keySet()) {
      if (!variables.containsKey(name)) {
        throw new IllegalArgumentException("var." + name + " is not declared in " + files.names());
      }
    }
    this.data = data;
  }

  /** The value of {@code local.NAME}. */
  Object local(String name) {
    if (localValues.containsKey(name)) {
      return localValues.get(name);
    }
    TerraformFiles.Located def = locals.get(name);
    if (def == null) {
      throw new IllegalArgumentException("local." + name + " is not defined");
    }
    if (!evaluating.add(name)) {
      throw new IllegalStateException("local." + name + " depends on itself: " + evaluating);
    }
    try {
      Object v = value(def.value(), Map.of());
      localValues.put(name, v);
      return v;
    } catch (RuntimeException e) {
      throw new IllegalStateException(def.file() + ": local." + name + ": " + e.getMessage(), e);
    } finally {
      evaluating.remove(name);
    }
  }

  /**
   * A value as hcl2json hands it over: JSON literals stand for themselves, objects and arrays hold
   * further values, and a string with an interpolation is an expression, evaluated with
   * {@code scope} (for-expression variables, {@code each}).
   */
  Object value(JsonNode node, Map<String, Object> scope) {
    if (node.isTextual()) {
      String text = node.asText();
      return text.contains("${") ? eval(files.tree(text), scope) : text;
    }
    if (node.isNumber()) {
      return node.decimalValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isNull()) {
      return null;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(e -> list.add(value(e, scope)));
      return list;
    }
    Map<String, Object> map = new TreeMap<>();
    node.properties().forEach(e -> map.put(e.getKey(), value(e.getValue(), scope)));
    return map;
  }

  private Object eval(JsonNode ast, Map<String, Object> scope) {
    String type = ast.path("type").asText();
    JsonNode meta = ast.path("meta");
    List<JsonNode> children = new ArrayList<>();
    ast.path("children").forEach(children::add);
    switch (type) {
      case "literalValue":
        return literal(meta);
      case "templateWrap":
        return eval(children.get(0), scope);
      case "template": {
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : children) {
          sb.append(text(eval(part, scope)));
        }
        return sb.toString();
      }
      case "tuple": {
        List<Object> list = new ArrayList<>();
        children.forEach(c -> list.add(eval(c, scope)));
        return list;
      }
      case "scopeTraversal": {
        JsonNode traversal = meta.path("traversal");
        String first = traversal.get(0).path("segment").asText();
        // A for-expression variable or each takes one step; var.X and local.X two; data.T.N three.
        int steps = scope.containsKey(first) ? 1 : "data".equals(first) ? 3 : 2;
        return traverse(root(traversal, scope), traversal, steps, meta);
      }
      case "relativeTraversal":
        return traverse(eval(children.get(0), scope), meta.path("traversal"), 0, meta);
      case "index":
        return index(eval(children.get(0), scope), eval(children.get(1), scope), meta);
      case "function":
        return call(meta.path("name").asText(), children, meta.path("expandedFinalArgument").asBoolean(), scope);
      case "binaryOp":
        return binary(meta.path("operator").asText(), children, scope);
      case "unaryOp": {
        Object v = eval(children.get(0), scope);
        return switch (meta.path("operator").asText()) {
          case "negate" -> number(v, "-").negate();
          case "logicalNot" -> !bool(v, "!");
          default -> throw unsupported("operator " + meta.path("operator").asText());
        };
      }
      case "conditional":
        // Terraform reports only the chosen branch's errors, so evaluating that one alone agrees.
        return bool(eval(children.get(0), scope), "? :") ? eval(children.get(1), scope) : eval(children.get(2), scope);
      case "for":
        return forExpression(meta, children, scope);
      case "object":
        return object(meta, children, scope);
      case "":
        // Parentheses: a node of no type around its one child.
        if (children.size() == 1) {
          return eval(children.get(0), scope);
        }
        throw unsupported("a bare node with " + children.size() + " children");
      default:
        throw unsupported("'" + meta.path("value").asText() + "' (" + type + ")");
    }
  }

  private static Object literal(JsonNode meta) {
    String v = meta.path("value").asText();
    return switch (meta.path("type").asText()) {
      case "number" -> new BigDecimal(v);
      case "bool" -> Boolean.valueOf(v);
      // A template's literal part comes as its source text, escapes and all.
      case "string" -> unescape(v);
      case "dynamic" -> null;
      default -> throw unsupported("literal of type " + meta.path("type").asText());
    };
  }

  /** HCL's escapes in a quoted string's literal part: \\n \\r \\t \\" \\\\ \\uNNNN \\UNNNNNNNN, $${ and %%{. */
  private static String unescape(String source) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < source.length(); i++) {
      char c = source.charAt(i);
      if (c == '\\' && i + 1 < source.length()) {
        char e = source.charAt(++i);
        switch (e) {
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case '"' -> sb.append('"');
          case '\\' -> sb.append('\\');
          case 'u', 'U' -> {
            int len = e == 'u' ? 4 : 8;
            sb.appendCodePoint(Integer.parseInt(source.substring(i + 1, i + 1 + len), 16));
            i += len;
          }
          default -> throw new IllegalArgumentException("unknown escape \\" + e + " in \"" + source + "\"");
        }
      } else if ((c == '$' || c == '%') && source.startsWith(c + "" + c + "{", i)) {
        sb.append(c).append('{');
        i += 2;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** The value a traversal's first steps name. */
  private Object root(JsonNode traversal, Map<String, Object> scope) {
    String first = traversal.get(0).path("segment").asText();
    if (scope.containsKey(first)) {
      return scope.get(first);
    }
    switch (first) {
      case "var": {
        String name = traversal.get(1).path("segment").asText();
        if (!variables.containsKey(name)) {
          throw new IllegalArgumentException("var." + name + " has no value (not declared, or no default and none given)");
        }
        return variables.get(name);
      }
      case "local":
        return local(traversal.get(1).path("segment").asText());
      case "data": {
        String key = traversal.get(1).path("segment").asText() + "." + traversal.get(2).path("segment").asText();
        if (!data.containsKey(key)) {
          throw new IllegalArgumentException("data." + key + ": no attributes given for this data source");
        }
        return data.get(key);
      }
      default:
        throw unsupported("the reference '" + first + "' (a resource attribute is known only after apply)");
    }
  }

  private static Object traverse(Object start, JsonNode traversal, int from, JsonNode meta) {
    Object v = start;
    for (int i = from; i < traversal.size(); i++) {
      JsonNode step = traversal.get(i);
      String segment = step.path("segment").asText();
      if ("indexTraversal".equals(step.path("type").asText())) {
        Object key = segment.startsWith("\"") ? segment.substring(1, segment.length() - 1) : new BigDecimal(segment);
        v = index(v, key, meta);
      } else {
        v = attribute(v, segment, meta);
      }
    }
    return v;
  }

  private static Object attribute(Object v, String name, JsonNode meta) {
    if (!(v instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException(meta.path("value").asText() + ": ." + name + " of " + describe(v));
    }
    if (!m.containsKey(name)) {
      throw new IllegalArgumentException(meta.path("value").asText() + ": no attribute '" + name + "' (has " + m.keySet() + ")");
    }
    return m.get(name);
  }

  private static Object index(Object collection, Object key, JsonNode meta) {
    if (collection instanceof List<?> list) {
      int i = number(key, "[ ]").intValueExact();
      if (i < 0 || i >= list.size()) {
        throw new IllegalArgumentException(meta.path("value").asText() + ": index " + i + " out of range for a list of "
            + list.size());
      }
      return list.get(i);
    }
    if (collection instanceof Map<?, ?> map) {
      String k = text(key);
      if (!map.containsKey(k)) {
        throw new IllegalArgumentException(meta.path("value").asText() + ": no key \"" + k + "\" (has " + map.keySet() + ")");
      }
      return map.get(k);
    }
    throw new IllegalArgumentException(meta.path("value").asText() + ": cannot index " + describe(collection));
  }

  private Object binary(String op, List<JsonNode> children, Map<String, Object> scope) {
    // && and || evaluate both sides in Terraform too (no short circuit), so errors on either side count.
    Object l = eval(children.get(0), scope);
    Object r = eval(children.get(1), scope);
    return switch (op) {
      case "add" -> number(l, "+").add(number(r, "+"), MATH);
      case "subtract" -> number(l, "-").subtract(number(r, "-"), MATH);
      case "multiply" -> number(l, "*").multiply(number(r, "*"), MATH);
      case "divide" -> number(l, "/").divide(nonZero(number(r, "/")), MATH);
      case "modulo" -> number(l, "%").remainder(nonZero(number(r, "%")), MATH);
      case "equal" -> same(l, r);
      case "notEqual" -> !same(l, r);
      case "lessThan" -> number(l, "<").compareTo(number(r, "<")) < 0;
      case "lessThanOrEqual" -> number(l, "<=").compareTo(number(r, "<=")) <= 0;
      case "greaterThan" -> number(l, ">").compareTo(number(r, ">")) > 0;
      case "greaterThanOrEqual" -> number(l, ">=").compareTo(number(r, ">=")) >= 0;
      case "logicalAnd" -> bool(l, "&&") && bool(r, "&&");
      case "logicalOr" -> bool(l, "||") || bool(r, "||");
      default -> throw unsupported("operator " + op);
    };
  }

  /**
   * An object constructor. Its children come in pairs, key then value, in source order; a bare
   * name as key comes as an empty node, so its name is found in {@code meta.items} (key source to
   * value source) by its value's source text, which must then be unique.
   */
  private Object object(JsonNode meta, List<JsonNode> children, Map<String, Object> scope) {
    Map<String, Object> out = new TreeMap<>();
    Set<String> taken = new HashSet<>();
    for (int i = 0; i + 1 < children.size(); i += 2) {
      JsonNode keyNode = children.get(i);
      JsonNode valueNode = children.get(i + 1);
      String key;
      if (keyNode.path("children").size() > 0) {
        // A quoted key, or an expression in parentheses.
        key = text(eval(keyNode.path("children").get(0), scope));
      } else {
        String source = valueNode.path("meta").path("value").asText();
        List<String> names = new ArrayList<>();
        meta.path("items").properties().forEach(e -> {
          if (e.getValue().asText().equals(source) && e.getKey().matches("[A-Za-z_][A-Za-z0-9_-]*") && !taken.contains(e.getKey())) {
            names.add(e.getKey());
          }
        });
        if (names.size() != 1) {
          throw unsupported("an object whose bare keys " + names + " have the same value '" + source + "'");
        }
        key = names.get(0);
      }
      taken.add(key);
      out.put(key, eval(valueNode, scope));
    }
    return out;
  }

  private Object forExpression(JsonNode meta, List<JsonNode> children, Map<String, Object> scope) {
    boolean toMap = "{".equals(meta.path("openRangeValue").asText());
    if (meta.path("groupedValue").asBoolean()) {
      throw unsupported("grouping (...) in '" + meta.path("value").asText() + "'");
    }
    String keyVar = meta.path("keyVar").asText();
    String valVar = meta.path("valVar").asText();
    // The children: the collection, the key (map results only), the value, the condition if any.
    int at = 1;
    JsonNode keyExpr = toMap ? children.get(at++) : null;
    JsonNode valueExpr = children.get(at++);
    JsonNode condition = at < children.size() ? children.get(at) : null;
    Object collection = eval(children.get(0), scope);
    List<Object[]> pairs = new ArrayList<>();
    if (collection instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        pairs.add(new Object[] {BigDecimal.valueOf(i), list.get(i)});
      }
    } else if (collection instanceof Map<?, ?> map) {
      map.forEach((k, v) -> pairs.add(new Object[] {k, v}));
    } else {
      throw new IllegalArgumentException(meta.path("value").asText() + ": cannot iterate over " + describe(collection));
    }
    List<Object> list = new ArrayList<>();
    Map<String, Object> map = new TreeMap<>();
    for (Object[] pair : pairs) {
      Map<String, Object> inner = new HashMap<>(scope);
      if (!keyVar.isEmpty()) {
        inner.put(keyVar, pair[0]);
      }
      inner.put(valVar, pair[1]);
      if (condition != null && !bool(eval(condition, inner), "for ... if")) {
        continue;
      }
      if (toMap) {
        String key = text(eval(keyExpr, inner));
        if (map.containsKey(key)) {
          throw new IllegalArgumentException(meta.path("value").asText() + ": duplicate key \"" + key + "\"");
        }
        map.put(key, eval(valueExpr, inner));
      } else {
        list.add(eval(valueExpr, inner));
      }
    }
    return toMap ? map : list;
  }

  private Object call(String name, List<JsonNode> argNodes, boolean expand, Map<String, Object> scope) {
    List<Object> args = new ArrayList<>();
    argNodes.forEach(a -> args.add(eval(a, scope)));
    if (expand) {
      Object last = args.remove(args.size() - 1);
      args.addAll(list(last, name + "(...)"));
    }
    switch (name) {
      case "min":
      case "max": {
        if (args.isEmpty()) {
          throw new IllegalArgumentException(name + "() needs at least one number");
        }
        BigDecimal best = number(args.get(0), name);
        for (Object a : args) {
          BigDecimal n = number(a, name);
          best = "min".equals(name) ? best.min(n) : best.max(n);
        }
        return best;
      }
      case "floor":
        return number(one(args, name), name).setScale(0, RoundingMode.FLOOR);
      case "ceil":
        return number(one(args, name), name).setScale(0, RoundingMode.CEILING);
      case "length": {
        Object v = one(args, name);
        if (v instanceof String s) {
          return BigDecimal.valueOf(s.codePointCount(0, s.length()));
        }
        return BigDecimal.valueOf(v instanceof Map<?, ?> m ? m.size() : list(v, name).size());
      }
      case "sum": {
        List<?> l = list(one(args, name), name);
        if (l.isEmpty()) {
          // As in Terraform: sum of nothing is an error, not 0.
          throw new IllegalArgumentException("sum(): cannot sum an empty list");
        }
        BigDecimal total = BigDecimal.ZERO;
        for (Object o : l) {
          total = total.add(number(o, name), MATH);
        }
        return total;
      }
      case "index": {
        arity(args, 2, name);
        List<?> l = list(args.get(0), name);
        for (int i = 0; i < l.size(); i++) {
          if (same(l.get(i), args.get(1))) {
            return BigDecimal.valueOf(i);
          }
        }
        throw new IllegalArgumentException("index(): item " + describe(args.get(1)) + " not found");
      }
      case "contains": {
        arity(args, 2, name);
        return list(args.get(0), name).stream().anyMatch(e -> same(e, args.get(1)));
      }
      case "lookup": {
        arity(args, 3, name);
        Map<?, ?> m = map(args.get(0), name);
        String k = text(args.get(1));
        return m.containsKey(k) ? m.get(k) : args.get(2);
      }
      case "keys":
        return new ArrayList<>(map(one(args, name), name).keySet());
      case "values":
        return new ArrayList<>(map(one(args, name), name).values());
      case "concat": {
        List<Object> all = new ArrayList<>();
        args.forEach(a -> all.addAll(list(a, name)));
        return all;
      }
      case "distinct":
        return new ArrayList<>(new LinkedHashSet<>(list(one(args, name), name)));
      case "merge": {
        Map<String, Object> all = new TreeMap<>();
        for (Object a : args) {
          if (a != null) {
            map(a, name).forEach((k, v) -> all.put(text(k), v));
          }
        }
        return all;
      }
      case "yamlencode":
        // The same document as Terraform's, though not byte for byte: Jackson's YAML style.
        try {
          return YAML.writeValueAsString(one(args, name));
        } catch (JsonProcessingException e) {
          throw new IllegalArgumentException("yamlencode(): " + e.getOriginalMessage(), e);
        }
      case "join": {
        arity(args, 2, name);
        List<String> parts = new ArrayList<>();
        list(args.get(1), name).forEach(p -> parts.add(text(p)));
        return String.join(text(args.get(0)), parts);
      }
      case "range": {
        if (args.isEmpty() || args.size() > 3) {
          throw new IllegalArgumentException("range() takes 1 to 3 numbers");
        }
        BigDecimal start = args.size() == 1 ? BigDecimal.ZERO : number(args.get(0), name);
        BigDecimal end = number(args.get(args.size() == 1 ? 0 : 1), name);
        BigDecimal step = args.size() == 3 ? nonZero(number(args.get(2), name)) : BigDecimal.ONE;
        List<Object> out = new ArrayList<>();
        for (BigDecimal i = start; step.signum() > 0 ? i.compareTo(end) < 0 : i.compareTo(end) > 0; i = i.add(step)) {
          out.add(i);
          if (out.size() > 1024) {
            // Terraform's own bound on range().
            throw new IllegalArgumentException("range(): more than 1024 elements");
          }
        }
        return out;
      }
      default:
        throw unsupported("the function " + name + "()");
    }
  }

  /** Terraform's ==: the same type and the same value (1 == 1.0 for numbers). */
  private static boolean same(Object a, Object b) {
    if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
      return x.compareTo(y) == 0;
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!same(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (!x.keySet().equals(y.keySet())) {
        return false;
      }
      for (Object k : x.keySet()) {
        if (!same(x.get(k), y.get(k))) {
          return false;
        }
      }
      return true;
    }
    return Objects.equals(a, b);
  }

  /** A value in a string template, or as a map key: Terraform's automatic conversion to string. */
  static String text(Object v) {
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof BigDecimal n) {
      return n.signum() == 0 ? "0" : n.stripTrailingZeros().toPlainString();
    }
    if (v instanceof Boolean b) {
      return b.toString();
    }
    throw new IllegalArgumentException("cannot use " + describe(v) + " as a string");
  }

  static BigDecimal number(Object v, String where) {
    if (v instanceof BigDecimal n) {
      return n;
    }
    if (v instanceof String s) {
      try {
        // Terraform converts a numeric string to a number where one is needed.
        return new BigDecimal(s.trim());
      } catch (NumberFormatException e) {
        // falls through to the error below
      }
    }
    throw new IllegalArgumentException(where + ": expected a number, got " + describe(v));
  }

  private static boolean bool(Object v, String where) {
    if (v instanceof Boolean b) {
      return b;
    }
    if ("true".equals(v) || "false".equals(v)) {
      return Boolean.parseBoolean((String) v);
    }
    throw new IllegalArgumentException(where + ": expected a bool, got " + describe(v));
  }

  private static List<?> list(Object v, String where) {
    if (v instanceof List<?> l) {
      return l;
    }
    throw new IllegalArgumentException(where + ": expected a list, got " + describe(v));
  }

  private static Map<?, ?> map(Object v, String where) {
    if (v instanceof Map<?, ?> m) {
      return m;
    }
    throw new IllegalArgumentException(where + ": expected a map, got " + describe(v));
  }

  private static Object one(List<Object> args, String name) {
    arity(args, 1, name);
    return args.get(0);
  }

  private static void arity(List<Object> args, int n, String name) {
    if (args.size() != n) {
      throw new IllegalArgumentException(name + "() takes " + n + " argument(s), got " + args.size());
    }
  }

  private static BigDecimal nonZero(BigDecimal n) {
    if (n.signum() == 0) {
      throw new IllegalArgumentException("division by zero");
    }
    return n;
  }

  private static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    String s = String.valueOf(v);
    return v.getClass().getSimpleName() + " " + (s.length() > 80 ? s.substring(0, 80) + "..." : s);
  }

  private static UnsupportedOperationException unsupported(String what) {
    return new UnsupportedOperationException(what + " is outside the subset sizing.tf keeps to (see its header)");
  }
}
