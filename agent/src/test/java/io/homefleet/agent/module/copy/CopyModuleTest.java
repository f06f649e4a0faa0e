package io.homefleet.agent.module.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CopyModuleTest {
  private final CopyModule copy = new CopyModule();

  @Test
  void backup_leavesAnsibleStyleCopy_andReturnsIt(@TempDir Path dir) throws Exception {
    Path dest = Files.writeString(dir.resolve("app.conf"), "old\n");
    Outcome o = Run.of(copy, Map.of("dest", dest.toString(), "content", "new\n", "backup", true)).go();
    String backup = (String) o.data().get("backup_file");
    assertThat(backup).matches(".*/app\\.conf\\.\\d+\\.\\d{4}-\\d\\d-\\d\\d@\\d\\d:\\d\\d:\\d\\d~");
    assertThat(Files.readString(Path.of(backup))).isEqualTo("old\n");
    assertThat(Files.readString(dest)).isEqualTo("new\n");
    assertThat(o.data()).containsEntry("checksum", io.homefleet.agent.module.file.AtomicFiles.digest(
        "new\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), "sha1")).containsKey("md5sum");
  }

  @Test
  void validate_failing_keepsTheOldFile_andCheckModeDoesNotRunIt(@TempDir Path dir) throws Exception {
    Path dest = Files.writeString(dir.resolve("sudoers"), "good\n");
    Map<String, Object> args = Map.of("dest", dest.toString(), "content", "bad\n", "validate", "grep -q good %s");
    assertThat(Run.of(copy, args).check().go().changed()).isTrue();
    assertThatThrownBy(() -> Run.of(copy, args).go()).hasMessageContaining("failed to validate");
    assertThat(dest).hasContent("good");
    Run.of(copy, Map.of("dest", dest.toString(), "content", "good too\n", "validate", "grep -q good %s")).go();
    assertThat(dest).hasContent("good too");
  }

  @Test
  void forceNo_leavesAnExistingFileAlone(@TempDir Path dir) throws Exception {
    Path dest = Files.writeString(dir.resolve("f"), "mine\n");
    Outcome o = Run.of(copy, Map.of("dest", dest.toString(), "content", "theirs\n", "force", false)).go();
    assertThat(o.changed()).isFalse();
    assertThat(Files.readString(dest)).isEqualTo("mine\n");
  }

  @Test
  void write_replacesAtomically_keepingModeOfTheOldFile(@TempDir Path dir) throws Exception {
    Path dest = Files.writeString(dir.resolve("f"), "a");
    Files.setPosixFilePermissions(dest, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    long inode = (Long) Files.getAttribute(dest, "unix:ino");
    Run.of(copy, Map.of("dest", dest.toString(), "content", "b")).go();
    assertThat((Long) Files.getAttribute(dest, "unix:ino")).as("a new inode: renamed into place").isNotEqualTo(inode);
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dest)))
        .isEqualTo("rw-------");
    try (var s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("f");
    }
  }

  @Test
  void diff_showsBeforeAndAfterContent(@TempDir Path dir) throws Exception {
    Path dest = Files.writeString(dir.resolve("f"), "one\n");
    Outcome o = Run.of(copy, Map.of("dest", dest.toString(), "content", "two\n")).check().diff().go();
    @SuppressWarnings("unchecked")
    Map<String, Object> diff = (Map<String, Object>) o.data().get("diff");
    assertThat(diff).containsEntry("before", "one\n").containsEntry("after", "two\n");
    assertThat(Files.readString(dest)).isEqualTo("one\n");
  }

  @Test
  void src_outsideTheBundle_isRefused(@TempDir Path dir) throws Exception {
    Path bundle = Files.createDirectories(dir.resolve("bundle"));
    Files.writeString(dir.resolve("secret"), "s");
    Files.createSymbolicLink(bundle.resolve("sneaky"), dir.resolve("secret"));
    Map<String, Object> dotdot = Map.of("src", "../secret", "dest", dir.resolve("out").toString());
    assertThatThrownBy(() -> Run.of(copy, dotdot).bundle(bundle).go())
        .hasMessageContaining("nothing can reach outside the bundle");
    Map<String, Object> viaLink = Map.of("src", "sneaky", "dest", dir.resolve("out").toString());
    assertThatThrownBy(() -> Run.of(copy, viaLink).bundle(bundle).go())
        .hasMessageContaining("nothing can reach outside the bundle");
    Map<String, Object> absolute = Map.of("src", dir.resolve("secret").toString(), "dest", dir.resolve("out").toString());
    assertThatThrownBy(() -> Run.of(copy, absolute).bundle(bundle).go())
        .hasMessageContaining("nothing can reach outside the bundle");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void src_withoutABundle_failsExplaining(@TempDir Path dir) {
    assertThatThrownBy(() -> Run.of(copy, Map.of("src", "x", "dest", dir.toString())).go())
        .hasMessageContaining("needs the play's bundle");
  }

  @Test
  void content_toADirectory_isRefused(@TempDir Path dir) {
    assertThatThrownBy(() -> Run.of(copy, Map.of("content", "x", "dest", dir.toString())).go())
        .hasMessageContaining("can not use content with a dir as dest");
  }

  @Test
  void missingDestinationDirectory_failsInCheckModeToo(@TempDir Path dir) {
    assertThatThrownBy(() -> Run.of(copy, Map.of("content", "x", "dest", dir.resolve("no/f").toString())).check().go())
        .hasMessageContaining("Destination directory");
  }
}
