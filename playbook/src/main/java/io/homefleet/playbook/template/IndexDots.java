package io.homefleet.playbook.template;

/**
 * Jinja2's {@code item.0}: an integer after a dot is a subscript ({@code item[0]}), as in
 * with_together's and with_subelements' items. Jinjava's parser refuses it, so expressions are
 * rewritten before Jinjava reads them, outside string literals only.
 */
public final class IndexDots {
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

  /**
   * One scan, written out by hand: a regex with a look-behind over the name cost more than the
   * rest of a render. A {@code .DIGITS} not followed by a word character or {@code (} is a
   * subscript when a closing bracket or parenthesis, or a name (word characters, not all
   * digits), comes right before it; {@code x.0.1} is {@code x[0][1]}, as the output so far
   * ends in {@code ]}.
   */
  private static String code(String segment) {
    int dot = segment.indexOf('.');
    if (dot < 0) {
      return segment;
    }
    StringBuilder out = new StringBuilder(segment.length() + 4);
    out.append(segment, 0, dot);
    int i = dot;
    while (i < segment.length()) {
      char c = segment.charAt(i);
      int end = i + 1;
      while (c == '.' && end < segment.length() && isDigit(segment.charAt(end))) {
        end++;
      }
      if (c == '.' && end > i + 1 && (end == segment.length() || !isWord(segment.charAt(end))
          && segment.charAt(end) != '(') && subscriptable(out)) {
        out.append('[').append(segment, i + 1, end).append(']');
        i = end;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /** What precedes the dot: {@code ]}, {@code )}, or word characters with a letter or {@code _} among the last 201. */
  private static boolean subscriptable(CharSequence before) {
    int n = before.length();
    if (n == 0) {
      return false;
    }
    char last = before.charAt(n - 1);
    if (last == ']' || last == ')') {
      return true;
    }
    for (int j = n - 1; j >= 0 && j >= n - 201 && isWord(before.charAt(j)); j--) {
      if (!isDigit(before.charAt(j))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isWord(char c) {
    return isDigit(c) || c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
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
