package io.homefleet.playbook.vars;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.homefleet.playbook.inventory.Inventory;
import io.homefleet.playbook.model.Play;
import io.homefleet.playbook.parse.LoadedPlaybook;
import io.homefleet.playbook.parse.PlaybookLoader;
import io.homefleet.playbook.plan.HostPlan;
import io.homefleet.playbook.run.ModuleInvoker;
import io.homefleet.playbook.plan.ModuleResult;
import io.homefleet.playbook.plan.PlanCodec;
import io.homefleet.playbook.compile.PlanCompiler;
import io.homefleet.playbook.run.PlanListener;
import io.homefleet.playbook.compile.PlanOptions;
import io.homefleet.playbook.run.PlanRunner;
import io.homefleet.playbook.plan.PlayRecap;
import io.homefleet.playbook.plan.TaskResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Ansible's variable precedence, level by level: for each row, one variable ({@code
 * ansible_hostname}, which facts set too) is defined at that row's level and at every level below
 * it, and the task must see the row's value. homefleet runs it the way a play runs (the
 * controller's {@link VarScope#forPlay} layers, the plan codec, the runner on the host), and so
 * does Debian's ansible-playbook on the same files, which must agree (the stored-facts row has no
 * Ansible counterpart without a fact cache).
 */
class PrecedenceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The rows, lowest first; several rows may share a level (facts stored and gathered, set_fact before and now). */
  enum Row {
    ROLE_DEFAULTS(Precedence.ROLE_DEFAULTS),
    INVENTORY_ALL(Precedence.INVENTORY_ALL),
    INVENTORY_GROUPS(Precedence.INVENTORY_GROUPS),
    GROUP_VARS_ALL(Precedence.GROUP_VARS_ALL),
    GROUP_VARS(Precedence.GROUP_VARS),
    INVENTORY_HOST(Precedence.INVENTORY_HOST),
    HOST_VARS(Precedence.HOST_VARS),
    FACTS_STORED(Precedence.FACTS),
    FACTS_GATHERED(Precedence.FACTS),
    PLAY_VARS(Precedence.PLAY_VARS),
    VARS_FILES(Precedence.VARS_FILES),
    ROLE_VARS(Precedence.ROLE_VARS),
    BLOCK_VARS(Precedence.BLOCK_VARS),
    TASK_VARS(Precedence.TASK_VARS),
    SET_FACTS_EARLIER_PLAY(Precedence.SET_FACTS),
    SET_FACTS(Precedence.SET_FACTS),
    ROLE_PARAMS(Precedence.ROLE_PARAMS),
    INCLUDE_PARAMS(Precedence.INCLUDE_PARAMS),
    EXTRA_VARS(Precedence.EXTRA_VARS);

    final Precedence level;

    Row(Precedence level) {
      this.level = level;
    }
  }

  /** Levels of Ansible's list that homefleet has no source for (Precedence's javadoc says why). */
  private static final Set<Precedence> NOT_FILLED = EnumSet.of(Precedence.COMMAND_LINE,
      Precedence.PLAYBOOK_GROUP_VARS_ALL, Precedence.PLAYBOOK_GROUP_VARS, Precedence.PLAYBOOK_HOST_VARS,
      Precedence.VARS_PROMPT, Precedence.INCLUDE_VARS, Precedence.MAGIC);

  @TempDir
  Path tmp;

  @Test
  void theRows_walkEveryLevel_inAnsiblesOrder() {
    Set<Precedence> walked = EnumSet.noneOf(Precedence.class);
    int last = 0;
    for (Row r : Row.values()) {
      walked.add(r.level);
      assertThat(r.level.ansibleLevel()).as(r.name()).isGreaterThanOrEqualTo(last);
      last = r.level.ansibleLevel();
    }
    walked.addAll(NOT_FILLED);
    assertThat(walked).containsExactlyInAnyOrder(Precedence.values());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Row.class)
  void theHighestLevelDefined_wins(Row row) throws Exception {
    Set<Row> on = EnumSet.noneOf(Row.class);
    for (Row r : Row.values()) {
      if (r.ordinal() <= row.ordinal()) {
        on.add(r);
      }
    }
    Path dir = Files.createDirectories(tmp.resolve(row.name()));
    Path out = dir.resolve("seen.json");
    write(dir, on, out);
    String hostname = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip().split("\\.")[0];
    String expected = row == Row.FACTS_GATHERED ? hostname : row.name();

    assertThat(homefleet(dir, on, hostname)).as("homefleet, %s", row).isEqualTo(expected);
    if (row != Row.FACTS_STORED) {
      assertThat(ansible(dir, on, out)).as("ansible-playbook, %s", row).isEqualTo(expected);
    }
  }

  private static String v(Row r) {
    return "{ansible_hostname: " + r.name() + "}";
  }

  private static void write(Path dir, Set<Row> on, Path out) throws Exception {
    StringBuilder inv = new StringBuilder("all:\n");
    if (on.contains(Row.INVENTORY_ALL)) {
      inv.append("  vars: ").append(v(Row.INVENTORY_ALL)).append("\n");
    }
    inv.append("  children:\n    web:\n");
    if (on.contains(Row.INVENTORY_GROUPS)) {
      inv.append("      vars: ").append(v(Row.INVENTORY_GROUPS)).append("\n");
    }
    inv.append("      hosts:\n        localhost:\n          ansible_connection: local\n")
        .append("          ansible_python_interpreter: /usr/bin/python3\n");
    if (on.contains(Row.INVENTORY_HOST)) {
      inv.append("          ansible_hostname: INVENTORY_HOST\n");
    }
    file(dir, "inventory/hosts.yml", inv.toString());
    file(dir, "inventory/group_vars/all.yml", on.contains(Row.GROUP_VARS_ALL) ? v(Row.GROUP_VARS_ALL) : "");
    file(dir, "inventory/group_vars/web.yml", on.contains(Row.GROUP_VARS) ? v(Row.GROUP_VARS) : "");
    file(dir, "inventory/host_vars/localhost.yml", on.contains(Row.HOST_VARS) ? v(Row.HOST_VARS) : "");

    StringBuilder site = new StringBuilder();
    if (on.contains(Row.SET_FACTS_EARLIER_PLAY)) {
      site.append("- hosts: all\n  gather_facts: false\n  tasks:\n    - set_fact: ")
          .append(v(Row.SET_FACTS_EARLIER_PLAY)).append("\n");
    }
    site.append("- hosts: all\n  gather_facts: false\n");
    if (on.contains(Row.PLAY_VARS)) {
      site.append("  vars: ").append(v(Row.PLAY_VARS)).append("\n");
    }
    if (on.contains(Row.VARS_FILES)) {
      site.append("  vars_files: [vars.yml]\n");
      file(dir, "vars.yml", v(Row.VARS_FILES));
    }
    site.append("  roles:\n    - role: r\n");
    if (on.contains(Row.ROLE_PARAMS)) {
      site.append("      ansible_hostname: ROLE_PARAMS\n");
    }
    site.append("  tasks:\n    - copy: {content: \"{{ seen.ansible_hostname | to_json }}\", dest: ").append(out)
        .append("}\n");
    file(dir, "site.yml", site.toString());

    if (on.contains(Row.ROLE_DEFAULTS)) {
      file(dir, "roles/r/defaults/main.yml", v(Row.ROLE_DEFAULTS));
    }
    if (on.contains(Row.ROLE_VARS)) {
      file(dir, "roles/r/vars/main.yml", v(Row.ROLE_VARS));
    }
    StringBuilder tasks = new StringBuilder();
    if (on.contains(Row.FACTS_GATHERED)) {
      tasks.append("- setup: {gather_subset: [min]}\n");
    }
    if (on.contains(Row.SET_FACTS)) {
      tasks.append("- set_fact: ").append(v(Row.SET_FACTS)).append("\n");
    }
    tasks.append("- include_tasks: inner.yml\n");
    if (on.contains(Row.INCLUDE_PARAMS)) {
      tasks.append("  vars: ").append(v(Row.INCLUDE_PARAMS)).append("\n");
    }
    file(dir, "roles/r/tasks/main.yml", tasks.toString());
    StringBuilder inner = new StringBuilder("- block:\n    - name: seen\n      debug: {var: ansible_hostname}\n"
        + "      register: seen\n");
    if (on.contains(Row.TASK_VARS)) {
      inner.append("      vars: ").append(v(Row.TASK_VARS)).append("\n");
    }
    if (on.contains(Row.BLOCK_VARS)) {
      inner.append("  vars: ").append(v(Row.BLOCK_VARS)).append("\n");
    }
    file(dir, "roles/r/tasks/inner.yml", inner.toString());
  }

  private static void file(Path dir, String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  /** The plays as the controller and the agent run them, in process: the value the task saw. */
  private static Object homefleet(Path dir, Set<Row> on, String hostname) throws Exception {
    Inventory inventory = Inventory.load(dir.resolve("inventory/hosts.yml"));
    LoadedPlaybook loaded = new PlaybookLoader(dir, List.of()).load(dir.resolve("site.yml"));
    Map<String, Object> extra = on.contains(Row.EXTRA_VARS) ? Map.of("ansible_hostname", "EXTRA_VARS") : Map.of();
    PlanOptions options = new PlanOptions(List.of(), List.of(), false, false, extra);
    Map<String, Object> facts = new LinkedHashMap<>();
    if (on.contains(Row.FACTS_STORED)) {
      facts.put("hostname", "FACTS_STORED");
    }
    Map<String, Object> setFacts = new LinkedHashMap<>();
    ModuleInvoker modules = (module, args, context) -> switch (module) {
      case "setup" -> ModuleResult.ok(Map.of("ansible_facts", Map.of("ansible_hostname", hostname)));
      case "copy" -> ModuleResult.ok(Map.of());
      default -> ModuleResult.failed("no module '" + module + "' here");
    };
    List<TaskResult> results = new ArrayList<>();
    PlanListener listener = new PlanListener() {
      @Override
      public void taskFinished(TaskResult result) {
        results.add(result);
      }
    };
    List<Play> plays = loaded.playbook().plays();
    for (int i = 0; i < plays.size(); i++) {
      HostPlan plan = PlanCodec.decode(PlanCodec.encode(PlanCompiler.compile(loaded, i,
          VarScope.forPlay(inventory, "localhost", plays.get(i), facts, setFacts, extra).layers(), options)));
      PlayRecap recap = new PlanRunner().run(plan, dir.resolve("bundle-" + i), modules, listener);
      setFacts.putAll(recap.facts());
      facts.putAll(recap.ansibleFacts());
    }
    TaskResult seen = results.stream().filter(r -> r.task().name().endsWith("seen")).findFirst().orElseThrow(
        () -> new AssertionError("no 'seen' task ran: " + results.stream().map(r -> r.task().name() + "="
            + r.result()).collect(Collectors.joining(", "))));
    return seen.result().get("ansible_hostname");
  }

  /** The same files through ansible-playbook: the value the task saw. */
  private static Object ansible(Path dir, Set<Row> on, Path out) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/ansible-playbook", "-i", "inventory/hosts.yml", "site.yml"));
    if (on.contains(Row.EXTRA_VARS)) {
      cmd.addAll(List.of("-e", "ansible_hostname=EXTRA_VARS"));
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("ansible.log").toFile());
    pb.environment().put("ANSIBLE_HOME", dir.resolve(".ansible").toString());
    pb.environment().put("ANSIBLE_LOCAL_TEMP", dir.resolve(".ansible/tmp").toString());
    pb.environment().put("ANSIBLE_NOCOLOR", "1");
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("ansible-playbook finished").isTrue();
    assertThat(p.exitValue()).as(Files.readString(dir.resolve("ansible.log"))).isZero();
    return JSON.readValue(Files.readString(out), Object.class);
  }
}
