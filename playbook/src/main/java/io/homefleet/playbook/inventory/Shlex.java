package io.homefleet.playbook.inventory;

import java.util.ArrayList;
import java.util.List;

/** Python's {@code shlex.split} in POSIX mode with comments, as Ansible reads an INI host line. */
final class Shlex {
  private Shlex() {}

  static List<String> split(String s) {
    List<String> out = new ArrayList<>();
    StringBuilder token = new StringBuilder();
    boolean inToken = false;
    char quote = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else if (c == '\\' && quote == '"' && i + 1 < s.length() && "\"\\$`".indexOf(s.charAt(i + 1)) >= 0) {
          token.append(s.charAt(++i));
        } else {
          token.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inToken = true;
      } else if (c == '\\' && i + 1 < s.length()) {
        token.append(s.charAt(++i));
        inToken = true;
      } else if (Character.isWhitespace(c)) {
        if (inToken) {
          out.add(token.toString());
          token.setLength(0);
          inToken = false;
        }
      } else if (c == '#' && !inToken) {
        break;
      } else {
        token.append(c);
        inToken = true;
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("no closing quotation (" + quote + ") in '" + s + "'");
    }
    if (inToken) {
      out.add(token.toString());
    }
    return out;
  }
}
