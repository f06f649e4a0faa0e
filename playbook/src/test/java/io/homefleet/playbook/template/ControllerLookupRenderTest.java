package io.homefleet.playbook.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.playbook.compile.ControllerLookups;
import io.homefleet.playbook.inventory.Inventory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The renderer's end of the controller lookups, with the real controller's end behind it. */
class ControllerLookupRenderTest {
  private static final Templar PLAIN = new Templar();
  @TempDir Path tmp;
  Templar templar;

  @BeforeEach
  void controller() throws Exception {
    Path book = tmp.resolve("playbook");
    Files.createDirectories(book.resolve("files"));
    Files.writeString(book.resolve("files/a.txt"), "alpha\n");
    Files.writeString(book.resolve("files/b.txt"), "beta\n");
    Files.createDirectories(book.resolve("templates"));
    Files.writeString(book.resolve("templates/t.j2"), "{{ greeting }} {{ who }}");
    templar = PLAIN.withControllerLookup(ControllerLookups.snapshot(book, Inventory.empty(), tmp.resolve("data")));
  }

  @Test
  void lookup_joinsWithCommas_queryGivesTheList() throws Exception {
    assertThat(templar.render("{{ lookup('file', 'a.txt', 'b.txt') }}", Map.of())).isEqualTo("alpha,beta");
    assertThat(templar.evaluate("query('file', 'a.txt', 'b.txt')", Map.of())).isEqualTo(List.of("alpha", "beta"));
    assertThat(templar.evaluate("q('ansible.builtin.file', ['a.txt'])", Map.of())).isEqualTo(List.of("alpha"));
    assertThat(templar.evaluate("lookup('file', 'a.txt', wantlist=True)", Map.of())).isEqualTo(List.of("alpha"));
  }

  @Test
  void errors_ignore_givesNoneOrEmpty_strictFails() throws Exception {
    assertThat(templar.evaluate("lookup('file', 'nope', errors='ignore')", Map.of())).isNull();
    assertThat(templar.evaluate("query('file', 'nope', errors='warn')", Map.of())).isEqualTo(List.of());
    assertThatThrownBy(() -> templar.evaluate("lookup('file', 'nope')", Map.of()))
        .isInstanceOf(TemplateException.class).hasMessageContaining("could not locate file in lookup: nope");
    assertThatThrownBy(() -> templar.evaluate("lookup('file', 'a.txt', errors='loud')", Map.of()))
        .hasMessageContaining("\"loud\" is not a valid error setting");
  }

  @Test
  void template_isRenderedWithTheRendersVariables_andTemplateVars() throws Exception {
    assertThat(templar.render("{{ lookup('template', 't.j2', template_vars={'who': 'world'}) }}",
        Map.of("greeting", "hello"))).isEqualTo("hello world");
  }

  @Test
  void withoutAController_theLookupSaysItNeedsOne() {
    assertThatThrownBy(() -> PLAIN.render("{{ lookup('file', 'a.txt') }}", Map.of()))
        .isInstanceOf(TemplateException.class).hasMessageContaining("runs on the controller");
  }

  @Test
  void answeredResults_areUsedWithoutAsking() throws Exception {
    assertThat(PLAIN.render("{{ lookup('file', 'x', __hf_results=r) }}", Map.of("r", List.of("given"))))
        .isEqualTo("given");
    assertThat(PLAIN.evaluate("lookup('first_found', 'x', __hf_results=r)",
        Map.of("r", List.of("files/x"), "playbook_dir", "/b"))).isEqualTo("/b/files/x");
  }

  @Test
  void vars_runsHere_withDefault() throws Exception {
    assertThat(PLAIN.evaluate("lookup('vars', 'a')", Map.of("a", 5))).isEqualTo(5);
    assertThat(PLAIN.evaluate("lookup('vars', 'b', default='d')", Map.of())).isEqualTo("d");
    assertThatThrownBy(() -> PLAIN.evaluate("lookup('vars', 'b')", Map.of()))
        .hasMessageContaining("No variable found with this name: b");
  }

  @Test
  void loopLookup_isTheQuery() throws Exception {
    assertThat(templar.loopLookup("file", List.of("a.txt", "b.txt"), Map.of())).containsExactly("alpha", "beta");
  }
}
