package io.homefleet.agent.module.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplaceModuleTest {
  @TempDir
  Path dir;

  private Outcome replace(Path f, Map<String, Object> args) throws Exception {
    Map<String, Object> all = new HashMap<>(args);
    all.put("path", f.toString());
    return Run.of(new ReplaceModule(), all).diff().go();
  }

  private String edit(String content, Map<String, Object> args) throws Exception {
    Path f = Files.writeString(dir.resolve("f"), content);
    replace(f, args);
    return Files.readString(f);
  }

  @Test
  void everyMatch_isReplaced_withBackrefs_andCounted() throws Exception {
    Path f = Files.writeString(dir.resolve("hosts"), "10.0.0.1 a\n10.0.0.2 b\n");
    Outcome o = replace(f, Map.of("regexp", "^10\\.0\\.0\\.(\\d+) (?P<host_name>\\w+)$", "replace", "\\g<host_name> \\1"));
    assertThat(Files.readString(f)).isEqualTo("a 1\nb 2\n");
    assertThat(o.data()).containsEntry("changed", true).containsEntry("msg", "2 replacements made").containsEntry("rc", 0);
    assertThat(o.data().get("diff")).isEqualTo(Map.of("before", "10.0.0.1 a\n10.0.0.2 b\n", "after", "a 1\nb 2\n",
        "before_header", f.toString(), "after_header", f.toString()));
  }

  @Test
  void secondRun_isOk_andCheckModeChangesNothing() throws Exception {
    Path f = Files.writeString(dir.resolve("c"), "Port 22\n");
    Map<String, Object> args = Map.of("path", f.toString(), "regexp", "^Port 22$", "replace", "Port 2222");
    Outcome check = Run.of(new ReplaceModule(), args).check().diff().go();
    assertThat(check.status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(check.data()).containsKey("diff");
    assertThat(Files.readString(f)).isEqualTo("Port 22\n");
    assertThat(Run.of(new ReplaceModule(), args).go().status()).isEqualTo(Outcome.Status.CHANGED);
    Outcome again = Run.of(new ReplaceModule(), args).go();
    assertThat(again.status()).isEqualTo(Outcome.Status.OK);
    assertThat(again.data()).containsEntry("msg", "");
  }

  @Test
  void afterAndBefore_limitTheSection() throws Exception {
    String ini = "[a]\nx=1\n[b]\nx=1\n[c]\nx=1\n";
    assertThat(edit(ini, Map.of("regexp", "x=1", "replace", "x=2", "after", "\\[b\\]", "before", "\\[c\\]")))
        .isEqualTo("[a]\nx=1\n[b]\nx=2\n[c]\nx=1\n");
    assertThat(edit(ini, Map.of("regexp", "x=1", "replace", "x=2", "after", "\\[b\\]")))
        .isEqualTo("[a]\nx=1\n[b]\nx=2\n[c]\nx=2\n");
    assertThat(edit(ini, Map.of("regexp", "x=1", "replace", "x=2", "before", "\\[b\\]")))
        .isEqualTo("[a]\nx=2\n[b]\nx=1\n[c]\nx=1\n");
  }

  @Test
  void afterThatMatchesNothing_isOk_withAnsiblesMessage() throws Exception {
    Path f = Files.writeString(dir.resolve("g"), "x=1\n");
    Outcome o = replace(f, Map.of("regexp", "x", "after", "nowhere"));
    assertThat(o.status()).isEqualTo(Outcome.Status.OK);
    assertThat(o.data().get("msg")).isEqualTo(
        "Pattern for before/after params did not match the given file: nowhere(?P<subsection>.*)");
  }

  @Test
  void pythonMultilineCaret_matchesAfterTheFinalNewline() throws Exception {
    assertThat(edit("a\n\nb\n", Map.of("regexp", "^$", "replace", "EMPTY"))).isEqualTo("a\nEMPTY\nb\nEMPTY");
  }

  @Test
  void pythonLiterals_thatJavaWouldReject_orReadOtherwise() throws Exception {
    assertThat(edit("x{a} [y\n", Map.of("regexp", "x{a} [[]y", "replace", "z"))).isEqualTo("z\n");
    assertThat(edit("aab\n", Map.of("regexp", "a{,2}b", "replace", "X"))).isEqualTo("X\n");
    assertThat(edit("the end\n", Map.of("regexp", "end\\Z", "replace", "x"))).isEqualTo("the end\n");
    assertThat(edit("the end", Map.of("regexp", "end\\Z", "replace", "x"))).isEqualTo("the x");
    assertThat(edit("café=1\n", Map.of("regexp", "^\\w+=", "replace", "k="))).isEqualTo("k=1\n");
    assertThat(edit("ab\n", Map.of("regexp", "a(?#why)b", "replace", "c"))).isEqualTo("c\n");
  }

  @Test
  void templateEscapes_areTheOnesPythonKnows() throws Exception {
    assertThat(edit("X\n", Map.of("regexp", "X", "replace", "\\t|\\\\|\\.|\\101|\\0"))).isEqualTo("\t|\\|\\.|A|\0\n");
    assertThatThrownBy(() -> edit("X\n", Map.of("regexp", "X", "replace", "\\q"))).hasMessageContaining("bad escape \\q");
    assertThatThrownBy(() -> edit("X\n", Map.of("regexp", "(X)", "replace", "\\2")))
        .hasMessageContaining("invalid group reference 2");
    assertThatThrownBy(() -> edit("X\n", Map.of("regexp", "(X)", "replace", "\\g<nope>")))
        .hasMessageContaining("unknown group name 'nope'");
  }

  @Test
  void emptyMatches_followPython37() throws Exception {
    assertThat(edit("abxd\n", Map.of("regexp", "x*", "replace", "-"))).isEqualTo("-a-b--d-\n-");
  }

  @Test
  void backup_isReturnedAsBackupFile_andSymlinksAreWrittenThrough() throws Exception {
    Path target = Files.writeString(dir.resolve("real"), "old\n");
    Path link = Files.createSymbolicLink(dir.resolve("link"), target);
    Outcome o = replace(link, Map.of("regexp", "old", "replace", "new", "backup", true));
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readString(target)).isEqualTo("new\n");
    assertThat(Files.readString(Path.of((String) o.data().get("backup_file")))).isEqualTo("old\n");
  }

  @Test
  void validate_failing_leavesTheFile() throws Exception {
    Path f = Files.writeString(dir.resolve("v"), "old\n");
    assertThatThrownBy(() -> replace(f, Map.of("regexp", "old", "replace", "new", "validate", "/bin/false %s")))
        .hasMessageContaining("failed to validate");
    assertThat(Files.readString(f)).isEqualTo("old\n");
  }

  @Test
  void mode_isAnAttributeChange_inTheMessage() throws Exception {
    Path f = Files.writeString(dir.resolve("m"), "a\n");
    Outcome o = replace(f, Map.of("regexp", "a", "replace", "b", "mode", "0600"));
    assertThat(o.data()).containsEntry("msg", "1 replacements made and ownership, perms or SE linux context changed");
    assertThat(Files.getPosixFilePermissions(f)).hasSize(2);
  }

  @Test
  void encoding_readsAndWritesTheFilesCharset() throws Exception {
    Path f = Files.write(dir.resolve("l1"), "caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    replace(f, Map.of("regexp", "\u00e9", "replace", "e\u00e9", "encoding", "latin-1"));
    assertThat(Files.readAllBytes(f)).isEqualTo("cafe\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> replace(f, Map.of("regexp", "x"))).hasMessageContaining("is not valid UTF-8");
  }

  @Test
  void missingFile_andDirectory_fail() {
    assertThatThrownBy(() -> replace(dir.resolve("no"), Map.of("regexp", "x"))).hasMessageContaining("does not exist !");
    assertThatThrownBy(() -> replace(dir, Map.of("regexp", "x"))).hasMessageContaining("is a directory !");
  }
}
