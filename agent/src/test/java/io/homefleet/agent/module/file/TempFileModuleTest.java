package io.homefleet.agent.module.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TempFileModuleTest {
  @TempDir
  Path dir;

  @Test
  void file_isCreatedPrivate_withPrefixAndSuffix_andEveryRunIsAChange() throws Exception {
    Map<String, Object> args = Map.of("path", dir.toString(), "prefix", "hf.", "suffix", ".conf");
    Outcome o = Run.of(new TempFileModule(), args).go();
    Path p = Path.of((String) o.data().get("path"));
    assertThat(o.status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(p.getParent()).isEqualTo(dir);
    assertThat(p.getFileName().toString()).matches("hf\\.[a-z0-9_]{8}\\.conf");
    assertThat(Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rw-------");
    Outcome again = Run.of(new TempFileModule(), args).go();
    assertThat(again.status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(again.data().get("path")).isNotEqualTo(o.data().get("path"));
  }

  @Test
  void directory_is0700_withAnsiblesDefaultPrefix() throws Exception {
    Outcome o = Run.of(new TempFileModule(), Map.of("path", dir.toString(), "state", "directory")).go();
    Path p = Path.of((String) o.data().get("path"));
    assertThat(p.getFileName().toString()).startsWith("ansible.");
    assertThat(Files.isDirectory(p)).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rwx------");
  }

  @Test
  void withoutPath_usesTmpdirFromTheTaskEnvironment() throws Exception {
    Outcome o = Run.of(new TempFileModule(), Map.of()).environment(Map.of("TMPDIR", dir.toString())).go();
    assertThat(Path.of((String) o.data().get("path")).getParent()).isEqualTo(dir);
  }

  @Test
  void checkMode_isSkipped_asAnsibleSkipsModulesWithoutCheckMode() throws Exception {
    Outcome o = Run.of(new TempFileModule(), Map.of("path", dir.toString())).check().go();
    assertThat(o.status()).isEqualTo(Outcome.Status.SKIPPED);
    assertThat(o.msg()).isEqualTo("remote module (tempfile) does not support check mode");
    try (var s = Files.list(dir)) {
      assertThat(s).isEmpty();
    }
  }
}
