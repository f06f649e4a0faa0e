package io.homefleet.agent.module.apt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What AptRepositoryAnsibleTest cannot show beside Ansible: the update's failure path and the result fields. */
class AptRepositoryModuleTest {
  private static Path tree(Path dir) throws Exception {
    Files.createDirectories(dir.resolve("etc/sources.list.d"));
    Files.createDirectories(dir.resolve("etc/apt.conf.d"));
    Files.writeString(dir.resolve("etc/sources.list"), "#c\ndeb http://a.example.invalid/debian bookworm main\n");
    return Files.writeString(dir.resolve("apt.conf"), "Dir::Etc \"" + dir.resolve("etc") + "\";\n");
  }

  @Test
  void noUpdateTries_failsAsAnsible_andPutsTheFilesBack(@TempDir Path dir) throws Exception {
    Path conf = tree(dir);
    AptRepositoryModule m = new AptRepositoryModule(Optional.of(conf));
    assertThatThrownBy(() -> Run.of(m, Map.of("repo", "deb http://b.example.invalid/debian bookworm main",
        "state", "present", "update_cache_retries", 0)).workDir(dir).go())
        .isInstanceOf(TaskException.class).hasMessage("Failed to update apt cache: unknown reason");
    assertThat(dir.resolve("etc/sources.list.d")).isEmptyDirectory();
    assertThat(dir.resolve("etc/sources.list")).hasContent("#c\ndeb http://a.example.invalid/debian bookworm main\n");
  }

  @Test
  void apply_returnsTheFilesAddedAndRemoved_andCheckModeWritesNothing(@TempDir Path dir) throws Exception {
    Path conf = tree(dir);
    AptRepositoryModule m = new AptRepositoryModule(Optional.of(conf));
    Map<String, Object> add = Map.of("repo", "deb http://b.example.invalid/debian bookworm main", "update_cache", false);
    Outcome check = Run.of(m, add).check().workDir(dir).go();
    assertThat(check.changed()).isTrue();
    assertThat(dir.resolve("etc/sources.list.d")).isEmptyDirectory();
    Path file = dir.resolve("etc/sources.list.d/b_example_invalid_debian.list");
    Outcome o = Run.of(m, add).workDir(dir).go();
    assertThat(o.data()).containsEntry("sources_added", List.of(file.toString()))
        .containsEntry("sources_removed", List.of()).containsEntry("state", "present");
    assertThat(file).hasContent("deb http://b.example.invalid/debian bookworm main");
    Outcome removed = Run.of(m, Map.of("repo", "deb http://b.example.invalid/debian bookworm main", "state", "absent",
        "update_cache", false)).workDir(dir).go();
    assertThat(removed.data()).containsEntry("sources_removed", List.of(file.toString()));
    assertThat(file).doesNotExist();
  }
}
