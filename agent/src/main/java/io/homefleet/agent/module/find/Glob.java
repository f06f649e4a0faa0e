package io.homefleet.agent.module.find;

import io.homefleet.agent.module.edit.PythonRegex;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Shell patterns as Python's {@code fnmatch} reads them ({@code *}, {@code ?}, {@code [seq]},
 * {@code [!seq]}, no quoting, case-sensitive, {@code *} crossing everything): a port of
 * {@code fnmatch.translate} of Python 3.11, whose regular expression then runs through
 * {@link PythonRegex}. Java's {@code glob:} differs ({@code {a,b}}, backslash quoting).
 */
final class Glob {
  private Glob() {}

  /** The whole-name pattern for {@code glob}; match it with {@code matches()}. */
  static Pattern toPattern(String glob) {
    return PythonRegex.compile(translate(glob), Pattern.DOTALL).pattern();
  }

  static String translate(String pat) {
    StringBuilder res = new StringBuilder();
    int i = 0;
    int n = pat.length();
    boolean lastStar = false;
    while (i < n) {
      char c = pat.charAt(i++);
      if (c == '*') {
        if (!lastStar) {
          res.append(".*");
        }
        lastStar = true;
        continue;
      }
      lastStar = false;
      if (c == '?') {
        res.append('.');
      } else if (c == '[') {
        int j = i;
        if (j < n && pat.charAt(j) == '!') {
          j++;
        }
        if (j < n && pat.charAt(j) == ']') {
          j++;
        }
        while (j < n && pat.charAt(j) != ']') {
          j++;
        }
        if (j >= n) {
          res.append("\\[");
          continue;
        }
        String stuff;
        if (pat.substring(i, j).indexOf('-') < 0) {
          stuff = pat.substring(i, j).replace("\\", "\\\\");
        } else {
          List<String> chunks = new ArrayList<>();
          int k = pat.charAt(i) == '!' ? i + 2 : i + 1;
          while (true) {
            k = k < j ? pat.indexOf('-', k) : -1;
            if (k < 0 || k >= j) {
              break;
            }
            chunks.add(pat.substring(i, k));
            i = k + 1;
            k = k + 3;
          }
          String chunk = pat.substring(i, j);
          if (!chunk.isEmpty()) {
            chunks.add(chunk);
          } else {
            chunks.set(chunks.size() - 1, chunks.get(chunks.size() - 1) + "-");
          }
          // Empty ranges (z-a) are invalid in a regular expression: Python drops them.
          for (int m = chunks.size() - 1; m > 0; m--) {
            String prev = chunks.get(m - 1);
            String cur = chunks.get(m);
            if (prev.charAt(prev.length() - 1) > cur.charAt(0)) {
              chunks.set(m - 1, prev.substring(0, prev.length() - 1) + cur.substring(1));
              chunks.remove(m);
            }
          }
          List<String> escaped = new ArrayList<>();
          for (String s : chunks) {
            escaped.add(s.replace("\\", "\\\\").replace("-", "\\-"));
          }
          stuff = String.join("-", escaped);
        }
        stuff = stuff.replaceAll("([&~|])", "\\\\$1");
        i = j + 1;
        if (stuff.isEmpty()) {
          res.append("(?!)");
        } else if (stuff.equals("!")) {
          res.append('.');
        } else {
          if (stuff.charAt(0) == '!') {
            stuff = "^" + stuff.substring(1);
          } else if (stuff.charAt(0) == '^' || stuff.charAt(0) == '[') {
            stuff = "\\" + stuff;
          }
          res.append('[').append(stuff).append(']');
        }
      } else {
        res.append(Character.isLetterOrDigit(c) || c == '_' ? String.valueOf(c) : "\\" + c);
      }
    }
    return res.toString();
  }
}
