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
}
