package io.homefleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostSnapshotTest {
  @Test
  void take_fileLargerThanAnArray_isDescribedAndItsChangeSeen(@TempDir Path dir) throws Exception {
    // A machine image may hold files of several GiB under a watched tree (/opt): sparse here, so cheap.
    Path big = dir.resolve("big.whl");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(3L << 30);
    }
    Map<String, String> before = HostSnapshot.take(List.of(dir.toString()));
    FileTime mtime = Files.getLastModifiedTime(big);
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.seek(1L << 30);
      f.write(1);
    }
    Files.setLastModifiedTime(big, mtime);
    Map<String, String> after = HostSnapshot.take(List.of(dir.toString()));

    assertThat(HostSnapshot.differences(before, after)).singleElement().asString().startsWith(big.toString());
  }

  @Test
  void take_smallFileRewrittenWithItsOldMtime_differs(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("sshd_config"), "Port 22\n");
    FileTime mtime = Files.getLastModifiedTime(f);
    Map<String, String> before = HostSnapshot.take(List.of(dir.toString()));
    Files.writeString(f, "Port 23\n");
    Files.setLastModifiedTime(f, mtime);

    assertThat(HostSnapshot.differences(before, HostSnapshot.take(List.of(dir.toString())))).hasSize(1);
    assertThat(HostSnapshot.take(List.of(dir.resolve("missing").toString()))).containsValue("absent");
  }
}
