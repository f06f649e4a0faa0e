package io.homefleet.playbook.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.playbook.model.Task;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code docker_compose}: its template, src and files are found and shipped as copy's and template's src are. */
class DockerComposeTaskTest {
  private final PlaybookFixture fx;

  DockerComposeTaskTest(@TempDir Path tmp) {
    fx = new PlaybookFixture(tmp.resolve("work"));
  }

  @Test
  void load_inARole_shipsTheRolesTemplateAndFiles_andRewritesFilesToTheirBundlePlaces() throws Exception {
    fx.file("site.yml", "- hosts: all\n  roles: [kuma]\n");
    fx.file("roles/kuma/tasks/main.yml", "- docker_compose:\n    project_name: kuma\n"
        + "    template: compose.yaml.j2\n    files: [app.env]\n");
    fx.file("roles/kuma/templates/compose.yaml.j2", "services: {}\n");
    fx.file("roles/kuma/files/app.env", "TZ=UTC\n");
    LoadedPlaybook loaded = fx.load("site.yml");
    Task t = (Task) loaded.playbook().plays().get(0).roles().get(0).role().orElseThrow().tasks().get(0);
    assertThat(t.files()).containsExactlyEntriesOf(java.util.Map.of("template", "roles/kuma/templates/compose.yaml.j2"));
    assertThat(t.args()).containsEntry("files", List.of("roles/kuma/files/app.env"));
    assertThat(loaded.bundle()).containsKeys("roles/kuma/templates/compose.yaml.j2", "roles/kuma/files/app.env");
  }

  @Test
  void load_srcBesideThePlaybook_isShipped_andAMissingOneIsPlacedAndNamed() throws Exception {
    fx.file("site.yml", "- hosts: all\n  tasks:\n    - docker_compose:\n        project_name: web\n"
        + "        src: compose.yml\n    - docker_compose:\n        project_name: db\n        src: nope.yml\n");
    fx.file("files/compose.yml", "services: {}\n");
    LoadedPlaybook loaded = fx.load("site.yml");
    Task t = (Task) loaded.playbook().plays().get(0).tasks().get(0);
    assertThat(t.files()).containsEntry("src", "files/compose.yml");
    assertThat(loaded.warnings()).anySatisfy(w -> assertThat(w.toString()).contains("site.yml:6:", "nope.yml"));
  }
}
