package io.homefleet.agent.module.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineInFileModuleTest {
  @TempDir
  Path dir;

  private String edit(String content, Map<String, Object> args) throws Exception {
    Path f = dir.resolve("f");
    Files.writeString(f, content);
    Map<String, Object> all = new HashMap<>(args);
    all.put("path", f.toString());
    Run.of(new LineInFileModule(), all).go();
    return Files.readString(f);
  }

  @Test
  void regexp_replacesTheLastMatch() throws Exception {
    assertThat(edit("a=1\nb=2\na=3\n", Map.of("regexp", "^a=", "line", "a=9"))).isEqualTo("a=1\nb=2\na=9\n");
  }

  @Test
  void firstmatch_replacesTheFirst() throws Exception {
    assertThat(edit("a=1\na=3\n", Map.of("regexp", "^a=", "line", "a=9", "firstmatch", true))).isEqualTo("a=9\na=3\n");
  }

  @Test
  void backrefs_expandPythonStyleGroups_andDoNothingWithoutAMatch() throws Exception {
    assertThat(edit("Port 22\n", Map.of("regexp", "^Port (\\d+)", "line", "Port \\1 # was \\g<1>", "backrefs", true)))
        .isEqualTo("Port 22 # was 22\n");
    assertThat(edit("x\n", Map.of("regexp", "^Port (\\d+)", "line", "Port \\1", "backrefs", true))).isEqualTo("x\n");
  }

  @Test
  void insertBeforeBof_andAfterEof() throws Exception {
    assertThat(edit("b\n", Map.of("line", "a", "insertbefore", "BOF"))).isEqualTo("a\nb\n");
    assertThat(edit("b", Map.of("line", "c", "insertafter", "EOF"))).isEqualTo("b\nc\n");
  }

  @Test
  void insertAfterAndBeforeARegexp() throws Exception {
    assertThat(edit("[main]\nx=1\n", Map.of("line", "y=2", "insertafter", "^\\[main\\]"))).isEqualTo("[main]\ny=2\nx=1\n");
    assertThat(edit("a\nz\n", Map.of("line", "m", "insertbefore", "^z"))).isEqualTo("a\nm\nz\n");
  }

  @Test
  void regexpWithoutMatch_butTheLineAlreadyThere_changesNothing() throws Exception {
    assertThat(edit("keep\nPermitRootLogin no\n", Map.of("regexp", "^#PermitRootLogin", "line", "PermitRootLogin no")))
        .isEqualTo("keep\nPermitRootLogin no\n");
  }

  @Test
  void absent_countsWhatItRemoves() throws Exception {
    Path f = Files.writeString(dir.resolve("g"), "a\nb\na\n");
    Outcome o = Run.of(new LineInFileModule(), Map.of("path", f.toString(), "line", "a", "state", "absent")).go();
    assertThat(o.data()).containsEntry("found", 2).containsEntry("msg", "2 line(s) removed");
    assertThat(Files.readString(f)).isEqualTo("b\n");
  }

  @Test
  void missingFile_withoutCreate_fails() {
    assertThatThrownBy(() -> Run.of(new LineInFileModule(), Map.of("path", dir.resolve("no").toString(), "line", "x")).go())
        .hasMessageContaining("does not exist");
  }

  @Test
  void backup_returnsUnderAnsiblesKeyBackup() throws Exception {
    Path f = Files.writeString(dir.resolve("h"), "a\n");
    Outcome o = Run.of(new LineInFileModule(), Map.of("path", f.toString(), "line", "b", "backup", true)).go();
    assertThat(Path.of((String) o.data().get("backup"))).hasContent("a");
    assertThat(o.data()).containsEntry("msg", "line added");
  }
}
