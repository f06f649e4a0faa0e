package io.homefleet.playbook.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
  void template_stringsOfOneValue_doNotSeeEachOthersSets() throws Exception {
    Map<String, Object> args = new java.util.LinkedHashMap<>();
    args.put("a", "{% set x = 'from a' %}{{ x }}");
    args.put("b", "{{ x | default('unset') }}");
    args.put("c", "{% set name = 'shadow' %}{{ name }}");
    args.put("d", "{{ name }}");

    assertThat(templar.template(args, Map.of("name", "lab")))
        .isEqualTo(Map.of("a", "from a", "b", "unset", "c", "shadow", "d", "lab"));
  }

  @Test
  void template_errorInALaterString_namesThatString() throws Exception {
    Map<String, Object> args = new java.util.LinkedHashMap<>();
    args.put("ok", "{{ name }}");
    args.put("bad", List.of("{{ name }}", "{{ missing }}"));

    assertThatThrownBy(() -> templar.template(args, Map.of("name", "lab")))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("missing")
        .hasMessageContaining("in '{{ missing }}'");
  }

  @Test
  void condition_usesAnsibleTruthiness() throws Exception {
    assertThat(templar.condition("x == 3", Map.of("x", 3))).isTrue();
    assertThat(templar.condition("x", Map.of("x", "no"))).isFalse();
  }

  private static Map<String, Object> vars(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void undefined_anyUseNamesTheVariable() {
    for (String expr : List.of("x ~ 'a'", "x + 1", "x == 1", "x | upper", "[x]", "x.y")) {
      assertThatThrownBy(() -> templar.evaluate(expr, Map.of()))
          .as(expr).isInstanceOf(TemplateException.class).hasMessageContaining("'x' is undefined");
    }
    assertThatThrownBy(() -> templar.render("{% if x %}y{% endif %}", Map.of()))
        .hasMessageContaining("'x' is undefined");
  }

  @Test
  void missingKey_isAnsiblesMessage() {
    assertThatThrownBy(() -> templar.render("{{ d.nope }}", vars("d", Map.of("a", 1))))
        .hasMessageContaining("'dict object' has no attribute 'nope'");
  }

  @Test
  void nullVariable_isNoneNotUndefined() throws Exception {
    Map<String, Object> v = vars("n", null);
    assertThat(templar.evaluate("n", v)).isNull();
    assertThat(templar.condition("n is none", v)).isTrue();
    assertThat(templar.evaluate("n | default('d')", v)).isNull();
    assertThat(templar.evaluate("n | default('d', true)", v)).isEqualTo("d");
    assertThat(templar.condition("n == None", v)).isTrue();
  }

  @Test
  void render_printsValuesAsPython() throws Exception {
    assertThat(templar.render("{{ t }} {{ l }} {{ m }}", vars("t", true, "l", List.of("a", 1), "m", Map.of("k", false))))
        .isEqualTo("True ['a', 1] {'k': False}");
  }

  @Test
  void unknownFilterOrTest_isAnError() {
    assertThatThrownBy(() -> templar.evaluate("1 | nosuch", Map.of())).hasMessageContaining("no filter named 'nosuch'");
    assertThatThrownBy(() -> templar.evaluate("1 is nosuch", Map.of())).hasMessageContaining("no test named 'nosuch'");
  }

  @Test
  void mandatory_failsWithTheName() {
    assertThatThrownBy(() -> templar.evaluate("port | mandatory", Map.of()))
        .hasMessageContaining("Mandatory variable 'port' not defined.");
    assertThatThrownBy(() -> templar.evaluate("port | mandatory('set port')", Map.of()))
        .hasMessageContaining("set port");
  }

  @Test
  void omit_isTheSentinelModulesDrop() throws Exception {
    Object v = templar.template("{{ mode | default(omit) }}", Map.of());
    assertThat(Templar.isOmit(v)).isTrue();
    assertThat(Templar.isOmit(templar.template("{{ mode | default(omit) }}", vars("mode", "0644")))).isFalse();
  }

  @Test
  void passwordHash_isCryptSha512_withCryptsDefaultRounds() throws Exception {
    // openssl passwd -6 -salt mysalt secret
    assertThat(templar.evaluate("'secret' | password_hash('sha512', 'mysalt')", Map.of()))
        .isEqualTo("$6$mysalt$UX6P1VKOf6dr0s2pg4pLNvIUB6hLXvP6M5f/Yj9hJgMPdAJ4oArvk5YUD9/XWtk1JOpVwt/JTsczMJr8sFVML1");
    // openssl passwd -5 -salt saltstring 'Hello world!'
    assertThat(templar.evaluate("'Hello world!' | password_hash('sha256', 'saltstring')", Map.of()))
        .isEqualTo("$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5");
    assertThat((String) templar.evaluate("'secret' | password_hash('sha512')", Map.of())).startsWith("$6$").hasSize(3 + 16 + 1 + 86);
  }

  @Test
  void passwordHash_withPasslibsRounds_matchesAnsibleWithPasslib() throws Exception {
    // ansible-core 2.14 with passlib: '{{ 'secret' | password_hash('sha512', 'mysalt') }}'
    assertThat(templar.evaluate("'secret' | password_hash('sha512', 'mysalt', rounds=656000)", Map.of()))
        .isEqualTo("$6$rounds=656000$mysalt$cDA0t8lm/qt.LT6DzpoHxJ.NwTpx.WTkOPwhseSva8pRixDSH2./ffedCjAMbTX1Uo1QNT7jJPJ6FIzU2i59K/");
  }

  @Test
  void pathTests_lookAtThisHost(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("f"), "x");
    Map<String, Object> v = vars("d", dir.toString(), "f", dir.resolve("f").toString());
    assertThat(templar.condition("d is directory and f is file and f is exists", v)).isTrue();
    assertThat(templar.condition("f is directory or (d ~ '/nope') is exists", v)).isFalse();
  }

  @Test
  void condition_keepsPythonsUnknownEscapes() throws Exception {
    assertThat(templar.condition("v is match('\\d+$')", vars("v", "123"))).isTrue();
  }

  @Test
  void template_nestedDictLiteral_isOneExpression() throws Exception {
    assertThat(templar.template("{{ {'a': {'b': 1}} }}", Map.of())).isEqualTo(Map.of("a", Map.of("b", 1L)));
    assertThat(templar.render("x={{ {'a': {'b': 1}} | to_json }}", Map.of())).isEqualTo("x={\"a\": {\"b\": 1}}");
  }

  @Test
  void engine_knowsEveryFilterAndTestTheDocsList() {
    assertThat(templar.filterNames()).contains("default", "d", "bool", "int", "float", "string", "join", "length",
        "count", "lower", "upper", "capitalize", "title", "trim", "replace", "regex_replace", "regex_search",
        "regex_findall", "regex_escape", "split", "to_json", "to_nice_json", "from_json", "to_yaml",
        "to_nice_yaml", "from_yaml", "b64encode", "b64decode", "basename", "dirname", "expanduser", "realpath",
        "splitext", "quote", "hash", "password_hash", "combine", "dict2items", "items2dict", "zip", "flatten",
        "unique", "union", "intersect", "difference", "sort", "first", "last", "min", "max", "sum", "map",
        "select", "reject", "selectattr", "rejectattr", "list", "dict", "mandatory", "ternary", "type_debug",
        "comment", "extract");
    assertThat(templar.testNames()).contains("defined", "undefined", "none", "truthy", "falsy", "string", "number",
        "integer", "float", "boolean", "mapping", "iterable", "sequence", "in", "match", "search", "regex",
        "version", "success", "succeeded", "failed", "changed", "skipped", "file", "directory", "exists",
        "subset", "superset", "contains", "even", "odd", "divisibleby");
  }
}
