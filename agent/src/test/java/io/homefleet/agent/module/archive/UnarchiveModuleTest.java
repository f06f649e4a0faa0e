package io.homefleet.agent.module.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnarchiveModuleTest {
  @TempDir
  Path dir;

  private Path zip(String... entries) throws Exception {
    Path z = dir.resolve("a.zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(z))) {
      for (String e : entries) {
        out.putNextEntry(new ZipEntry(e));
        out.write(e.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return z;
  }

  @Test
  void zipSlip_isRefused() throws Exception {
    Path z = zip("../../evil");
    Path dest = Files.createDirectories(dir.resolve("d"));
    assertThatThrownBy(() -> Run.of(new UnarchiveModule(), Map.of("src", z.toString(), "dest", dest.toString(),
        "remote_src", true)).go()).hasMessageContaining("outside");
    assertThat(dir.getParent().resolve("evil")).doesNotExist();
  }

  @Test
  void creates_skipsWhenThePathExists() throws Exception {
    Path z = zip("x");
    Files.writeString(dir.resolve("marker"), "");
    Outcome o = Run.of(new UnarchiveModule(), Map.of("src", z.toString(), "dest", dir.toString(), "remote_src", true,
        "creates", dir.resolve("marker").toString())).go();
    assertThat(o.changed()).isFalse();
    assertThat(dir.resolve("x")).doesNotExist();
  }

  @Test
  void changedMember_isDriftAgain_andListFilesReturnsMembers() throws Exception {
    Path z = zip("a", "b");
    Path dest = Files.createDirectories(dir.resolve("d"));
    Map<String, Object> args = Map.of("src", z.toString(), "dest", dest.toString(), "remote_src", true,
        "list_files", true);
    assertThat(Run.of(new UnarchiveModule(), args).go().data()).containsEntry("files", List.of("a", "b"));
    Files.writeString(dest.resolve("b"), "tampered");
    assertThat(Run.of(new UnarchiveModule(), args).check().go().changed()).isTrue();
    assertThat(Run.of(new UnarchiveModule(), args).go().changed()).isTrue();
    assertThat(dest.resolve("b")).hasContent("b");
  }

  @Test
  void destMustExist() throws Exception {
    Path z = zip("a");
    assertThatThrownBy(() -> Run.of(new UnarchiveModule(), Map.of("src", z.toString(), "dest",
        dir.resolve("none").toString(), "remote_src", true)).go()).hasMessageContaining("must be an existing dir");
  }
}
