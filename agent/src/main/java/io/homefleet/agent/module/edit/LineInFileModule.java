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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ansible's {@code lineinfile}: makes sure one line is in a file (replacing the last line that
 * {@code regexp} or {@code search_string} matches, or adding it after/before a match, BOF or
 * EOF), or that no line matching is ({@code state=absent}). The algorithm follows Ansible's
 * {@code present()}/{@code absent()} step by step, so edge cases land where Ansible's do.
 */
public final class LineInFileModule implements StateModule {
  @Override
  public String name() {
    return "lineinfile";
  }

  @Override
  public Plan plan(Map<String, Object> raw, TaskContext ctx) throws TaskException {
    Args a = Args.of(name(), raw);
    Path path = Path.of(a.required("path"));
    String state = a.choice("state", "present", "present", "absent");
    String regexpArg = a.str("regexp").orElse(null);
    String search = a.str("search_string").orElse(null);
    if (regexpArg != null && search != null) {
      throw a.error("parameters are mutually exclusive: regexp|search_string");
    }
    if (a.has("insertafter") && a.has("insertbefore")) {
      throw a.error("parameters are mutually exclusive: insertafter|insertbefore");
    }
    Pattern regexp = regexpArg == null ? null : TextEdit.compile(a, "regexp", regexpArg);
    boolean backrefs = a.bool("backrefs", false);
    boolean firstmatch = a.bool("firstmatch", false);
    if (state.equals("present")) {
      if (backrefs && regexp == null) {
        throw a.error("regexp is required with backrefs=true");
      }
      String line = a.str("line").orElseThrow(() -> a.error("line is required with state=present"));
      String after = a.str("insertafter").orElse(null);
      String before = a.str("insertbefore").orElse(null);
      Pattern ins = after != null && !after.equals("BOF") && !after.equals("EOF") ? TextEdit.compile(a, "insertafter", after)
          : before != null && !before.equals("BOF") ? TextEdit.compile(a, "insertbefore", before) : null;
      boolean create = a.bool("create", false);
      return TextEdit.plan(a, path, create,
          lines -> present(lines, regexp, search, line, ins, after, before, backrefs, firstmatch), false, Validate.of(a, ctx));
    }
    if (regexp == null && search == null && !a.has("line")) {
      throw a.error("one of line, search_string, or regexp is required with state=absent");
    }
    String line = a.str("line").orElse(null);
    return TextEdit.plan(a, path, false, lines -> absent(lines, regexp, search, line), true,
        Validate.of(a, ctx));
  }

  static TextEdit.Edited present(List<String> original, Pattern regexp, String search, String line, Pattern ins,
      String insertafter, String insertbefore, boolean backrefs, boolean firstmatch) {
    List<String> lines = new ArrayList<>(original);
    int matchIndex = -1;
    int insIndex = -1;
    Matcher match = null;
    boolean exactLineMatch = false;
    // Ansible 2.8+: when regexp/search_string find nothing, an existing identical line counts.
    if (regexp != null || search != null) {
      for (String cur : lines) {
        if (TextEdit.stripEol(cur).equals(line)) {
          exactLineMatch = true;
          break;
        }
      }
    }
    for (int i = 0; i < lines.size(); i++) {
      String cur = lines.get(i);
      boolean found;
      Matcher m = null;
      if (regexp != null) {
        m = regexp.matcher(TextEdit.stripEol(cur));
        found = m.find();
      } else if (search != null) {
        found = cur.contains(search);
      } else {
        found = TextEdit.stripEol(cur).equals(line);
      }
      if (found) {
        matchIndex = i;
        match = m;
        if (firstmatch) {
          break;
        }
      } else if (ins != null && ins.matcher(TextEdit.stripEol(cur)).find()) {
        if (insertafter != null) {
          insIndex = i + 1;
          if (firstmatch) {
            break;
          }
        }
        if (insertbefore != null) {
          insIndex = i;
          if (firstmatch) {
            break;
          }
        }
      }
    }
    String nl = "\n";
    if (matchIndex != -1) {
      String newLine = backrefs && match != null ? TextEdit.expand(match, line) : line;
      if (!newLine.endsWith(nl)) {
        newLine += nl;
      }
      if (!lines.get(matchIndex).equals(newLine)) {
        lines.set(matchIndex, newLine);
        return new TextEdit.Edited(lines, "line replaced", Map.of());
      }
      return new TextEdit.Edited(lines, "", Map.of());
    }
    if (backrefs) {
      // Without a match there is nothing to fill the back-references from: do nothing, as Ansible.
      return new TextEdit.Edited(lines, "", Map.of());
    }
    if (exactLineMatch) {
      return new TextEdit.Edited(lines, "", Map.of());
    }
    if ("BOF".equals(insertbefore) || "BOF".equals(insertafter)) {
      lines.add(0, line + nl);
      return new TextEdit.Edited(lines, "line added", Map.of());
    }
    if ("EOF".equals(insertafter) || insIndex == -1) {
      if (!lines.isEmpty() && !lines.get(lines.size() - 1).endsWith("\n") && !lines.get(lines.size() - 1).endsWith("\r")) {
        lines.set(lines.size() - 1, lines.get(lines.size() - 1) + nl);
      }
      lines.add(line + nl);
      return new TextEdit.Edited(lines, "line added", Map.of());
    }
    if (insertafter != null && insIndex < lines.size() && TextEdit.stripEol(lines.get(insIndex)).equals(line)) {
      return new TextEdit.Edited(lines, "", Map.of());
    }
    if (insIndex > 0 && !lines.get(insIndex - 1).endsWith("\n")) {
      lines.set(insIndex - 1, lines.get(insIndex - 1) + nl);
    }
    lines.add(insIndex, line + nl);
    return new TextEdit.Edited(lines, "line added", Map.of());
  }

  static TextEdit.Edited absent(List<String> original, Pattern regexp, String search, String line) {
    List<String> kept = new ArrayList<>();
    int found = 0;
    for (String cur : original) {
      boolean hit = regexp != null ? regexp.matcher(TextEdit.stripEol(cur)).find()
          : search != null ? cur.contains(search) : TextEdit.stripEol(cur).equals(line);
      if (hit) {
        found++;
      } else {
        kept.add(cur);
      }
    }
    return new TextEdit.Edited(kept, found > 0 ? found + " line(s) removed" : "", Map.of("found", found));
  }
}
