package io.homefleet.agent.module.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateModuleTest {
  @Test
  void render_usesTaskVarsAndTemplateVars_keepsTrailingNewline(@TempDir Path dir) throws Exception {
    Path bundle = Files.createDirectories(dir.resolve("b/templates"));
    Files.writeString(bundle.resolve("hosts.j2"),
        "# {{ ansible_managed }} from {{ template_path }}\n{% for h in hosts %}{{ h }}\n{% endfor %}");
    Path dest = dir.resolve("hosts");
    Run.of(new TemplateModule(), Map.of("src", "hosts.j2", "dest", dest.toString()))
        .bundle(dir.resolve("b")).vars(Map.of("hosts", List.of("a", "b"))).go();
    assertThat(Files.readString(dest)).isEqualTo("# Ansible managed from hosts.j2\na\nb\n");
  }

  @Test
  void undefinedVariable_failsNamingTheTemplate(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("b"));
    Files.writeString(dir.resolve("b/t.j2"), "{{ nope }}\n");
    assertThatThrownBy(() -> Run.of(new TemplateModule(), Map.of("src", "t.j2", "dest", dir.resolve("o").toString()))
        .bundle(dir.resolve("b")).go()).hasMessageContaining("t.j2");
    assertThat(dir.resolve("o")).doesNotExist();
  }

  @Test
  void customDelimiters_areRefusedRatherThanIgnored(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("b"));
    Files.writeString(dir.resolve("b/t.j2"), "x");
    assertThatThrownBy(() -> Run.of(new TemplateModule(), Map.of("src", "t.j2", "dest", dir.resolve("o").toString(),
        "variable_start_string", "[%")).bundle(dir.resolve("b")).go()).hasMessageContaining("variable_start_string");
  }
}
