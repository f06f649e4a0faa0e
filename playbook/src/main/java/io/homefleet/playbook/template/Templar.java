package io.homefleet.playbook.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * <p>Undefined variables are errors, as in Ansible.
 */
public final class Templar {
  private static final Pattern SINGLE_EXPRESSION = Pattern.compile("^\\{\\{\\s*(.*?)\\s*}}$", Pattern.DOTALL);

  private final Jinjava jinjava;

  public Templar() {
    JinjavaConfig config = JinjavaConfig.newBuilder()
        .withFailOnUnknownTokens(true)
        .withTrimBlocks(true)
        .withLstripBlocks(false)
        .build();
    this.jinjava = new Jinjava(config);
  }

  /** The engine, for registering Ansible's filters and tests. */
  Jinjava jinjava() {
    return jinjava;
  }

  /** Renders {@code template} with {@code vars} to text. */
  public String render(String template, Map<String, ?> vars) throws TemplateException {
    if (template.indexOf('{') < 0) {
      return template;
    }
    RenderResult result = jinjava.renderForResult(template, asObjects(vars));
    List<TemplateError> errors = result.getErrors().stream()
        .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL)
        .toList();
    if (!errors.isEmpty()) {
      throw new TemplateException(describe(template, errors.get(0)));
    }
    return result.getOutput();
  }

  /** Evaluates a bare Jinja expression (no braces) to its native value. */
  public Object evaluate(String expression, Map<String, ?> vars) throws TemplateException {
    JinjavaInterpreter interpreter = jinjava.newInterpreter();
    interpreter.getContext().putAll(asObjects(vars));
    JinjavaInterpreter.pushCurrent(interpreter);
    try {
      Object value = interpreter.resolveELExpression(expression, 1);
      List<TemplateError> errors = interpreter.getErrorsCopy().stream()
          .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL)
          .toList();
      if (!errors.isEmpty()) {
        throw new TemplateException(describe(expression, errors.get(0)));
      }
      return value;
    } catch (RuntimeException e) {
      throw new TemplateException("cannot evaluate '" + expression + "': " + e.getMessage(), e);
    } finally {
      JinjavaInterpreter.popCurrent();
    }
  }

  /** Evaluates a condition ({@code when:}) to true or false, with Ansible's truthiness. */
  public boolean condition(String expression, Map<String, ?> vars) throws TemplateException {
    return truthy(evaluate(expression, vars));
  }

  /** Renders every string inside {@code value} (maps and lists walked), keeping native types. */
  public Object template(Object value, Map<String, ?> vars) throws TemplateException {
    if (value instanceof String s) {
      Matcher m = SINGLE_EXPRESSION.matcher(s);
      if (m.matches() && !m.group(1).contains("}}") && !m.group(1).contains("{{")) {
        return evaluate(m.group(1), vars);
      }
      return render(s, vars);
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.put(render(String.valueOf(e.getKey()), vars), template(e.getValue(), vars));
      }
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object o : list) {
        out.add(template(o, vars));
      }
      return out;
    }
    return value;
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

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asObjects(Map<String, ?> vars) {
    return (Map<String, Object>) vars;
  }

  private static String describe(String source, TemplateError error) {
    String what = error.getMessage();
    String snippet = source.length() > 80 ? source.substring(0, 77) + "..." : source;
    return what + " (in '" + snippet.replace("\n", "\\n") + "')";
  }
}
