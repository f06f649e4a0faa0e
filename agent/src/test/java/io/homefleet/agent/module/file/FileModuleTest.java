package io.homefleet.agent.module.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileModuleTest {
  private final FileModule file = new FileModule();

  @Test
  void stateFile_whenMissing_failsLikeAnsible(@TempDir Path dir) {
    assertThatThrownBy(() -> Run.of(file, Map.of("path", dir.resolve("nope").toString())).go())
        .hasMessageContaining("is absent, cannot continue");
  }

  @Test
  void aliasDest_isThePath_andUnknownArgumentsAreRefused(@TempDir Path dir) throws Exception {
    Outcome o = Run.of(file, Map.of("dest", dir.toString(), "state", "directory")).go();
    assertThat(o.data()).containsEntry("path", dir.toString()).containsEntry("changed", false);
    assertThatThrownBy(() -> Run.of(file, Map.of("path", dir.toString(), "modee", "0644")).go())
        .hasMessageContaining("unsupported argument 'modee'");
  }

  @Test
  void link_overARegularFile_isRefusedWithoutForce(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "x");
    Files.writeString(dir.resolve("t"), "t");
    assertThatThrownBy(() -> Run.of(file, Map.of("path", f.toString(), "src", "t", "state", "link")).go())
        .hasMessageContaining("refusing to convert from file to symlink");
    Outcome o = Run.of(file, Map.of("path", f.toString(), "src", "t", "state", "link", "force", true)).go();
    assertThat(o.changed()).isTrue();
    assertThat(Files.readSymbolicLink(f)).isEqualTo(Path.of("t"));
  }

  @Test
  void newDirectory_ownedByAUserNotCreatedYet_isAChangeInCheckMode_andFailsWhenApplied(@TempDir Path dir)
      throws Exception {
    // Check mode after a user task that only reported creating the user (Ansible's file does not
    // look the owner up for a path it would create); a real run needs the user.
    Path d = dir.resolve("home/.ssh");
    Map<String, Object> args = Map.of("path", d.toString(), "state", "directory", "owner", "no-such-user-hf",
        "group", "no-such-group-hf", "mode", "0700");
    Outcome o = Run.of(file, args).check().go();
    assertThat(o.changed()).isTrue();
    assertThat(o.data()).containsEntry("owner", "no-such-user-hf").containsEntry("mode", "0700");
    assertThat(dir.resolve("home")).doesNotExist();
    assertThatThrownBy(() -> Run.of(file, args).go()).hasMessageContaining("no-such-user-hf");
    // An existing path with an unknown owner fails in check mode too.
    assertThatThrownBy(() -> Run.of(file, Map.of("path", dir.toString(), "state", "directory", "owner",
        "no-such-user-hf")).check().go()).hasMessageContaining("no-such-user-hf");
  }

  @Test
  void touch_alwaysReportsAChange_asAnsibleDoes(@TempDir Path dir) throws Exception {
    Map<String, Object> args = Map.of("path", dir.resolve("t").toString(), "state", "touch", "mode", "0600");
    assertThat(Run.of(file, args).go().changed()).isTrue();
    assertThat(Run.of(file, args).go().changed()).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("t")))).isEqualTo("rw-------");
  }

  @Test
  void touch_preservingTimes_isIdempotent(@TempDir Path dir) throws Exception {
    Map<String, Object> args = Map.of("path", dir.resolve("t").toString(), "state", "touch",
        "modification_time", "preserve", "access_time", "preserve");
    assertThat(Run.of(file, args).go().changed()).isTrue();
    assertThat(Run.of(file, args).go().changed()).isFalse();
  }

  @Test
  void recurse_setsModeOnEverythingBelow(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("d/e"));
    Files.writeString(dir.resolve("d/e/f"), "x");
    Map<String, Object> args = Map.of("path", dir.resolve("d").toString(), "state", "directory", "recurse", true,
        "mode", "u=rwX,go=");
    assertThat(Run.of(file, args).go().changed()).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("d/e/f")))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("d/e")))).isEqualTo("rwx------");
    assertThat(Run.of(file, args).go().changed()).isFalse();
  }

  @Test
  void checkMode_withDiff_reportsStateBeforeAndAfter(@TempDir Path dir) throws Exception {
    Outcome o = Run.of(file, Map.of("path", dir.resolve("x").toString(), "state", "directory")).check().diff().go();
    assertThat(o.data().get("diff")).isEqualTo(Map.of("before", Map.of("path", dir.resolve("x").toString(),
        "state", "absent"), "after", Map.of("path", dir.resolve("x").toString(), "state", "directory"),
        "before_header", dir.resolve("x").toString(), "after_header", dir.resolve("x").toString()));
    assertThat(dir.resolve("x")).doesNotExist();
  }

  @Test
  void owner_unknownUser_failsNamingIt(@TempDir Path dir) {
    assertThatThrownBy(() -> Run.of(file, Map.of("path", dir.toString(), "owner", "no-such-user-hf")).go())
        .hasMessageContaining("no-such-user-hf");
  }
}
