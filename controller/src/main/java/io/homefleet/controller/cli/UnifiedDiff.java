package io.homefleet.controller.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders one of Ansible's {@code diff} dictionaries ({@code before}, {@code after},
 * {@code before_header}, {@code after_header}) as a unified diff of lines, as ansible-playbook
 * does under {@code --diff}. Dictionaries (a file's {@code {path, state}}) are compared as
 * indented JSON. Three lines of context; a longest-common-subsequence diff, fine for the files
 * a play writes (it is quadratic in their line counts).
 */
final class UnifiedDiff {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
  private static final int CONTEXT = 3;
  private static final int MAX_LINES = 5000;

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
    List<String> ops = diff(a, b);
    // Hunks: runs of changes with up to CONTEXT lines around them.
    int n = ops.size();
    int i = 0;
    while (i < n) {
      if (ops.get(i).charAt(0) == ' ') {
        i++;
        continue;
      }
      int start = Math.max(0, i - CONTEXT);
      int end = i;
      int lastChange = i;
      while (end < n && (ops.get(end).charAt(0) != ' ' || end - lastChange <= 2 * CONTEXT)) {
        if (ops.get(end).charAt(0) != ' ') {
          lastChange = end;
        }
        end++;
      }
      end = Math.min(n, lastChange + CONTEXT + 1);
      int aStart = 1;
      int bStart = 1;
      for (int k = 0; k < start; k++) {
        char c = ops.get(k).charAt(0);
        if (c != '+') {
          aStart++;
        }
        if (c != '-') {
          bStart++;
        }
      }
      int aLen = 0;
      int bLen = 0;
      for (int k = start; k < end; k++) {
        char c = ops.get(k).charAt(0);
        if (c != '+') {
          aLen++;
        }
        if (c != '-') {
          bLen++;
        }
      }
      sb.append("@@ -").append(aLen == 0 ? aStart - 1 : aStart).append(',').append(aLen).append(" +")
          .append(bLen == 0 ? bStart - 1 : bStart).append(',').append(bLen).append(" @@\n");
      for (int k = start; k < end; k++) {
        sb.append(ops.get(k)).append('\n');
      }
      i = end;
    }
    return sb.toString();
  }

  private static List<String> diff(List<String> a, List<String> b) {
    int[][] lcs = new int[a.size() + 1][b.size() + 1];
    for (int x = a.size() - 1; x >= 0; x--) {
      for (int y = b.size() - 1; y >= 0; y--) {
        lcs[x][y] = a.get(x).equals(b.get(y)) ? lcs[x + 1][y + 1] + 1 : Math.max(lcs[x + 1][y], lcs[x][y + 1]);
      }
    }
    List<String> ops = new ArrayList<>();
    int x = 0;
    int y = 0;
    while (x < a.size() && y < b.size()) {
      if (a.get(x).equals(b.get(y))) {
        ops.add(" " + a.get(x));
        x++;
        y++;
      } else if (lcs[x + 1][y] >= lcs[x][y + 1]) {
        ops.add("-" + a.get(x++));
      } else {
        ops.add("+" + b.get(y++));
      }
    }
    while (x < a.size()) {
      ops.add("-" + a.get(x++));
    }
    while (y < b.size()) {
      ops.add("+" + b.get(y++));
    }
    return ops;
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
