package io.homefleet.playbook.template;

/**
 * Backslashes in string literals, the way Ansible hands them to Jinja.
 *
 * <p>Inside {@code {{ }}} Ansible doubles every backslash of a string literal before Jinja reads
 * it ({@code _escape_backslashes}), so that {@code regex_replace('(o)', '<\1>')} written in YAML
 * reaches the filter as {@code <\1>} and {@code '\\.'} stays two backslashes. Bare expressions
 * ({@code when:}) are read as Jinja2 reads them: Python escapes, an unknown escape such as
 * {@code \d} kept as written (Jinjava would reject it).
 */
public final class Backslashes {
  private Backslashes() {}

  /**
   * Ansible's doubling, applied to the string literals inside every {@code {{ }}} of a template.
   * Closing braces of a dict literal inside an expression ({@code {'a': {}}}) are also set
   * apart, since Jinjava's tokenizer would take them for the end of the expression.
   */
  public static String inTemplate(String template) {
    if (!template.contains("{{")) {
      return template;
    }
    StringBuilder out = new StringBuilder(template.length() + 8);
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf("{{", i);
      if (open < 0) {
        out.append(template, i, template.length());
        break;
      }
      out.append(template, i, open + 2);
      int end = expressionEnd(template, open + 2);
      int exprStart = out.length();
      for (int j = open + 2; j < end; j++) {
        char c = template.charAt(j);
        if (c == '\'' || c == '"') {
          int close = literalEnd(template, j);
          out.append(c).append(template.substring(j + 1, Math.min(close, end)).replace("\\", "\\\\"));
          if (close < end) {
            out.append(c);
          }
          j = close;
        } else {
          out.append(c);
          if (c == '}' && j + 1 < end && template.charAt(j + 1) == '}') {
            out.append(' ');
          }
        }
      }
      String expr = IndexDots.rewrite(out.substring(exprStart));
      out.setLength(exprStart);
      out.append(expr);
      i = end;
    }
    return out.toString();
  }

  /**
   * Where the expression that starts at {@code from} (just after its opening braces) ends: the
   * index of its closing {@code }}}, skipping string literals and the braces of dict literals;
   * the text's length if it does not end.
   */
  static int expressionEnd(String s, int from) {
    int depth = 0;
    int j = from;
    while (j < s.length()) {
      char c = s.charAt(j);
      if (c == '\'' || c == '"') {
        j = literalEnd(s, j) + 1;
        continue;
      }
      if (c == '}' && depth == 0 && s.startsWith("}}", j)) {
        return j;
      }
      if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth--;
      }
      j++;
    }
    return s.length();
  }

  /** A bare expression with Python's unknown escapes ({@code \d}) kept literal for Jinjava. */
  static String inExpression(String expression) {
    if (expression.indexOf('\\') < 0) {
      return IndexDots.rewrite(expression);
    }
    StringBuilder out = new StringBuilder(expression.length() + 8);
    int i = 0;
    while (i < expression.length()) {
      char c = expression.charAt(i);
      if (c == '\'' || c == '"') {
        int end = literalEnd(expression, i);
        out.append(c);
        for (int j = i + 1; j < end; j++) {
          char d = expression.charAt(j);
          if (d == '\\' && j + 1 < end) {
            char e = expression.charAt(j + 1);
            if ("\\'\"ntr".indexOf(e) >= 0) {
              out.append(d).append(e);
            } else {
              out.append("\\\\").append(e);
            }
            j++;
          } else {
            out.append(d);
          }
        }
        out.append(c);
        i = Math.min(end + 1, expression.length());
      } else {
        out.append(c);
        i++;
      }
    }
    return IndexDots.rewrite(out.toString());
  }

  /** Index of the quote closing the literal opened at {@code start} (Jinja's lexer: backslash escapes a character). */
  static int literalEnd(String s, int start) {
    char quote = s.charAt(start);
    int j = start + 1;
    while (j < s.length()) {
      char c = s.charAt(j);
      if (c == '\\') {
        j += 2;
        continue;
      }
      if (c == quote) {
        return j;
      }
      j++;
    }
    return s.length();
  }
}
