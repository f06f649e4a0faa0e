package io.homefleet.agent.module.edit;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.AnsibleOracle;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replace} beside Ansible's own: each case edits two copies of the same file, one with
 * ansible-core 2.14's {@code replace} and one with homefleet's, and the files, {@code changed},
 * {@code msg} and the failures must agree. The cases are where Python's {@code re} and Java's
 * regular expressions differ.
 */
class ReplaceAnsibleTest {
  record Case(String content, Map<String, Object> args) {}

  private static final List<Case> CASES = List.of(
      new Case("a=1\nb=2\n", Map.of("regexp", "^a=(\\d+)$", "replace", "a=\\1\\1")),
      new Case("k_1=v\n", Map.of("regexp", "^(?P<key_name>\\w+)=(?P<v>.*)$", "replace", "\\g<v>=\\g<key_name>")),
      new Case("[a]\nx=1\n[b]\nx=1\n[c]\nx=1\n", Map.of("regexp", "x=1", "replace", "x=2", "after", "\\[b\\]",
          "before", "\\[c\\]")),
      new Case("[a]\nx=1\n[b]\nx=1\n", Map.of("regexp", "^x=1$", "replace", "x=2", "after", "\\[b\\]")),
      new Case("[a]\nx=1\n[b]\nx=1\n", Map.of("regexp", "x", "replace", "y", "before", "^\\[b")),
      new Case("x=1\n", Map.of("regexp", "x", "replace", "y", "after", "nowhere")),
      new Case("a\n\nb\n", Map.of("regexp", "^$", "replace", "EMPTY")),
      new Case("a  \nb \n\n", Map.of("regexp", "\\s+$", "replace", "")),
      new Case("x{a} [y }\n", Map.of("regexp", "x{a} [[]y }", "replace", "z")),
      new Case("aab ab b\n", Map.of("regexp", "a{,2}b", "replace", "X")),
      new Case("the end\n", Map.of("regexp", "end\\Z", "replace", "x")),
      new Case("the end", Map.of("regexp", "end\\Z", "replace", "x")),
      new Case("café=1 naïve\n", Map.of("regexp", "\\b\\w+\\b", "replace", "<\\g<0>>")),
      new Case("ab\n", Map.of("regexp", "a(?#why)b", "replace", "c")),
      new Case("X\n", Map.of("regexp", "X", "replace", "\\t|\\\\|\\.|\\101|\\n")),
      new Case("X\n", Map.of("regexp", "X", "replace", "\\q")),
      new Case("X\n", Map.of("regexp", "(X)", "replace", "\\2")),
      new Case("X\n", Map.of("regexp", "(X)|(Y)", "replace", "[\\2]")),
      new Case("abxd\n", Map.of("regexp", "x*", "replace", "-")),
      new Case("Hello\nhello\n", Map.of("regexp", "(?i)^HELLO", "replace", "bye")),
      new Case("a.b\n", Map.of("regexp", "[.]", "replace", ",")),
      new Case("line1\r\nline2\r\n", Map.of("regexp", "line(\\d)$", "replace", "L\\1")),
      new Case("same\n", Map.of("regexp", "same", "replace", "same")),
      new Case("nothing here\n", Map.of("regexp", "absent", "replace", "x")));

  @Test
  void everyCase_editsTheFileAsAnsiblesReplaceDoes(@TempDir Path tmp) throws Exception {
    List<AnsibleOracle.Task> tasks = new ArrayList<>();
    for (int i = 0; i < CASES.size(); i++) {
      Path f = Files.writeString(tmp.resolve("ansible-" + i), CASES.get(i).content());
      Map<String, Object> args = new LinkedHashMap<>(CASES.get(i).args());
      args.put("path", f.toString());
      tasks.add(new AnsibleOracle.Task("replace", args));
    }
    List<Map<String, Object>> theirs = AnsibleOracle.run(tmp, tasks, false, false);
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < CASES.size(); i++) {
      Case c = CASES.get(i);
      Path f = Files.writeString(tmp.resolve("homefleet-" + i), c.content());
      Map<String, Object> args = new LinkedHashMap<>(c.args());
      args.put("path", f.toString());
      Map<String, Object> ours;
      try {
        Outcome o = Run.of(new ReplaceModule(), args).go();
        ours = new LinkedHashMap<>(o.data());
        ours.put("failed", false);
      } catch (TaskException e) {
        ours = Map.of("failed", true, "msg", e.getMessage());
      }
      Map<String, Object> their = theirs.get(i);
      boolean theyFailed = Boolean.TRUE.equals(their.get("failed"));
      String where = "case " + i + " " + c + ": ";
      if (theyFailed != (Boolean) ours.get("failed")) {
        problems.add(where + "Ansible " + their + ", homefleet " + ours);
        continue;
      }
      if (!Files.readString(tmp.resolve("ansible-" + i)).equals(Files.readString(f))) {
        problems.add(where + "Ansible wrote " + Files.readString(tmp.resolve("ansible-" + i)).replace("\n", "\\n")
            + ", homefleet " + Files.readString(f).replace("\n", "\\n"));
      }
      if (!theyFailed && (!their.get("changed").equals(ours.get("changed")) || !their.get("msg").equals(ours.get("msg"))
          || !their.get("rc").equals(ours.get("rc")))) {
        problems.add(where + "Ansible " + their + ", homefleet " + ours);
      }
    }
    assertThat(problems).isEmpty();
  }
}
