package io.homefleet.agent.module.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code script}'s file from the bundle, its private copy, and what it refuses. */
class ScriptModuleTest {
  @Test
  void run_templatedName_isFoundInTheBundlesFiles_andItsCopyIsRemoved(@TempDir Path tmp) throws Exception {
    Path bundle = Files.createDirectories(tmp.resolve("bundle/files"));
    // Not executable in the bundle: the copy is made executable, as Ansible's is.
    Files.writeString(bundle.resolve("hi.sh"), "#!/bin/sh\necho \"hi $1 from $(basename \"$0\")\"\n");
    Path work = Files.createDirectories(tmp.resolve("work"));
    Outcome o = Run.of(new ScriptModule(), Map.of("_raw_params", "hi.sh there")).bundle(tmp.resolve("bundle"))
        .workDir(work).go();
    assertThat(o.status()).as("%s", o).isEqualTo(Outcome.Status.CHANGED);
    assertThat(o.stdout()).isEqualTo("hi there from hi.sh\n");
    try (var left = Files.list(work)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void run_withoutABundle_failsSayingWhy(@TempDir Path tmp) {
    assertThatThrownBy(() -> Run.of(new ScriptModule(), Map.of("_raw_params", "hi.sh")).workDir(tmp).go())
        .isInstanceOf(TaskException.class).hasMessageContaining("needs the play's bundle");
  }

  @Test
  void run_cmdAndFreeFormTogether_isRefusedAsAnsibleRefusesIt(@TempDir Path tmp) {
    assertThatThrownBy(() -> Run.of(new ScriptModule(), Map.of("_raw_params", "a.sh", "cmd", "b.sh")).workDir(tmp)
        .go()).isInstanceOf(TaskException.class).hasMessageContaining("cannot be used when other raw parameters");
  }
}
