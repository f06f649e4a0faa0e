package io.homefleet.playbook.inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ansible's host ranges: {@code web[01:03]} is web01, web02, web03 (the start's width is kept),
 * {@code db-[a:c]} is db-a, db-b, db-c, {@code n[0:10:5]} takes a stride. Several ranges in one
 * name multiply.
 */
final class HostRanges {
  private static final Pattern RANGE = Pattern.compile("\\[([^\\]:]*):([^\\]:]*)(?::([^\\]]*))?\\]");

  private HostRanges() {}


  /** The host names a pattern stands for; a name without a range stands for itself. */
  static List<String> expand(String pattern) {
    Matcher m = RANGE.matcher(pattern);
    if (!m.find()) {
      return List.of(pattern);
    }
    String head = pattern.substring(0, m.start());
    String tail = pattern.substring(m.end());
    String start = m.group(1);
    String end = m.group(2);
    String stepText = m.group(3);
    int step = stepText == null || stepText.isEmpty() ? 1 : Integer.parseInt(stepText);
    if (step < 1) {
      throw new IllegalArgumentException("the step of range [" + start + ":" + end + "] must be 1 or more");
    }
    List<String> items = new ArrayList<>();
    if (start.matches("[a-zA-Z]") && end.matches("[a-zA-Z]")) {
      for (char c = start.charAt(0); c <= end.charAt(0); c += (char) step) {
        items.add(String.valueOf(c));
      }
    } else if (start.matches("\\d*") && end.matches("\\d+")) {
      int from = start.isEmpty() ? 0 : Integer.parseInt(start);
      int to = Integer.parseInt(end);
      if (from > to) {
        throw new IllegalArgumentException("range [" + start + ":" + end + "] starts after it ends");
      }
      String format = "%0" + Math.max(1, start.length()) + "d";
      for (int i = from; i <= to; i += step) {
        items.add(start.length() > 1 && start.startsWith("0") ? String.format(format, i) : String.valueOf(i));
      }
    } else {
      throw new IllegalArgumentException("range [" + start + ":" + end
          + "] must be two numbers ([01:10]) or two letters ([a:f])");
    }
    List<String> out = new ArrayList<>();
    for (String item : items) {
      for (String rest : expand(tail)) {
        out.add(head + item + rest);
      }
    }
    return out;
  }
}
