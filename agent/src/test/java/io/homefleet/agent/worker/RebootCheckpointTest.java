package io.homefleet.agent.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RebootCheckpointTest {
  private static RebootCheckpoint sample() {
    return new RebootCheckpoint("run1-p0-web/1", "run1", 0, new byte[] {1, 2, 3, 0, 9}, "boot-1", 1_700_000_000_000L,
        600, "{\"task\":4}".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void write_thenRead_givesTheSameCheckpoint_ownerOnly(@TempDir Path state) throws Exception {
    Path file = sample().write(state);

    assertThat(file).isEqualTo(RebootCheckpoint.file(state, "run1-p0-web/1"));
    assertThat(file.getFileName().toString()).isEqualTo("run1-p0-web_1");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(RebootCheckpoint.read(file)).isEqualTo(sample());
    assertThat(RebootCheckpoint.find(state, "run1-p0-web/1")).contains(sample());
    assertThat(sample().deadlineMillis()).isEqualTo(1_700_000_600_000L);
  }

  @Test
  void write_replacesAtomically_leavingNoTemporaryFile(@TempDir Path state) throws Exception {
    sample().write(state);
    RebootCheckpoint later = new RebootCheckpoint("run1-p0-web/1", "run1", 0, new byte[0], "boot-2", 5, 3, new byte[0]);
    later.write(state);

    try (var files = Files.list(state.resolve(RebootCheckpoint.DIR))) {
      assertThat(files).hasSize(1);
    }
    assertThat(RebootCheckpoint.files(state)).hasSize(1);
    assertThat(RebootCheckpoint.find(state, "run1-p0-web/1")).contains(later);
  }

  @Test
  void read_whenAByteIsAltered_refusesTheFile(@TempDir Path state) throws Exception {
    Path file = sample().write(state);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x20;
    Files.write(file, bytes);

    assertThatThrownBy(() -> RebootCheckpoint.read(file))
        .isInstanceOf(RebootCheckpoint.CorruptCheckpointException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("checksum does not match");
  }

  @Test
  void read_whenTruncatedOrForeign_refusesTheFile(@TempDir Path state) throws Exception {
    Path file = sample().write(state);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, 10));
    assertThatThrownBy(() -> RebootCheckpoint.read(file))
        .isInstanceOf(RebootCheckpoint.CorruptCheckpointException.class).hasMessageContaining("bytes long");

    Files.writeString(file, "this is not a checkpoint at all, but long enough");
    assertThatThrownBy(() -> RebootCheckpoint.read(file))
        .isInstanceOf(RebootCheckpoint.CorruptCheckpointException.class).hasMessageContaining("homefleet's mark");
  }

  @Test
  void find_whenNone_isEmpty_andRemoveForgetsIt(@TempDir Path state) throws Exception {
    assertThat(RebootCheckpoint.find(state, "x")).isEmpty();
    assertThat(RebootCheckpoint.files(state)).isEmpty();
    sample().write(state);
    RebootCheckpoint.remove(state, "run1-p0-web/1");
    assertThat(RebootCheckpoint.find(state, "run1-p0-web/1")).isEmpty();
  }
}
