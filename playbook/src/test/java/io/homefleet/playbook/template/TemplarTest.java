package io.homefleet.playbook.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplarTest {
  private final Templar templar = new Templar();

  @Test
  void render_substitutesVariables() throws Exception {
    assertThat(templar.render("hello {{ name }}", Map.of("name", "lab"))).isEqualTo("hello lab");
  }

  @Test
  void render_undefinedVariable_isAnError() {
    assertThatThrownBy(() -> templar.render("hello {{ nope }}", Map.of()))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("nope");
  }

  @Test
  void template_singleExpression_keepsNativeType() throws Exception {
    Object v = templar.template("{{ pkgs }}", Map.of("pkgs", List.of("vim", "curl")));
    assertThat(v).isEqualTo(List.of("vim", "curl"));
  }

  @Test
  void condition_usesAnsibleTruthiness() throws Exception {
    assertThat(templar.condition("x == 3", Map.of("x", 3))).isTrue();
    assertThat(templar.condition("x", Map.of("x", "no"))).isFalse();
  }
}
