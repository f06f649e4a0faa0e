package io.homefleet.playbook.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Jinja2's syntax where Jinjava's differs: the values are in ansible-oracle.tsv; these cases
 * are the errors Ansible raises (rows it rejects are left out of the oracle) and the places an
 * expression is read besides {@code {{ }}} ({@code when:}, a rendered string).
 */
class AnsibleSyntaxTest {
  private final Templar templar = new Templar();

  private static Map<String, Object> vars() {
    Map<String, Object> foo = new HashMap<>();
    foo.put("null", null);
    foo.put("true", 1);
    foo.put("false", 2);
    foo.put("none", 3);
    return Map.of("x", 4, "foo", foo, "l", List.of(3, 1, 2));
  }

  @Test
  void condition_unspacedPlus_adds() throws Exception {
    assertThat(templar.condition("x+1 == 5 and x +1 == 5 and range(1, x+1) | list | length == 4", vars()))
        .isTrue();
  }

  @Test
  void evaluate_unaryPlus_afterAnOperatorOrBracket_staysUnary() throws Exception {
    assertThat(templar.evaluate("[+1, x - +2, (+3)]", vars())).isEqualTo(List.of(1L, 2L, 3L));
  }

  @Test
  void condition_keywordAfterDot_isAnAttributeName() throws Exception {
    assertThat(templar.condition("foo.null is none and foo.true == 1 and foo.false == 2 and foo.none == 3", vars()))
        .isTrue();
  }

  @Test
  void render_percentFormatting_inText() throws Exception {
    assertThat(templar.render("host-{{ '%02d' % x }}.{{ '%s-%s' % ('a', l) }}", vars()))
        .isEqualTo("host-04.a-[3, 1, 2]");
  }

  @Test
  void evaluate_percentFormatting_wrongType_failsWithPythonsMessage() {
    assertThatThrownBy(() -> templar.template("{{ '%d' % 'three' }}", vars()))
        .isInstanceOf(TemplateException.class)
        .hasMessageStartingWith("%d format: a real number is required, not str");
  }

  @Test
  void evaluate_percentFormatting_argumentCount_failsWithPythonsMessage() {
    assertThatThrownBy(() -> templar.template("{{ '%s %s' % ('a', 'b', 'c') }}", vars()))
        .hasMessageStartingWith("not all arguments converted during string formatting");
    assertThatThrownBy(() -> templar.template("{{ '%s %s %s' % ('a', 'b') }}", vars()))
        .hasMessageStartingWith("not enough arguments for format string");
    assertThatThrownBy(() -> templar.template("{{ '%(missing)s' % foo }}", vars()))
        .hasMessageStartingWith("KeyError: 'missing'");
  }

  @Test
  void evaluate_modulo_ofNone_isATypeError() {
    assertThatThrownBy(() -> templar.template("{{ none % 2 }}", vars()))
        .hasMessageStartingWith("unsupported operand type(s) for %: 'NoneType' and 'int'");
    assertThatThrownBy(() -> templar.template("{{ x % 0 }}", vars()))
        .hasMessageStartingWith("integer division or modulo by zero");
  }

  @Test
  void evaluate_undefinedInsideAnUnusedLiteral_isNotAnError_butUsedItIs() throws Exception {
    assertThat(templar.template("{{ foo | default({'a': [undef_var]}) | length }}", vars())).isEqualTo(4L);
    assertThatThrownBy(() -> templar.template("{{ nope | default({'a': [undef_var]}) }}", vars()))
        .hasMessageStartingWith("'undef_var' is undefined");
  }
}
