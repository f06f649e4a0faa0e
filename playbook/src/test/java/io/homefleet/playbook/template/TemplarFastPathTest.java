package io.homefleet.playbook.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The lookups that {@link Templar} answers without the engine ({@code {{ name }}} in literal
 * text) against the engine itself: every string here is rendered both ways and must come out
 * the same, value, type and error alike.
 */
class TemplarFastPathTest {
  private final Templar fast = new Templar(true);
  private final Templar engine = new Templar(false);

  private static Map<String, Object> vars() {
    Map<String, Object> v = new HashMap<>();
    v.put("app_name", "fleetapp");
    v.put("app_port", 8080);
    v.put("big", 8_000_000_000L);
    v.put("yes_flag", true);
    v.put("no_flag", false);
    v.put("ratio", 0.5);
    v.put("root", "/tmp/bench/host-1");
    v.put("empty", "");
    v.put("nested", "{{ app_name }}-x");
    v.put("braces", "a { b");
    v.put("users", List.of("alice", "bob"));
    v.put("conf", Map.of("mode", "0644"));
    v.put("nothing", null);
    v.put("None", "shadowed");
    v.put("spaced", "  padded  ");
    v.put("multi", "line one\nline two\n");
    v.put("omit", Templar.OMIT);
    return v;
  }

  private static final List<String> STRINGS = List.of(
      "{{ app_name }}", "{{app_name}}", "{{  app_name\n}}", "{{ app_port }}", "{{ big }}", "{{ yes_flag }}",
      "{{ no_flag }}", "{{ ratio }}", "{{ root }}/etc/{{ app_name }}", "{{ root }}/srv/{{ app_name }}/releases",
      "port = {{ app_port }}\nname = {{ app_name }}\n", "APP_ENV={{ app_name }}", "{{ empty }}", "x{{ empty }}y",
      "{{ nested }}", "{{ nested }}/y", "{{ braces }}", "{{ braces }}!", "{{ users }}", "{{ users }} and more",
      "{{ conf }}", "{{ conf }}.", "{{ conf.mode }}", "{{ nothing }}", "{{ nothing }}-", "{{ None }}",
      "{{ None }}-", "{{ true }}", "{{ True }}x", "{{ spaced }}", "[{{ spaced }}]", "{{ multi }}", "{{ multi }}end",
      "{{ omit }}", "{{ app_name | upper }}", "{{ app_name }}{{ app_port }}", "{ {{ app_name }}", "}} {{ app_name }}",
      "{{ app_name }} }", "a\\b {{ app_name }}", "{{ app_name }} {# note #}", "{% if yes_flag %}{{ app_name }}{% endif %}",
      "{{- app_name }}", "{{ app_name -}} x", "{{ 'app_name' }}", "{{ app_name ~ '!' }}", "{{ a1b2 }}",
      "{{ _private }}", "{{ 1abc }}", "{{ app_name", "text {{ app_name }", "plain text", "",
      "{{ app_name }}\n", "\t{{ app_name }}\t", "{{ app_port }}{{ yes_flag }}{{ no_flag }}");

  @Test
  void template_fastAndEngine_giveTheSameValueOrTheSameError() {
    Map<String, Object> v = vars();
    v.put("a1b2", "x");
    v.put("_private", 7);
    for (String s : STRINGS) {
      assertThat(outcome(() -> fast.template(s, v))).as("template %s", s)
          .isEqualTo(outcome(() -> engine.template(s, v)));
      assertThat(outcome(() -> fast.render(s, v))).as("render %s", s)
          .isEqualTo(outcome(() -> engine.render(s, v)));
    }
  }

  @Test
  void template_aWholeArgumentMap_isTheSameBothWays() throws Exception {
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("path", "{{ root }}/etc/{{ app_name }}/app.conf");
    args.put("mode", "0644");
    args.put("port", "{{ app_port }}");
    args.put("items", new ArrayList<>(List.of("{{ root }}", "{{ users }}", "{{ app_name | upper }}")));
    args.put("{{ app_name }}_key", "{{ yes_flag }}");

    assertThat(fast.template(args, vars())).isEqualTo(engine.template(args, vars()));
  }

  @Test
  void render_undefinedName_isStillTheEnginesError() {
    assertThatThrownBy(() -> fast.render("{{ root }}/{{ missing }}", vars()))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("missing");
    assertThatThrownBy(() -> fast.template("{{ missing }}", vars()))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("missing");
  }

  private interface Call {
    Object run() throws Exception;
  }

  /** The value with its class, or the error's class and message. */
  private static String outcome(Call call) {
    try {
      Object o = call.run();
      return (o == null ? "null" : o.getClass().getName()) + ":" + o;
    } catch (Exception e) {
      return "error " + e.getClass().getName() + ": " + e.getMessage();
    }
  }
}
