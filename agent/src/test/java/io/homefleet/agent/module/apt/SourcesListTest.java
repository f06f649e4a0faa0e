package io.homefleet.agent.module.apt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The line parsing and editing of {@link SourcesList}, on cases whose outcome ansible-core 2.14 gives. */
class SourcesListTest {
  @Test
  void parse_disabledLinesCommentsAndBlanks_asAnsiblesParse() {
    assertThat(SourcesList.parse(0, "  #deb   http://x/  y main # note ").render()).isEqualTo("# deb http://x/ y main # note\n");
    assertThat(SourcesList.parse(0, "#deb http://x/ y main").valid()).isTrue();
    assertThat(SourcesList.parse(0, "#deb http://x/ y main").enabled()).isFalse();
    assertThat(SourcesList.parse(0, "##x").render()).isEqualTo("# #x\n");
    assertThat(SourcesList.parse(0, "").render()).isEqualTo("\n");
    assertThat(SourcesList.parse(0, "Types: deb").valid()).isFalse();
  }

  @Test
  void lines_areThoseOfPythonsTextMode() {
    assertThat(SourcesList.lines("")).isEmpty();
    assertThat(SourcesList.lines("a\r\nb\rc\n\n")).containsExactly("a", "b", "c", "");
    assertThat(SourcesList.lines("a")).containsExactly("a");
  }

  @Test
  void suggestFilename_dropsOptionsSchemesAndCredentials() {
    assertThat(SourcesList.suggestFilename("deb http://archive.canonical.com/ubuntu hardy partner", null))
        .contains("archive_canonical_com_ubuntu.list");
    assertThat(SourcesList.suggestFilename("deb [arch=amd64] https://u:p@dl.example.invalid/linux/ stable main", null))
        .contains("dl_example_invalid_linux.list");
    assertThat(SourcesList.suggestFilename("deb file:/srv/repo ./", null)).contains("file_srv_repo.list");
    assertThat(SourcesList.suggestFilename("deb file:///srv/repo ./", null)).contains("srv_repo.list");
    assertThat(SourcesList.suggestFilename("deb http://x/ y", "google-chrome")).contains("google-chrome.list");
    assertThat(SourcesList.suggestFilename("deb", null)).isEmpty();
  }

  @Test
  void validSource_refusesDisabledAndNonDebLines_withAnsiblesText() {
    assertThatThrownBy(() -> SourcesList.validSource("# deb http://x/ y")).hasMessage(" deb http://x/ y");
    assertThatThrownBy(() -> SourcesList.validSource("http://x/ y main # c")).hasMessage("http://x/ y main ");
  }

  @Test
  void add_reenablesEveryMatchingLine_elseAppendsToTheSuggestedFile(@TempDir Path dir) throws Exception {
    Path parts = Files.createDirectories(dir.resolve("sources.list.d"));
    Files.writeString(dir.resolve("sources.list"), "#deb http://x/ y main # kept\n# deb http://x/ y main\n");
    SourcesList s = SourcesList.load(dir.resolve("sources.list"), parts);
    s.add("deb http://x/ y main", "x.list");
    assertThat(s.dump()).containsExactly(Map.entry(dir.resolve("sources.list").toString(),
        "deb http://x/ y main # kept\ndeb http://x/ y main\n"));
    s.add("deb http://z/ y main", "z.list");
    assertThat(s.dump()).containsEntry(parts.resolve("z.list").toString(), "deb http://z/ y main\n");
    assertThat(s.newRepos()).containsExactly(parts.resolve("z.list").toString());
  }

  @Test
  void remove_keepsAnsiblesPopByNumberQuirk(@TempDir Path dir) throws Exception {
    Path parts = Files.createDirectories(dir.resolve("sources.list.d"));
    Path list = Files.writeString(dir.resolve("sources.list"), "deb http://a/ y\ndeb http://a/ y\ndeb http://b/ y\n");
    SourcesList s = SourcesList.load(list, parts);
    s.remove("deb http://a/ y");
    // Ansible pops line 0, then its walk skips the next line: one duplicate stays.
    assertThat(s.dump()).containsEntry(list.toString(), "deb http://a/ y\ndeb http://b/ y\n");

    Files.writeString(list, "deb http://a/ y\ndeb http://b/ y\ndeb http://a/ y\n");
    SourcesList t = SourcesList.load(list, parts);
    assertThatThrownBy(() -> t.remove("deb http://a/ y")).isInstanceOf(SourcesList.PopOutOfRange.class)
        .hasMessageContaining("pop index out of range");
  }

  @Test
  void writes_removeEmptiedAndEmptyFiles_andRewriteOthersInNormalForm(@TempDir Path dir) throws Exception {
    Path parts = Files.createDirectories(dir.resolve("sources.list.d"));
    Files.writeString(parts.resolve("empty.list"), "");
    Files.writeString(parts.resolve("one.list"), "deb http://a/ y\n");
    Files.writeString(parts.resolve("other.list"), "#c\ndeb http://b/ y\n");
    Files.writeString(parts.resolve("same.list"), "# c\n");
    SourcesList s = SourcesList.load(dir.resolve("sources.list"), parts);
    s.remove("deb http://a/ y");
    assertThat(s.writes()).containsOnly(Map.entry(parts.resolve("empty.list").toString(), Optional.empty()),
        Map.entry(parts.resolve("one.list").toString(), Optional.empty()),
        Map.entry(parts.resolve("other.list").toString(), Optional.of("# c\ndeb http://b/ y\n")));
  }
}
