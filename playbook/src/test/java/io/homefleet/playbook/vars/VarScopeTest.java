package io.homefleet.playbook.vars;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.playbook.inventory.EnrolledHost;
import io.homefleet.playbook.inventory.Inventory;
import io.homefleet.playbook.template.Templar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VarScopeTest {
  @TempDir Path dir;

  /**
   * Ansible's documented order, lowest first, written out here rather than taken from the enum so
   * that a reordered enum fails this test (FACTS has its own test).
   */
  private static final List<Precedence> CHAIN = List.of(
      Precedence.ROLE_DEFAULTS, Precedence.INVENTORY_ALL, Precedence.INVENTORY_GROUPS, Precedence.GROUP_VARS_ALL,
      Precedence.GROUP_VARS, Precedence.INVENTORY_HOST, Precedence.HOST_VARS, Precedence.PLAY_VARS,
      Precedence.VARS_FILES, Precedence.ROLE_VARS, Precedence.BLOCK_VARS, Precedence.TASK_VARS,
      Precedence.SET_FACTS, Precedence.EXTRA_VARS);

  /**
   * Layer i defines upto_k for every k >= i, valued with its own name; so upto_k must come out as
   * the name of layer k, the highest one that defines it, for every k at once.
   */
  @Test
  void build_eachLayerOverridesAllLowerOnes() throws Exception {
    Map<Precedence, Map<String, Object>> defs = new LinkedHashMap<>();
    for (int i = 0; i < CHAIN.size(); i++) {
      Map<String, Object> vars = new LinkedHashMap<>();
      for (int k = i; k < CHAIN.size(); k++) {
        vars.put("upto_" + k, CHAIN.get(i).name());
      }
      defs.put(CHAIN.get(i), vars);
    }
    Files.writeString(dir.resolve("hosts.yml"), """
        all:
          vars: %s
          children:
            web:
              vars: %s
              hosts:
                web1: %s
        """.formatted(flow(defs.get(Precedence.INVENTORY_ALL)), flow(defs.get(Precedence.INVENTORY_GROUPS)),
        flow(defs.get(Precedence.INVENTORY_HOST))));
    Files.createDirectories(dir.resolve("group_vars"));
    Files.createDirectories(dir.resolve("host_vars"));
    Files.writeString(dir.resolve("group_vars/all.yml"), flow(defs.get(Precedence.GROUP_VARS_ALL)));
    Files.writeString(dir.resolve("group_vars/web.yml"), flow(defs.get(Precedence.GROUP_VARS)));
    Files.writeString(dir.resolve("host_vars/web1.yml"), flow(defs.get(Precedence.HOST_VARS)));
    Inventory inv = Inventory.load(dir.resolve("hosts.yml"));

    VarScope scope = VarScope.forHost(inv, "web1");
    List<Precedence> fromInventory = List.of(Precedence.INVENTORY_ALL, Precedence.INVENTORY_GROUPS,
        Precedence.GROUP_VARS_ALL, Precedence.GROUP_VARS, Precedence.INVENTORY_HOST, Precedence.HOST_VARS);
    defs.forEach((layer, vars) -> {
      if (!fromInventory.contains(layer)) {
        scope.with(layer, vars);
      }
    });
    Map<String, Object> vars = scope.build();

    List<String> got = new ArrayList<>();
    List<String> want = new ArrayList<>();
    for (int k = 0; k < CHAIN.size(); k++) {
      got.add((String) vars.get("upto_" + k));
      want.add(CHAIN.get(k).name());
    }
    assertThat(got).containsExactlyElementsOf(want);
  }

  private static String flow(Map<String, Object> vars) {
    StringBuilder s = new StringBuilder("{");
    vars.forEach((k, v) -> s.append(s.length() > 1 ? ", " : "").append(k).append(": ").append(v));
    return s.append("}").toString();
  }

  @Test
  void groupVars_parentsBeforeChildren_thenAlphabetical() throws Exception {
    Files.writeString(dir.resolve("hosts"), """
        [b]
        h1
        [a]
        h1
        [child]
        h1
        [parent:children]
        child
        [b:vars]
        sibling=b
        [a:vars]
        sibling=a
        [parent:vars]
        depth=parent
        [child:vars]
        depth=child
        """);
    Map<String, Object> vars = VarScope.forHost(Inventory.load(dir.resolve("hosts")), "h1").build();
    assertThat(vars).containsEntry("sibling", "b").containsEntry("depth", "child");
  }

  @Test
  void facts_areInjectedAsAnsibleNames_aboveHostVarsBelowPlayVars() throws Exception {
    Inventory inv = Inventory.empty().withEnrolled(List.of(new EnrolledHost("h1", "dev", Map.of())));
    Map<String, Object> vars = VarScope.forHost(inv, "h1")
        .with(Precedence.HOST_VARS, Map.of("ansible_distribution", "from host_vars", "ansible_os_family", "hv"))
        .facts(Map.of("distribution", "Debian", "os_family", "Debian"))
        .with(Precedence.PLAY_VARS, Map.of("ansible_os_family", "from play"))
        .build();
    assertThat(vars).containsEntry("ansible_distribution", "Debian")
        .containsEntry("ansible_os_family", "from play");
    assertThat(vars.get("ansible_facts")).isEqualTo(Map.of("distribution", "Debian", "os_family", "Debian"));
  }

  @Test
  void magicVariables() throws Exception {
    Inventory inv = Inventory.empty().withEnrolled(List.of(
        new EnrolledHost("web1.lab", "prod", Map.of("site", "attic")),
        new EnrolledHost("db1.lab", "prod", Map.of())));
    Map<String, Object> vars = VarScope.forHost(inv, "web1.lab")
        .playHosts(List.of("web1.lab", "db1.lab"), List.of("web1.lab"))
        .build();
    assertThat(vars).containsEntry("inventory_hostname", "web1.lab")
        .containsEntry("inventory_hostname_short", "web1")
        .containsEntry("group_names", List.of("prod", "site_attic"))
        .containsEntry("ansible_play_hosts", List.of("web1.lab", "db1.lab"))
        .containsEntry("ansible_play_batch", List.of("web1.lab"))
        .containsEntry("play_hosts", List.of("web1.lab"))
        .containsEntry("omit", Templar.OMIT);
    assertThat(((Map<?, ?>) vars.get("groups")).get("prod")).isEqualTo(List.of("web1.lab", "db1.lab"));
  }

  @Test
  void magicVariables_cannotBeOverriddenButExtraVarsWin() throws Exception {
    Inventory inv = Inventory.empty().withEnrolled(List.of(new EnrolledHost("h1", "dev", Map.of())));
    Map<String, Object> vars = VarScope.forHost(inv, "h1")
        .with(Precedence.PLAY_VARS, Map.of("inventory_hostname", "spoofed"))
        .with(Precedence.EXTRA_VARS, Map.of("group_names", List.of("forced")))
        .build();
    assertThat(vars).containsEntry("inventory_hostname", "h1").containsEntry("group_names", List.of("forced"));
  }

  @Test
  void hostvars_isLazy_andWorksInTemplates() throws Exception {
    Files.writeString(dir.resolve("hosts"), "[db]\ndb1 ansible_host=10.0.0.5\ndb2\n[web]\nweb1\n");
    Inventory inv = Inventory.load(dir.resolve("hosts"));
    AtomicInteger computed = new AtomicInteger();
    Map<String, Object> vars = VarScope.forHost(inv, "web1")
        .hostVars(h -> {
          computed.incrementAndGet();
          return VarScope.forHost(inv, h).build();
        })
        .build();
    assertThat(computed).hasValue(0);
    Templar templar = new Templar();
    assertThat(templar.render("{{ hostvars['db1'].ansible_host }}", vars)).isEqualTo("10.0.0.5");
    assertThat(templar.render("{{ groups['db'] | map('extract', hostvars, 'inventory_hostname') | list }}", vars))
        .isEqualTo("['db1', 'db2']");
    assertThat(computed.get()).isLessThanOrEqualTo(2);
    assertThat(templar.condition("'db2' in hostvars", vars)).isTrue();
  }

  @Test
  void hostvars_default_holdsInventoryVars() throws Exception {
    Files.writeString(dir.resolve("hosts"), "[db]\ndb1 port=5432\n[web]\nweb1\n");
    Inventory inv = Inventory.load(dir.resolve("hosts"));
    Map<String, Object> vars = VarScope.forHost(inv, "web1").build();
    assertThat(new Templar().evaluate("hostvars.db1.port + 1", vars)).isEqualTo(5433L);
  }
}
