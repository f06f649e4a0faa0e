package io.homefleet.playbook.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import io.homefleet.playbook.compile.ControllerLookups;
import io.homefleet.playbook.inventory.Inventory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every filter and test against what Ansible itself computes: {@code ansible-oracle.tsv} holds
 * expressions and the JSON of their values as ansible-core printed them, and each row must
 * evaluate to the same value here. Values are compared as JSON trees (Jackson's, not our
 * {@code to_json}), so 1 and 1.0 differ as they do in Python.
 *
 * <p>To regenerate the table, run {@code playbook/src/test/oracle/generate.py} (needs
 * {@code ansible-playbook} and PyYAML); it reads {@code expressions.txt} beside it.
 */
class AnsibleOracleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** With the controller's lookups, as the compiler evaluates them (env from this process, as ansible-playbook's). */
  private static final Templar TEMPLAR = new Templar().withControllerLookup(new ControllerLookups(Map.of(),
      Inventory.empty(), Path.of("target/oracle-lookups/passwords"), System.getenv(), Path.of("target")));

  /** The vars the oracle playbook defines; generate.py has the same. */
  static Map<String, Object> vars() {
    Map<String, Object> vars = new HashMap<>();
    vars.put("d", new LinkedHashMap<>(Map.of("a", 1)));
    vars.put("l", List.of(3, 1, 2));
    vars.put("s", "Hello World");
    vars.put("n", null);
    vars.put("r", Map.of("changed", true, "rc", 0));
    vars.put("rf", Map.of("failed", true, "changed", false, "rc", 1));
    vars.put("rs", Map.of("skipped", true, "changed", false));
    return vars;
  }

  static Stream<Arguments> rows() throws Exception {
    List<Arguments> rows = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        AnsibleOracleTest.class.getResourceAsStream("/template/ansible-oracle.tsv"), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        int tab = line.indexOf('\t');
        rows.add(Arguments.of(line.substring(0, tab), line.substring(tab + 1)));
      }
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0}  =>  {1}")
  @MethodSource("rows")
  void evaluate_matchesAnsible(String expression, String expectedJson) throws Exception {
    // As the oracle saw it: one {{ expression }} in a string (native type kept, backslashes as Ansible treats them).
    Object value = TEMPLAR.template("{{ " + expression + " }}", vars());
    JsonNode actual = JSON.readTree(JSON.writeValueAsString(value));
    assertThat(actual).isEqualTo(JSON.readTree(expectedJson));
  }
}
