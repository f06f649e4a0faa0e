package io.homefleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class UnifiedDiffTest {

  @Test
  void render_changedLine_showsHunkWithContext() {
    String d = UnifiedDiff.render(Map.of("before", "a\nb\nc\n", "after", "a\nB\nc\n", "before_header", "/etc/x",
        "after_header", "/etc/x"));
    assertThat(d).isEqualTo("--- before: /etc/x\n+++ after: /etc/x\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
  }

  @Test
  void render_newFile_isAllAdditions() {
    assertThat(UnifiedDiff.render(Map.of("before", "", "after", "x\ny\n")))
        .isEqualTo("--- before\n+++ after\n@@ -0,0 +1,2 @@\n+x\n+y\n");
  }

  @Test
  void render_sameContent_isEmpty_andDictsCompareAsJson() {
    assertThat(UnifiedDiff.render(Map.of("before", "same\n", "after", "same\n"))).isEmpty();
    assertThat(UnifiedDiff.render(Map.of("before", Map.of("state", "absent"), "after", Map.of("state", "directory"))))
        .contains("-  \"state\" : \"absent\"", "+  \"state\" : \"directory\"");
  }

  @Test
  void render_largeFile_matchesPythonsDifflib_asAnsiblePrintsIt() throws Exception {
    // 20,000 lines: the old LCS table would have been 1.6 GB; Ansible's callback uses difflib.
    StringBuilder before = new StringBuilder();
    StringBuilder after = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      String line = "line " + i + "\n";
      before.append(line);
      if (i == 7 || i == 12_345) {
        after.append("changed ").append(line);
      } else if (i == 9_000) {
        after.append(line).append("inserted\n");
      } else if (i != 15_000) {
        after.append(line);
      }
    }
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("udiff");
    try {
      java.nio.file.Files.writeString(dir.resolve("a"), before);
      java.nio.file.Files.writeString(dir.resolve("b"), after);
      Process p = new ProcessBuilder("python3", "-c", "import difflib,sys\n"
          + "a=open(sys.argv[1]).read().splitlines(True); b=open(sys.argv[2]).read().splitlines(True)\n"
          + "sys.stdout.write(''.join(difflib.unified_diff(a, b, 'before', 'after', lineterm='\\n')))",
          dir.resolve("a").toString(), dir.resolve("b").toString()).redirectErrorStream(true).start();
      String difflib = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(p.waitFor()).as(difflib).isZero();
      // difflib writes "--- before\n+++ after\n" with a trailing space-free header, as we do.
      assertThat(UnifiedDiff.render(Map.of("before", before.toString(), "after", after.toString())))
          .isEqualTo(difflib);
    } finally {
      for (String f : new String[] {"a", "b"}) {
        java.nio.file.Files.deleteIfExists(dir.resolve(f));
      }
      java.nio.file.Files.delete(dir);
    }
  }
}
