package io.homefleet.agent.module.find;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FindModuleTest {
  @TempDir
  Path dir;

  @SuppressWarnings("unchecked")
  private List<String> found(Map<String, Object> args) throws Exception {
    Outcome o = Run.of(new FindModule(), args).go();
    assertThat(o.status()).isEqualTo(Outcome.Status.OK);
    return ((List<Map<String, Object>>) o.data().get("files")).stream()
        .map(f -> dir.relativize(Path.of((String) f.get("path"))).toString()).sorted().toList();
  }

  @Test
  void defaults_areRegularFilesAtTheTop_notHidden_notLinksOrDirectories() throws Exception {
    FindAnsibleTest.tree(dir);
    assertThat(found(Map.of("paths", dir.toString()))).containsExactly("a.conf", "abc.txt", "b.log", "big.bin",
        "latin.txt", "old.log", "x.bak");
  }

  @Test
  void recurse_walksHiddenDirectories_butNotSymlinkedOnes_unlessFollow() throws Exception {
    FindAnsibleTest.tree(dir);
    assertThat(found(Map.of("paths", dir.toString(), "recurse", true, "patterns", "*.conf")))
        .containsExactly("a.conf", "sub/.hid/inner.conf", "sub/c.conf", "sub/deep/d.conf", "sub/deep/deeper/e.conf");
    assertThat(found(Map.of("paths", dir.toString(), "recurse", true, "follow", true, "patterns", "*.conf")))
        .contains("link/c.conf", "sub/c.conf");
  }

  @Test
  void follow_stopsAtACycle() throws Exception {
    Files.createDirectories(dir.resolve("a"));
    Files.writeString(dir.resolve("a/f"), "x");
    Files.createSymbolicLink(dir.resolve("a/up"), dir);
    assertThat(found(Map.of("paths", dir.toString(), "recurse", true, "follow", true))).containsExactly("a/f");
  }

  @Test
  void depth_countsFromThePath() throws Exception {
    FindAnsibleTest.tree(dir);
    assertThat(found(Map.of("paths", dir.toString(), "recurse", true, "depth", 2, "patterns", "*.conf")))
        .containsExactly("a.conf", "sub/c.conf");
  }

  @Test
  void regexMatchesFromTheStart_globsTheWholeName() throws Exception {
    FindAnsibleTest.tree(dir);
    assertThat(found(Map.of("paths", dir.toString(), "use_regex", true, "patterns", "a"))).containsExactly("a.conf",
        "abc.txt");
    assertThat(found(Map.of("paths", dir.toString(), "patterns", "a"))).isEmpty();
    assertThat(found(Map.of("paths", dir.toString(), "patterns", "[!ab]*.*", "excludes", "*.bak")))
        .containsExactly("latin.txt", "old.log");
  }

  @Test
  void contains_matchesLinesFromTheirStart_andSkipsUndecodableFiles() throws Exception {
    FindAnsibleTest.tree(dir);
    assertThat(found(Map.of("paths", dir.toString(), "contains", "then"))).containsExactly("abc.txt");
    assertThat(found(Map.of("paths", dir.toString(), "contains", "p"))).containsExactly("a.conf");
  }

  @Test
  void ageAndSize_filter() throws Exception {
    Path old = Files.writeString(dir.resolve("old"), "x");
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(3, ChronoUnit.DAYS)));
    Files.write(dir.resolve("big"), new byte[2048]);
    assertThat(found(Map.of("paths", dir.toString(), "age", "2d"))).containsExactly("old");
    assertThat(found(Map.of("paths", dir.toString(), "age", "-2d"))).containsExactly("big");
    assertThat(found(Map.of("paths", dir.toString(), "size", "2k"))).containsExactly("big");
    assertThat(found(Map.of("paths", dir.toString(), "size", "-1"))).containsExactly("old");
    assertThatThrownBy(() -> found(Map.of("paths", dir.toString(), "size", "2 kb")))
        .hasMessageContaining("failed to process size");
  }

  @Test
  void aMissingPath_isSkipped_withAWarning() throws Exception {
    Outcome o = Run.of(new FindModule(), Map.of("paths", List.of(dir.resolve("no").toString(), dir.toString()))).check()
        .go();
    assertThat(o.data()).containsEntry("msg", "Not all paths examined, check warnings for details")
        .containsEntry("skipped_paths", Map.of(dir.resolve("no").toString(), "'" + dir.resolve("no") + "' is not a directory"))
        .containsKey("warnings");
  }

  @Test
  void entries_carryStatFields_andChecksum() throws Exception {
    Files.writeString(dir.resolve("f"), "abc");
    Outcome o = Run.of(new FindModule(), Map.of("paths", dir.toString(), "get_checksum", true)).go();
    @SuppressWarnings("unchecked")
    Map<String, Object> f = ((List<Map<String, Object>>) o.data().get("files")).get(0);
    assertThat(f).containsEntry("isreg", true).containsEntry("size", 3L)
        .containsEntry("checksum", "a9993e364706816aba3e25717850c26c9cd0d89d").containsKeys("mode", "mtime", "pw_name");
    assertThat(o.data()).containsEntry("matched", 1).containsEntry("examined", 1).containsEntry("changed", false);
  }
}
