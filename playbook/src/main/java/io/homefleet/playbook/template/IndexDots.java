package io.homefleet.playbook.template;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jinja2's {@code item.0}: an integer after a dot is a subscript ({@code item[0]}), as in
 * with_together's and with_subelements' items. Jinjava's parser refuses it, so expressions are
 * rewritten before Jinjava reads them, outside string literals only.
 */
public final class IndexDots {
  /** A name, a closing bracket or parenthesis, then {@code .DIGITS} not followed by more of a name. */
  private static final Pattern DOT_INDEX = Pattern.compile("(?<=[A-Za-z_][A-Za-z0-9_]{0,200}|[\\])])\\.(\\d+)(?![\\w(])");

  private IndexDots() {}

  /** {@code expression} with each {@code .N} subscript written as {@code [N]}. */
  public static String rewrite(String expression) {
    if (expression.indexOf('.') < 0) {
      return expression;
    }
    StringBuilder out = new StringBuilder(expression.length() + 4);
    int i = 0;
    while (i < expression.length()) {
      int quote = nextQuote(expression, i);
      out.append(code(expression.substring(i, quote)));
      if (quote == expression.length()) {
        break;
      }
      int end = Backslashes.literalEnd(expression, quote);
      out.append(expression, quote, Math.min(end + 1, expression.length()));
      i = Math.min(end + 1, expression.length());
    }
    return out.toString();
  }

  /** Repeated, since {@code x.0.1} becomes {@code x[0].1} first. */
  private static String code(String segment) {
    String s = segment;
    for (Matcher m = DOT_INDEX.matcher(s); m.find(); m = DOT_INDEX.matcher(s)) {
      s = m.replaceAll("[$1]");
    }
    return s;
  }

  private static int nextQuote(String s, int from) {
    for (int j = from; j < s.length(); j++) {
      if (s.charAt(j) == '\'' || s.charAt(j) == '"') {
        return j;
      }
    }
    return s.length();
  }
}
