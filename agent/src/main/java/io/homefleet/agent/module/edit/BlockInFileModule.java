package io.homefleet.agent.module.edit;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Plan;
import io.homefleet.agent.exec.StateModule;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.file.Validate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Ansible's {@code blockinfile}: a block of lines between two marker lines
 * ({@code # BEGIN ANSIBLE MANAGED BLOCK} / {@code # END ...}), inserted, replaced in place, or
 * removed. Follows Ansible's algorithm: an existing pair of markers is replaced where it is;
 * otherwise the block goes after the last line matching {@code insertafter} (or EOF), or before
 * the last line matching {@code insertbefore} (or BOF).
 */
public final class BlockInFileModule implements StateModule {
  @Override
  public String name() {
    return "blockinfile";
  }

  @Override
  public Plan plan(Map<String, Object> raw, TaskContext ctx) throws TaskException {
    Args a = Args.of(name(), raw);
    Path path = Path.of(a.required("path"));
    String state = a.choice("state", "present", "present", "absent");
    if (a.has("insertafter") && a.has("insertbefore")) {
      throw a.error("parameters are mutually exclusive: insertafter|insertbefore");
    }
    String marker = a.str("marker", "# {mark} ANSIBLE MANAGED BLOCK");
    String begin = marker.replace("{mark}", a.str("marker_begin", "BEGIN"));
    String end = marker.replace("{mark}", a.str("marker_end", "END"));
    String block = a.str("block", "");
    String after = a.str("insertafter").orElse(null);
    String before = a.str("insertbefore").orElse(null);
    Pattern ins = after != null && !after.equals("EOF") ? TextEdit.compile(a, "insertafter", after)
        : before != null && !before.equals("BOF") ? TextEdit.compile(a, "insertbefore", before) : null;
    boolean present = state.equals("present") && !block.isEmpty();
    boolean appendNl = a.bool("append_newline", false);
    boolean prependNl = a.bool("prepend_newline", false);
    return TextEdit.plan(a, path, a.bool("create", false),
        lines -> edit(lines, begin, end, present ? block : null, ins, after, before, appendNl, prependNl),
        !state.equals("present"), Validate.of(a, ctx));
  }

  static TextEdit.Edited edit(List<String> original, String begin, String end, String block, Pattern ins,
      String insertafter, String insertbefore, boolean appendNewline, boolean prependNewline) {
    List<String> lines = new ArrayList<>(original);
    List<String> blockLines = new ArrayList<>();
    if (block != null) {
      blockLines.add(begin);
      blockLines.addAll(List.of(block.split("\r?\n", -1)));
      if (blockLines.get(blockLines.size() - 1).isEmpty()) {
        blockLines.remove(blockLines.size() - 1);
      }
      blockLines.add(end);
    }
    Integer n0 = null;
    Integer n1 = null;
    for (int i = 0; i < lines.size(); i++) {
      String l = TextEdit.stripEol(lines.get(i));
      if (l.equals(begin)) {
        n0 = i;
      }
      if (l.equals(end)) {
        n1 = i;
      }
    }
    int at;
    if (n0 == null || n1 == null) {
      Integer hit = null;
      if (ins != null) {
        for (int i = 0; i < lines.size(); i++) {
          if (ins.matcher(TextEdit.stripEol(lines.get(i))).find()) {
            hit = i;
          }
        }
        if (hit == null) {
          at = lines.size();
        } else {
          at = insertafter != null ? hit + 1 : hit;
        }
      } else if (insertbefore != null) {
        at = 0;
      } else {
        at = lines.size();
      }
    } else if (n0 < n1) {
      lines.subList(n0, n1 + 1).clear();
      at = n0;
    } else {
      lines.subList(n1, n0 + 1).clear();
      at = n1;
    }
    if (at > 0 && !blockLines.isEmpty() && !lines.get(at - 1).endsWith("\n")) {
      lines.set(at - 1, lines.get(at - 1) + "\n");
    }
    List<String> insert = new ArrayList<>();
    if (!blockLines.isEmpty() && prependNewline && at > 0 && !TextEdit.stripEol(lines.get(at - 1)).isEmpty()) {
      insert.add("\n");
    }
    for (String l : blockLines) {
      insert.add(l + "\n");
    }
    if (!blockLines.isEmpty() && appendNewline && at < lines.size() && !TextEdit.stripEol(lines.get(at)).isEmpty()) {
      insert.add("\n");
    }
    lines.addAll(at, insert);
    String msg;
    if (lines.equals(original)) {
      msg = "";
    } else if (blockLines.isEmpty()) {
      msg = "Block removed";
    } else {
      msg = "Block inserted";
    }
    return new TextEdit.Edited(lines, msg, Map.of());
  }
}
