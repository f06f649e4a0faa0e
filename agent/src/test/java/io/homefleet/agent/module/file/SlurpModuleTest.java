package io.homefleet.agent.module.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlurpModuleTest {
  @TempDir
  Path dir;

  @Test
  void content_isTheFilesBytesInBase64_inCheckModeToo() throws Exception {
    byte[] bytes = {0, 1, (byte) 0xff, 'a', '\n'};
    Path f = Files.write(dir.resolve("bin"), bytes);
    Outcome o = Run.of(new SlurpModule(), Map.of("path", f.toString())).check().go();
    assertThat(o.status()).isEqualTo(Outcome.Status.OK);
    assertThat(o.data()).containsEntry("source", f.toString()).containsEntry("encoding", "base64");
    assertThat(Base64.getDecoder().decode((String) o.data().get("content"))).isEqualTo(bytes);
  }

  @Test
  void missingFile_andDirectory_failWithAnsiblesMessages() throws Exception {
    Outcome missing = Run.of(new SlurpModule(), Map.of("src", dir.resolve("no").toString())).go();
    assertThat(missing.status()).isEqualTo(Outcome.Status.FAILED);
    assertThat(missing.msg()).isEqualTo("file not found: " + dir.resolve("no"));
    assertThat(Run.of(new SlurpModule(), Map.of("src", dir.toString())).go().msg())
        .isEqualTo("source is a directory and must be a file: " + dir);
  }
}
