package io.homefleet.playbook.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * set_fact, debug, assert and fail side by side with Debian's ansible-playbook (ansible-core
 * 2.14): the same tasks run through homefleet's plan runner and through Ansible on localhost, and
 * every registered result must be the same (Ansible's internal {@code _ansible_*} keys aside; a
 * failure's msg may carry homefleet's file:line prefix before Ansible's text). Each case is one
 * on which ad-hoc runs and plays used to disagree.
 */
class LogicActionsAnsibleTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String TASKS = """
      - {name: debug msg, debug: {msg: hello}, register: r_debug_msg}
      - {name: debug var, debug: {var: num}, register: r_debug_var}
      - {name: debug undefined, debug: {var: not_defined_anywhere}, register: r_debug_undef}
      - {name: debug verbosity, debug: {msg: only with -v, verbosity: 1}, register: r_debug_verbosity}
      - {name: debug default, debug: {}, register: r_debug_default}
      - {name: debug msg and var, debug: {msg: x, var: num}, register: r_debug_both, ignore_errors: true}
      - {name: assert quiet, assert: {that: num == 3, quiet: true}, register: r_assert_quiet}
      - {name: assert success_msg, assert: {that: [num == 3, "'a' in l"], success_msg: fine}, register: r_assert_ok}
      - {name: assert msg alias, assert: {that: [num == 3, num == 4], msg: nope}, register: r_assert_msg, ignore_errors: true}
      - {name: assert fail_msg list, assert: {that: num > 5, fail_msg: [one, two]}, register: r_assert_list, ignore_errors: true}
      - {name: assert braces, assert: {that: "{{ num == 3 }}"}, register: r_assert_braces}
      - {name: set_fact words, set_fact: {a: "yes", b: "No", c: "TRUE", d: 1, e: text}, register: r_facts}
      - {name: set_fact free form, set_fact: "f=yes g=two", register: r_facts_free}
      - {name: facts are variables, debug: {msg: "{{ a }} {{ b }} {{ f }} {{ g }}"}, register: r_facts_used}
      - {name: fail msg, fail: {msg: boom}, register: r_fail_msg, ignore_errors: true}
      - {name: fail default, fail: {}, register: r_fail_default, ignore_errors: true}
      """;

  @Test
  void everyCase_registersWhatAnsiblePlaybookRegisters(@TempDir Path tmp) throws Exception {
    Path ansiblePlaybook = Path.of("/usr/bin/ansible-playbook");
    assertThat(ansiblePlaybook).as("ansible-playbook is missing: apt-get install -y ansible-core (.ci/run does)")
        .isExecutable();
    Map<String, String> registers = new LinkedHashMap<>(); // task name -> register
    Matcher m = Pattern.compile("name: ([^,]+), .*register: (\\w+)").matcher(TASKS);
    while (m.find()) {
      registers.put(m.group(1), m.group(2));
    }
    String vars = "  vars:\n    num: 3\n    l: [a, b]\n  tasks:\n";
    String tasks = TASKS.indent(4);

    // Ansible: the same tasks, then one that writes every registered result as JSON.
    Path ansibleDir = Files.createDirectories(tmp.resolve("ansible"));
    Path out = ansibleDir.resolve("registered.json");
    StringBuilder dump = new StringBuilder("{");
    for (String r : registers.values()) {
      dump.append(dump.length() > 1 ? ", " : "").append("'").append(r).append("': ").append(r);
    }
    dump.append("}");
    Files.writeString(ansibleDir.resolve("site.yml"), "- hosts: all\n  gather_facts: false\n" + vars + tasks
        + "    - copy: {content: \"{{ " + dump + " | to_json }}\", dest: " + out + "}\n");
    ProcessBuilder pb = new ProcessBuilder(ansiblePlaybook.toString(), "-i", "localhost,", "-c", "local", "site.yml")
        .directory(ansibleDir.toFile()).redirectErrorStream(true)
        .redirectOutput(ansibleDir.resolve("ansible.log").toFile());
    // Ansible's own temp and state under the test's dir, so nothing is left in ~/.ansible.
    pb.environment().put("ANSIBLE_HOME", ansibleDir.resolve("home").toString());
    pb.environment().put("ANSIBLE_LOCAL_TEMP", ansibleDir.resolve("tmp").toString());
    pb.environment().put("ANSIBLE_REMOTE_TEMP", ansibleDir.resolve("tmp").toString());
    pb.environment().put("ANSIBLE_LOCALHOST_WARNING", "false");
    pb.environment().put("ANSIBLE_NOCOLOR", "1");
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("ansible-playbook finished").isTrue();
    assertThat(p.exitValue()).as(Files.readString(ansibleDir.resolve("ansible.log"))).isZero();
    JsonNode ansible = JSON.readTree(Files.readString(out));

    PlanFixture f = new PlanFixture(tmp.resolve("homefleet"));
    // The controller merges a play's vars into the host's before compiling; the fixture takes them as the host's.
    f.hostVars.put("num", 3);
    f.hostVars.put("l", java.util.List.of("a", "b"));
    f.play("  tasks:\n" + tasks).run();
    assertThat(registers).hasSize(16);
    for (Map.Entry<String, String> e : registers.entrySet()) {
      String name = e.getKey();
      String register = e.getValue();
      ObjectNode expected = withoutInternalKeys(ansible.get(register));
      ObjectNode actual = withoutInternalKeys(JSON.valueToTree(f.events.result(name).result()));
      if (expected.path("failed").asBoolean() && expected.get("msg").isTextual() && actual.path("msg").isTextual()
          && actual.get("msg").asText().endsWith(": " + expected.get("msg").asText())) {
        actual.set("msg", expected.get("msg")); // homefleet names the task's file:line before Ansible's text
      }
      assertThat(actual).as("task '%s' (%s)", name, register).isEqualTo(expected);
    }
  }

  private static ObjectNode withoutInternalKeys(JsonNode result) {
    ObjectNode copy = result.deepCopy();
    for (Iterator<String> it = copy.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (k.startsWith("_ansible")) {
        it.remove();
      }
    }
    return copy;
  }
}
