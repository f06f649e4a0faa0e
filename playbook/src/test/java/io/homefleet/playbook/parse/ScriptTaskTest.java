package io.homefleet.playbook.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.playbook.model.Task;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code script}: its file is the first word of its command line, shipped in the bundle as copy's src is. */
class ScriptTaskTest {
  private final PlaybookFixture fx;

  ScriptTaskTest(@TempDir Path tmp) {
    fx = new PlaybookFixture(tmp.resolve("work"));
  }

  @Test
  void load_freeFormScriptInARole_shipsTheRolesFile_andKeepsTheArguments() throws Exception {
    fx.file("site.yml", "- hosts: all\n  roles: [web]\n");
    fx.file("roles/web/tasks/main.yml", "- script: setup.sh --port 80 creates=/etc/done\n");
    fx.file("roles/web/files/setup.sh", "#!/bin/sh\n");
    LoadedPlaybook loaded = fx.load("site.yml");
    Task t = (Task) loaded.playbook().plays().get(0).roles().get(0).role().orElseThrow().tasks().get(0);
    assertThat(t.args()).containsEntry("_raw_params", "setup.sh --port 80").containsEntry("creates", "/etc/done")
        .containsEntry("_script_file", "setup.sh");
    assertThat(t.files()).containsEntry("_script_file", "roles/web/files/setup.sh");
    assertThat(loaded.bundle()).containsKey("roles/web/files/setup.sh");
  }

  @Test
  void load_cmdWithAQuotedName_findsThePlaybooksFile() throws Exception {
    fx.file("site.yml", "- hosts: all\n  tasks:\n    - script:\n        cmd: \"'my tool.sh' a b\"\n");
    fx.file("files/my tool.sh", "#!/bin/sh\n");
    Task t = (Task) fx.load("site.yml").playbook().plays().get(0).tasks().get(0);
    assertThat(t.files()).containsEntry("_script_file", "files/my tool.sh");
  }

  @Test
  void load_missingScript_isPlacedAndNamed() throws Exception {
    // As in Ansible, a missing file fails the task when it runs (ignore_errors and rescue see it); the load warns.
    fx.file("site.yml", "- hosts: all\n  tasks:\n    - script: nope.sh arg\n");
    assertThat(fx.load("site.yml").warnings()).anySatisfy(w -> assertThat(w.toString()).contains("site.yml:3:7",
        "nope.sh"));
  }
}
