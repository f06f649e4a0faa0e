package io.homefleet.agent.module.edit;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockInFileModuleTest {
  @TempDir
  Path dir;

  private String edit(String content, Map<String, Object> args) throws Exception {
    Path f = dir.resolve("f");
    Files.writeString(f, content);
    Map<String, Object> all = new HashMap<>(args);
    all.put("path", f.toString());
    Run.of(new BlockInFileModule(), all).go();
    return Files.readString(f);
  }

  @Test
  void existingBlock_isReplacedWhereItIs() throws Exception {
    assertThat(edit("a\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\nz\n", Map.of("block", "new")))
        .isEqualTo("a\n# BEGIN ANSIBLE MANAGED BLOCK\nnew\n# END ANSIBLE MANAGED BLOCK\nz\n");
  }

  @Test
  void customMarkers_andInsertBeforeBof() throws Exception {
    assertThat(edit("x\n", Map.of("block", "k=v", "marker", "; {mark} hf", "marker_begin", "START", "marker_end", "STOP",
        "insertbefore", "BOF"))).isEqualTo("; START hf\nk=v\n; STOP hf\nx\n");
  }

  @Test
  void noTrailingNewline_getsOneBeforeTheBlock() throws Exception {
    assertThat(edit("x", Map.of("block", "y"))).isEqualTo("x\n# BEGIN ANSIBLE MANAGED BLOCK\ny\n# END ANSIBLE MANAGED BLOCK\n");
  }

  @Test
  void emptyBlock_removesIt_reportingBlockRemoved() throws Exception {
    Path f = Files.writeString(dir.resolve("g"), "a\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\n");
    Outcome o = Run.of(new BlockInFileModule(), Map.of("path", f.toString(), "block", "")).go();
    assertThat(o.data()).containsEntry("msg", "Block removed");
    assertThat(Files.readString(f)).isEqualTo("a\n");
  }

  @Test
  void create_makesTheFile_reportingFileCreated() throws Exception {
    Path f = dir.resolve("new");
    Outcome o = Run.of(new BlockInFileModule(), Map.of("path", f.toString(), "block", "b", "create", true)).go();
    assertThat(o.data().get("msg").toString()).contains("created");
    assertThat(Files.readString(f)).isEqualTo("# BEGIN ANSIBLE MANAGED BLOCK\nb\n# END ANSIBLE MANAGED BLOCK\n");
  }
}
