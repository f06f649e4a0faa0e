package io.homefleet.controller.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders one of Ansible's {@code diff} dictionaries ({@code before}, {@code after},
 * {@code before_header}, {@code after_header}) as a unified diff of lines, as ansible-playbook
 * does under {@code --diff}. Dictionaries (a file's {@code {path, state}}) are compared as
 * indented JSON. Three lines of context, Myers' diff (java-diff-utils).
 */
final class UnifiedDiff {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
  private static final int CONTEXT = 3;
  private static final int MAX_LINES = 200_000;
  private static final Pattern EMPTY_RANGE = Pattern.compile("([-+])(\\d+),0(?= )");

  private UnifiedDiff() {}

  static String render(Map<?, ?> d) {
    if (d.get("prepared") != null) {
      return String.valueOf(d.get("prepared")) + "\n";
    }
    String before = text(d.get("before"));
    String after = text(d.get("after"));
    if (before.equals(after)) {
      return "";
    }
    String bh = d.get("before_header") == null ? "before" : "before: " + d.get("before_header");
    String ah = d.get("after_header") == null ? "after" : "after: " + d.get("after_header");
    List<String> a = lines(before);
    List<String> b = lines(after);
    StringBuilder sb = new StringBuilder();
    sb.append("--- ").append(bh).append('\n').append("+++ ").append(ah).append('\n');
    if (a.size() > MAX_LINES || b.size() > MAX_LINES) {
      sb.append("@@ (").append(a.size()).append(" lines before, ").append(b.size())
          .append(" after: too long to show) @@\n");
      return sb.toString();
    }
    // java-diff-utils' Myers diff; its header lines are ours (Ansible's "before: PATH" labels).
    List<String> unified = UnifiedDiffUtils.generateUnifiedDiff(bh, ah, a, DiffUtils.diff(a, b), CONTEXT);
    for (String line : unified.subList(Math.min(2, unified.size()), unified.size())) {
      sb.append(line.startsWith("@@") ? difflibRange(line) : line).append('\n');
    }
    return sb.toString();
  }

  /**
   * An empty side of a hunk starts at the line before it in difflib's (and so Ansible's) output,
   * {@code -0,0} for a new file; java-diff-utils writes the line after it ({@code -1,0}).
   */
  private static String difflibRange(String header) {
    Matcher m = EMPTY_RANGE.matcher(header);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, m.group(1) + (Integer.parseInt(m.group(2)) - 1) + ",0");
    }
    m.appendTail(out);
    return out.toString();
  }

  private static List<String> lines(String s) {
    if (s.isEmpty()) {
      return List.of();
    }
    return List.of(s.split("\n", -1)).subList(0, s.endsWith("\n") ? s.split("\n", -1).length - 1
        : s.split("\n", -1).length);
  }

  private static String text(Object o) {
    if (o == null) {
      return "";
    }
    if (o instanceof String s) {
      return s;
    }
    try {
      return JSON.writeValueAsString(o) + "\n";
    } catch (IOException e) {
      return String.valueOf(o);
    }
  }
}
