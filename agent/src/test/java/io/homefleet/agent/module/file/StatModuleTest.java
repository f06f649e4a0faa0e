package io.homefleet.agent.module.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatModuleTest {
  @Test
  void stat_regularFile_givesAnsiblesKeysAndChecksum(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "abc");
    Outcome o = Run.of(new StatModule(), Map.of("path", f.toString(), "checksum_algorithm", "sha256")).go();
    @SuppressWarnings("unchecked")
    Map<String, Object> stat = (Map<String, Object>) o.data().get("stat");
    assertThat(stat).containsEntry("exists", true).containsEntry("isreg", true).containsEntry("isdir", false)
        .containsEntry("size", 3L).containsEntry("pw_name", "root")
        .containsEntry("checksum", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(o.data()).containsEntry("changed", false);
  }

  @Test
  void stat_missingPath_saysItDoesNotExist(@TempDir Path dir) throws Exception {
    Outcome o = Run.of(new StatModule(), Map.of("path", dir.resolve("none").toString())).go();
    assertThat(o.data().get("stat")).isEqualTo(Map.of("exists", false));
  }

  @Test
  void stat_symlink_notFollowedByDefault(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("t"), "x");
    Files.createSymbolicLink(dir.resolve("l"), Path.of("t"));
    @SuppressWarnings("unchecked")
    Map<String, Object> stat = (Map<String, Object>) Run.of(new StatModule(), Map.of("path", dir.resolve("l").toString()))
        .go().data().get("stat");
    assertThat(stat).containsEntry("islnk", true).containsEntry("lnk_target", "t");
  }

  @Test
  void stat_danglingSymlink_isReportedNotAnError(@TempDir Path dir) throws Exception {
    Files.createSymbolicLink(dir.resolve("l"), Path.of("gone"));
    @SuppressWarnings("unchecked")
    Map<String, Object> stat = (Map<String, Object>) Run.of(new StatModule(), Map.of("path", dir.resolve("l").toString()))
        .go().data().get("stat");
    assertThat(stat).containsEntry("islnk", true).containsEntry("lnk_source", dir.resolve("gone").toString());
  }
}
