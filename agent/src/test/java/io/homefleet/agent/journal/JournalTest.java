package io.homefleet.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void begin_twiceForOneId_secondIsRefused() throws Exception {
    try (Journal j = Journal.open(dir)) {
      assertThat(j.begin("t1", Journal.Kind.TASK, "r1", 0)).isTrue();
      assertThat(j.begin("t1", Journal.Kind.TASK, "r1", 0)).isFalse();
      assertThat(j.state("t1")).isEqualTo(Journal.State.RECEIVED);
    }
  }

  @Test
  void reopen_afterBeginWithoutFinish_reportsItInterruptedAndNeverNew() throws Exception {
    try (Journal j = Journal.open(dir)) {
      j.begin("t1", Journal.Kind.TASK, "r1", 0);
      j.begin("p1", Journal.Kind.PLAY, "r2", 3);
      j.finish("t1", b("result-1"));
    }
    try (Journal j = Journal.open(dir)) {
      assertThat(j.interrupted()).containsExactly(new Journal.Interrupted("p1", Journal.Kind.PLAY, "r2", 3));
      assertThat(j.state("p1")).isEqualTo(Journal.State.RECEIVED);
      assertThat(j.begin("p1", Journal.Kind.PLAY, "r2", 3)).isFalse();
      assertThat(j.unacknowledged()).containsOnlyKeys("t1");
      assertThat(j.result("t1")).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("result-1")));
    }
  }

  @Test
  void acknowledge_forgetsTheResultButRemembersTheId() throws Exception {
    try (Journal j = Journal.open(dir)) {
      j.begin("t1", Journal.Kind.TASK, "r1", 0);
      j.finish("t1", b("x"));
      j.acknowledge("t1");
    }
    try (Journal j = Journal.open(dir)) {
      assertThat(j.state("t1")).isEqualTo(Journal.State.ACKED);
      assertThat(j.unacknowledged()).isEmpty();
      assertThat(j.interrupted()).isEmpty();
      assertThat(j.begin("t1", Journal.Kind.TASK, "r1", 0)).isFalse();
    }
  }

  @Test
  void open_withTornLastLine_dropsOnlyThatLine() throws Exception {
    try (Journal j = Journal.open(dir)) {
      j.begin("t1", Journal.Kind.TASK, "r1", 0);
      j.finish("t1", b("done"));
    }
    Files.write(dir.resolve(Journal.FILE_NAME), b("S t2 T r9 0"), StandardOpenOption.APPEND);
    try (Journal j = Journal.open(dir)) {
      assertThat(j.state("t2")).isEqualTo(Journal.State.NEW);
      assertThat(j.state("t1")).isEqualTo(Journal.State.DONE);
    }
  }

  @Test
  void compaction_keepsOpenWorkAndUnacknowledgedResults() throws Exception {
    try (Journal j = Journal.open(dir, 16, 64)) {
      j.begin("keep-running", Journal.Kind.TASK, "r0", 0);
      j.begin("keep-done", Journal.Kind.TASK, "r0", 0);
      j.finish("keep-done", b("kept"));
      for (int i = 0; i < 100; i++) {
        j.begin("t" + i, Journal.Kind.TASK, "r", 0);
        j.finish("t" + i, b("r" + i));
        j.acknowledge("t" + i);
      }
    }
    long lines = Files.readAllLines(dir.resolve(Journal.FILE_NAME)).size();
    assertThat(lines).isLessThan(64);
    try (Journal j = Journal.open(dir, 16, 64)) {
      assertThat(j.state("keep-running")).isEqualTo(Journal.State.RECEIVED);
      assertThat(j.result("keep-done")).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("kept")));
      String recent = "t99";
      assertThat(j.state(recent)).isEqualTo(Journal.State.ACKED);
      assertThat(j.state("t0")).isEqualTo(Journal.State.NEW);
    }
  }

  @Test
  void openAppendAndCompaction_keepTheJournal0600() throws Exception {
    try (Journal j = Journal.open(dir, 4, 8)) {
      assertThat(mode(dir.resolve(Journal.FILE_NAME))).as("after open").isEqualTo("rw-------");
      j.begin("t0", Journal.Kind.TASK, "r", 0);
      assertThat(mode(dir.resolve(Journal.FILE_NAME))).as("after an append").isEqualTo("rw-------");
      for (int i = 1; i < 20; i++) {
        j.begin("t" + i, Journal.Kind.TASK, "r", 0);
        j.finish("t" + i, b("output " + i));
        j.acknowledge("t" + i);
      }
    }
    assertThat(Files.readAllLines(dir.resolve(Journal.FILE_NAME)).size()).as("compacted").isLessThan(20);
    assertThat(mode(dir.resolve(Journal.FILE_NAME))).as("after compactions").isEqualTo("rw-------");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly(Journal.FILE_NAME);
    }
  }

  @Test
  void open_whenAnOlderAgentLeftA0644JournalAndATempFile_replacesItWith0600AndDropsTheTemp() throws Exception {
    Path old = Files.writeString(dir.resolve(Journal.FILE_NAME), "S t1 T r1 0\n");
    Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rw-r--r--"));
    Path tmp = Files.writeString(dir.resolve(Journal.FILE_NAME + ".tmp"), "S t1 T r1 0\n");

    try (Journal j = Journal.open(dir)) {
      assertThat(j.state("t1")).isEqualTo(Journal.State.RECEIVED);
    }

    assertThat(mode(dir.resolve(Journal.FILE_NAME))).isEqualTo("rw-------");
    assertThat(tmp).doesNotExist();
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void ids_withSpaces_areRefused() throws Exception {
    try (Journal j = Journal.open(dir)) {
      assertThatThrownBy(() -> j.begin("a b", Journal.Kind.TASK, "r", 0)).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
