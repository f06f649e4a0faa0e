package io.homefleet.playbook.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.objects.SafeString;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Jinja2 templating with Ansible's semantics, on Jinjava. One instance is thread-safe and meant
 * to be shared: creating the engine is the expensive part.
 *
 * <ul>
 *   <li>{@link #render} renders a template to text ({@code template:} files, strings in args);
 *   <li>{@link #evaluate} evaluates a bare expression ({@code when:}, {@code that:},
 *       {@code failed_when:}) to its native value;
 *   <li>{@link #template} walks args: strings are rendered, and a string that is exactly one
 *       {@code {{ expression }}} keeps the expression's native type (a list stays a list), as
 *       Ansible does.
 * </ul>
 *
 * <p>Undefined variables are errors, as in Ansible: a name no scope defines, or a key a mapping
 * does not have, is Jinja2's strict undefined; {@code is defined}, {@code default} and
 * {@code mandatory} look at it, any other use fails with the name. A variable that is defined as
 * null is None. Ansible's everyday filters and tests are registered (see docs/templates.md) and
 * override Jinjava's builtins of the same name where their semantics differ.
 */
public final class Templar {
  /**
   * The value of {@code omit}. A module argument whose templated value is exactly this string is
   * dropped, as if it had not been written ({@code mode: "{{ mode | default(omit) }}"}).
   */
  public static final String OMIT = "__omit_place_holder__homefleet";

  private static final Pattern SINGLE_EXPRESSION = Pattern.compile("^\\{\\{\\s*(.*?)\\s*}}$", Pattern.DOTALL);

  /** EL keywords and Python's constants: never a plain variable lookup. */
  private static final Set<String> NOT_NAMES = Set.of("true", "false", "null", "empty", "not", "and", "or", "div",
      "mod", "eq", "ne", "lt", "gt", "le", "ge", "instanceof", "none", "None", "True", "False", "in", "is", "if",
      "else");

  private final Jinjava jinjava;
  private final JinjavaConfig config;
  private final boolean fastPaths;
  private final ControllerLookup controllerLookup;

  public Templar() {
    this(true);
  }

  /**
   * @param fastPaths whether strings made only of literal text and {@code {{ name }}} lookups
   *     are rendered without the engine (tests compare both ways)
   */
  Templar(boolean fastPaths) {
    this.fastPaths = fastPaths;
    this.controllerLookup = null;
    this.config = JinjavaConfig.newBuilder()
        .withFailOnUnknownTokens(false)
        .withElResolver(new StrictResolver())
        .withTrimBlocks(true)
        .withLstripBlocks(false)
        .build();
    this.jinjava = new AnsibleJinjava(config);
    Stream.of(CoreFilters.all(), TextFilters.all(), CollectionFilters.all(), DataFilters.all(), PathFilters.all())
        .flatMap(List::stream)
        .forEach(jinjava::registerFilter);
    AnsibleTests.all().forEach(jinjava::registerExpTest);
    try {
      jinjava.registerFunction(new ELFunctionDefinition("", "lookup",
          Lookups.class.getMethod("lookup", String.class, Object[].class)));
      jinjava.registerFunction(new ELFunctionDefinition("", "query",
          Lookups.class.getMethod("query", String.class, Object[].class)));
      jinjava.registerFunction(new ELFunctionDefinition("", "q",
          Lookups.class.getMethod("query", String.class, Object[].class)));
      jinjava.registerFunction(new ELFunctionDefinition("", "__hf_capture",
          Lookups.class.getMethod("capture", String.class, Object[].class)));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
    jinjava.getGlobalContext().put("omit", OMIT);
  }

  private Templar(Templar engine, ControllerLookup controllerLookup) {
    this.fastPaths = engine.fastPaths;
    this.config = engine.config;
    this.jinjava = engine.jinjava;
    this.controllerLookup = controllerLookup;
  }

  /**
   * This engine (shared, not copied) with {@code controllerLookup} answering the lookups Ansible
   * runs on the controller ({@link ControllerLookup#NAMES}).
   */
  public Templar withControllerLookup(ControllerLookup controllerLookup) {
    return new Templar(this, java.util.Objects.requireNonNull(controllerLookup, "controllerLookup"));
  }

  /**
   * {@code with_<plugin>:}'s items for {@code terms}, as {@code query(plugin, terms)} gives them,
   * rendered with {@code vars} (the lookups that need them: {@code vars}, {@code template}).
   */
  public List<Object> loopLookup(String plugin, List<Object> terms, Map<String, ?> vars) throws TemplateException {
    Walk walk = new Walk(vars);
    JinjavaInterpreter interpreter = walk.enter();
    int errors = interpreter.getErrors().size();
    try {
      List<Object> out = Lookups.loop(plugin, terms);
      check("with_" + plugin, interpreter, errors);
      @SuppressWarnings("unchecked")
      List<Object> items = (List<Object>) plain(out);
      return items;
    } catch (RuntimeException e) {
      throw new TemplateException(describe("with_" + plugin, e), e);
    } finally {
      walk.leave();
    }
  }

  /** True if {@code value} is {@link #OMIT}: the argument holding it is to be left out. */
  public static boolean isOmit(Object value) {
    return OMIT.equals(value);
  }

  /** The names of all filters the engine knows (Ansible's and Jinjava's), sorted. */
  public Set<String> filterNames() {
    Set<String> names = new TreeSet<>();
    jinjava.getGlobalContext().getAllFilters().forEach(f -> names.add(f.getName()));
    return names;
  }

  /** The names of all tests the engine knows (Ansible's and Jinjava's), sorted. */
  public Set<String> testNames() {
    Set<String> names = new TreeSet<>();
    jinjava.getGlobalContext().getAllExpTests().forEach(t -> names.add(t.getName()));
    return names;
  }

  /** The engine, for registering Ansible's filters and tests. */
  Jinjava jinjava() {
    return jinjava;
  }

  /** Renders {@code template} with {@code vars} to text. */
  public String render(String template, Map<String, ?> vars) throws TemplateException {
    return render(template, new Walk(vars));
  }

  private String render(String template, Walk walk) throws TemplateException {
    if (template.indexOf('{') < 0) {
      return template;
    }
    if (fastPaths) {
      String fast = lookups(template, walk.vars);
      if (fast != null) {
        return fast;
      }
    }
    JinjavaInterpreter interpreter = walk.enter();
    int errors = interpreter.getErrors().size();
    try {
      String output = interpreter.render(Backslashes.inTemplate(template));
      check(template, interpreter, errors);
      return output;
    } catch (RuntimeException e) {
      throw new TemplateException(describe(template, e), e);
    } finally {
      walk.leave();
    }
  }

  /** Evaluates a bare Jinja expression (no braces) to its native value. */
  public Object evaluate(String expression, Map<String, ?> vars) throws TemplateException {
    return evaluate(expression, Backslashes.inExpression(expression), new Walk(vars));
  }

  private Object evaluate(String expression, String prepared, Walk walk) throws TemplateException {
    JinjavaInterpreter interpreter = walk.enter();
    int errors = interpreter.getErrors().size();
    try {
      Object value = interpreter.resolveELExpression(prepared, 1);
      check(expression, interpreter, errors);
      return plain(value);
    } catch (RuntimeException e) {
      throw new TemplateException(describe(expression, e), e);
    } finally {
      walk.leave();
    }
  }

  /** Evaluates a condition ({@code when:}) to true or false, with Ansible's truthiness. */
  public boolean condition(String expression, Map<String, ?> vars) throws TemplateException {
    return truthy(evaluate(expression, vars));
  }

  /** Renders every string inside {@code value} (maps and lists walked), keeping native types. */
  public Object template(Object value, Map<String, ?> vars) throws TemplateException {
    return template(value, new Walk(vars));
  }

  private Object template(Object value, Walk walk) throws TemplateException {
    if (value instanceof String s) {
      if (s.indexOf('{') < 0) {
        return s;
      }
      if (fastPaths && s.startsWith("{{") && s.endsWith("}}") && s.length() >= 4) {
        Object v = lookup(s, 2, s.length() - 2, walk.vars);
        if (v != null) {
          return v;
        }
      }
      Matcher m = SINGLE_EXPRESSION.matcher(s);
      if (m.matches() && Backslashes.expressionEnd(s, 2) == s.length() - 2) {
        String doubled = Backslashes.inTemplate(s);
        return evaluate(s, doubled.substring(2, doubled.length() - 2), walk);
      }
      return render(s, walk);
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.put(render(String.valueOf(e.getKey()), walk), template(e.getValue(), walk));
      }
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object o : list) {
        out.add(template(o, walk));
      }
      return out;
    }
    return value;
  }

  /**
   * The text of {@code template} when it is only literal text and {@code {{ name }}} lookups of
   * variables that {@link #lookup} can answer, rendered as the engine would; null for anything
   * else (the engine renders it). The literal text may hold no brace and no backslash, so that
   * nothing in it is syntax to Jinja or to {@link Backslashes}.
   */
  private static String lookups(String template, Map<String, ?> vars) {
    StringBuilder out = null;
    int i = 0;
    int n = template.length();
    while (i < n) {
      int open = template.indexOf("{{", i);
      int end = open < 0 ? n : open;
      for (int k = i; k < end; k++) {
        char c = template.charAt(k);
        if (c == '{' || c == '}' || c == '\\') {
          return null;
        }
      }
      if (out == null) {
        out = new StringBuilder(n + 32);
      }
      out.append(template, i, end);
      if (open < 0) {
        break;
      }
      int close = template.indexOf("}}", open + 2);
      if (close < 0) {
        return null;
      }
      Object v = lookup(template, open + 2, close, vars);
      if (v == null) {
        return null;
      }
      // As AnsibleInterpreter.getAsString: Python's str() for booleans, the plain text otherwise.
      out.append(v instanceof Boolean ? Py.str(v) : v.toString());
      i = close + 2;
    }
    return out == null ? "" : out.toString();
  }

  /**
   * The value of the variable named between {@code from} and {@code to} of {@code s} (blanks
   * around the name allowed), when the engine would give exactly that value: the name is an
   * identifier that is no keyword, {@code vars} defines it, and its value is a string with no
   * brace (the engine would render a nested template in it), a boolean, an int or a long. Null
   * for anything else.
   */
  private static Object lookup(String s, int from, int to, Map<String, ?> vars) {
    while (from < to && isBlank(s.charAt(from))) {
      from++;
    }
    while (to > from && isBlank(s.charAt(to - 1))) {
      to--;
    }
    if (from == to || !isNameStart(s.charAt(from))) {
      return null;
    }
    for (int k = from + 1; k < to; k++) {
      if (!isNamePart(s.charAt(k))) {
        return null;
      }
    }
    String name = s.substring(from, to);
    if (NOT_NAMES.contains(name)) {
      return null;
    }
    Object v = vars.get(name);
    if (v instanceof String str) {
      return str.indexOf('{') < 0 ? str : null;
    }
    return v instanceof Boolean || v instanceof Integer || v instanceof Long ? v : null;
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  private static boolean isNameStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isNamePart(char c) {
    return isNameStart(c) || (c >= '0' && c <= '9');
  }

  /** Ansible's truthiness: false, None, 0, "" and empty collections are false; so are "false"/"no"/"off". */
  public static boolean truthy(Object value) {
    if (value == null) {
      return false;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof Number n) {
      return n.doubleValue() != 0;
    }
    if (value instanceof String s) {
      String t = s.trim().toLowerCase(java.util.Locale.ROOT);
      return !(t.isEmpty() || t.equals("false") || t.equals("no") || t.equals("off") || t.equals("0")
          || t.equals("n") || t.equals("f"));
    }
    if (value instanceof java.util.Collection<?> c) {
      return !c.isEmpty();
    }
    if (value instanceof Map<?, ?> m) {
      return !m.isEmpty();
    }
    return true;
  }

  /**
   * One walk over a value with one set of variables: its strings share one interpreter, made
   * when the first string that holds a template is met (the engine's set-up, the copy of the
   * variables into its scope, is most of what a short string costs). Each string renders in a
   * scope of its own, so a {@code {% set %}} in one is not seen by the next, and only the
   * errors of that string count.
   */
  private final class Walk {
    private final Map<String, ?> vars;
    private JinjavaInterpreter interpreter;

    Walk(Map<String, ?> vars) {
      this.vars = vars;
    }

    JinjavaInterpreter enter() {
      if (interpreter == null) {
        interpreter = new AnsibleInterpreter(jinjava, new StrictContext(jinjava.getGlobalContext(), vars), config,
            controllerLookup);
      }
      JinjavaInterpreter.pushCurrent(interpreter);
      interpreter.enterScope();
      return interpreter;
    }

    void leave() {
      interpreter.leaveScope();
      JinjavaInterpreter.popCurrent();
    }
  }

  /** Fails on the first fatal error the engine recorded (from index {@code from} on) instead of throwing. */
  private static void check(String source, JinjavaInterpreter interpreter, int from) throws TemplateException {
    List<TemplateError> errors = interpreter.getErrorsCopy();
    for (TemplateError error : errors.subList(Math.min(from, errors.size()), errors.size())) {
      if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
        RuntimeException ours = ours(error.getException());
        String what = ours != null ? ours.getMessage() : error.getMessage();
        throw new TemplateException(describe(source, what, error.getLineno()));
      }
    }
  }

  /** Our own exception (undefined name, filter error) somewhere in a cause chain, if any. */
  private static RuntimeException ours(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof Undefined.UndefinedVariableException || c instanceof AnsibleFilter.FilterException
          || c instanceof Lookups.LookupException || c instanceof PyFormat.FormatException) {
        return (RuntimeException) c;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }

  private static String describe(String source, RuntimeException e) {
    RuntimeException ours = ours(e);
    return describe(source, ours != null ? ours.getMessage() : String.valueOf(e.getMessage()), -1);
  }

  private static String describe(String source, String what, int line) {
    String snippet = source.length() > 80 ? source.substring(0, 77) + "..." : source;
    String where = line > 1 || (line == 1 && source.contains("\n")) ? " at line " + line : "";
    return what + " (in '" + snippet.replace("\n", "\\n") + "'" + where + ")";
  }

  /**
   * The value as plain Java collections and strings (Jinjava's own list, map and safe-string
   * types unwrapped); an undefined value anywhere inside is an error.
   */
  private static Object plain(Object value) {
    if (value instanceof Undefined u) {
      throw u.error();
    }
    if (value instanceof SafeString s) {
      return s.toString();
    }
    if (value instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(plain(k), plain(v)));
      return out;
    }
    if (value instanceof Collection<?> c) {
      List<Object> out = new ArrayList<>(c.size());
      c.forEach(o -> out.add(plain(o)));
      return out;
    }
    if (value != null && value.getClass().isArray() && !(value instanceof byte[])) {
      return plain(Py.list(value));
    }
    return value;
  }
}
