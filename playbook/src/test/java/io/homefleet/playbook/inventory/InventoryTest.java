package io.homefleet.playbook.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InventoryTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    return p;
  }

  @Test
  void yaml_groupsChildrenHostsVarsAndRanges() throws Exception {
    Inventory inv = Inventory.load(write("hosts.yml", """
        all:
          hosts:
            lonely:
          vars:
            ntp: pool.ntp.org
          children:
            web:
              hosts:
                web[01:03].lab:
                  http_port: 8080
              vars:
                tier: front
            lab:
              children:
                web:
                db:
                  hosts:
                    db1: {ansible_host: 10.0.0.5}
        """));
    assertThat(inv.hostNames()).containsExactly("lonely", "web01.lab", "web02.lab", "web03.lab", "db1");
    assertThat(inv.hostsOf("lab")).containsExactly("web01.lab", "web02.lab", "web03.lab", "db1");
    assertThat(inv.hostsOf("ungrouped")).containsExactly("lonely");
    assertThat(inv.host("web02.lab").orElseThrow().vars()).containsEntry("http_port", 8080);
    assertThat(inv.host("db1").orElseThrow().vars()).containsEntry("ansible_host", "10.0.0.5");
    assertThat(inv.group("web").orElseThrow().vars()).containsEntry("tier", "front");
    assertThat(inv.group("all").orElseThrow().vars()).containsEntry("ntp", "pool.ntp.org");
    assertThat(inv.groupNamesOf("db1")).containsExactly("db", "lab");
    assertThat(inv.groupNamesOf("lonely")).containsExactly("ungrouped");
  }

  @Test
  void ini_sectionsVarsChildrenRangesAndLiterals() throws Exception {
    Inventory inv = Inventory.load(write("hosts", """
        # comment
        jump ansible_host=192.0.2.1
        [web]
        web[1:2] http_port=80 debug=True ratio=0.5 motd="hello world"
        [db]
        db-[a:b]
        [lab:children]
        web
        db
        [lab:vars]
        timezone=Europe/Berlin
        port=22
        """));
    assertThat(inv.hostNames()).containsExactly("jump", "web1", "web2", "db-a", "db-b");
    assertThat(inv.hostsOf("ungrouped")).containsExactly("jump");
    assertThat(inv.host("web1").orElseThrow().vars())
        .containsEntry("http_port", 80).containsEntry("debug", true).containsEntry("ratio", 0.5)
        .containsEntry("motd", "hello world");
    // :vars values are strings, as Ansible documents.
    assertThat(inv.group("lab").orElseThrow().vars()).containsEntry("port", "22")
        .containsEntry("timezone", "Europe/Berlin");
    assertThat(inv.hostsOf("lab")).containsExactly("web1", "web2", "db-a", "db-b");
  }

  @Test
  void ranges_keepLeadingZerosAndTakeSteps() {
    assertThat(HostRanges.expand("n[08:10]")).containsExactly("n08", "n09", "n10");
    assertThat(HostRanges.expand("n[0:10:5]")).containsExactly("n0", "n5", "n10");
    assertThat(HostRanges.expand("r[1:2]c[a:b]")).containsExactly("r1ca", "r1cb", "r2ca", "r2cb");
  }

  @Test
  void groupVarsAndHostVars_filesAndDirectories() throws Exception {
    Path inv = write("inventory/hosts.ini", "[web]\nweb1\n");
    write("inventory/group_vars/all.yml", "a: from_all\n");
    write("inventory/group_vars/web/10-base.yml", "b: base\nc: base\n");
    write("inventory/group_vars/web/20-more.yaml", "c: more\n");
    write("inventory/host_vars/web1", "d: host\n");
    write("inventory/group_vars/nosuchgroup.yml", "ignored: true\n");
    Inventory i = Inventory.load(inv);
    assertThat(i.group("all").orElseThrow().fileVars()).containsEntry("a", "from_all");
    assertThat(i.group("web").orElseThrow().fileVars()).containsEntry("b", "base").containsEntry("c", "more");
    assertThat(i.host("web1").orElseThrow().fileVars()).containsEntry("d", "host");
    assertThat(i.group("nosuchgroup")).isEmpty();
  }

  @Test
  void inventoryDirectory_readsEveryFileAndItsVarsDirectories() throws Exception {
    write("inv/01-static.yml", "all:\n  children:\n    web:\n      hosts:\n        web1:\n");
    write("inv/02-more.ini", "[db]\ndb1\n");
    write("inv/README.md", "not an inventory\n");
    write("inv/group_vars/db.yml", "port: 5432\n");
    Inventory i = Inventory.load(dir.resolve("inv"));
    assertThat(i.hostNames()).containsExactly("web1", "db1");
    assertThat(i.group("db").orElseThrow().fileVars()).containsEntry("port", 5432);
  }

  @Test
  void enrolledHosts_joinTheirRoleAndLabelGroups_withoutAnyInventoryFile() {
    Inventory inv = Inventory.empty().withEnrolled(List.of(
        new EnrolledHost("box1", "sandbox", Map.of("site", "attic", "gpu", "nvidia-3090")),
        new EnrolledHost("nas", "services", Map.of())));
    assertThat(inv.hostsOf("sandbox")).containsExactly("box1");
    assertThat(inv.hostsOf("site_attic")).containsExactly("box1");
    assertThat(inv.hostsOf("gpu_nvidia_3090")).containsExactly("box1");
    assertThat(inv.hostsOf("services")).containsExactly("nas");
    assertThat(inv.groupNames()).contains("prod", "dev", "sandbox", "services", "batch", "workstation");
    assertThat(inv.hostsOf("prod")).isEmpty();
  }

  @Test
  void enrolledHosts_mergeWithStaticInventory() throws Exception {
    Inventory inv = Inventory.load(write("hosts.yml", """
        all:
          children:
            db:
              hosts:
                nas: {backup: true}
        """)).withEnrolled(List.of(new EnrolledHost("nas", "services", Map.of())));
    assertThat(inv.groupNamesOf("nas")).containsExactly("db", "services");
    assertThat(inv.host("nas").orElseThrow().vars()).containsEntry("backup", true);
    assertThat(inv.hostsOf("ungrouped")).isEmpty();
  }

  @Test
  void groupsOf_parentsBeforeChildrenThenByName() throws Exception {
    Inventory inv = Inventory.load(write("hosts", """
        [zeta]
        h1
        [alpha]
        h1
        [parent:children]
        zeta
        """));
    assertThat(inv.groupsOf("h1")).extracting(Group::name).containsExactly("all", "alpha", "parent", "zeta");
  }

  @Test
  void yamlError_namesFileLineColumnAndFix() throws Exception {
    Path f = write("bad.yml", """
        all:
          children:
            web:
              host:
                web1:
        """);
    assertThatThrownBy(() -> Inventory.load(f))
        .isInstanceOf(InventoryException.class)
        .hasMessageStartingWith(f + ":5:")
        .hasMessageContaining("unknown key 'host' in group 'web'")
        .hasMessageContaining("hosts, vars and children");
  }

  @Test
  void yamlSyntaxError_hasLineAndColumn() throws Exception {
    Path f = write("broken.yml", "all:\n  hosts:\n    a: [1, 2\n");
    assertThatThrownBy(() -> Inventory.load(f))
        .isInstanceOf(InventoryException.class)
        .hasMessageMatching("(?s)" + java.util.regex.Pattern.quote(f.toString()) + ":\\d+:\\d+: not valid YAML.*");
  }

  @Test
  void yaml_readAsPlaybooksAre_yaml11ScalarsAndUnsafe() throws Exception {
    Inventory inv = Inventory.load(write("hosts.yml", """
        all:
          hosts:
            web1:
              enabled: yes
              legacy: off
              mode: 0644
              secret: !unsafe '{{ not a template }}'
        """));
    Map<String, Object> vars = inv.host("web1").orElseThrow().vars();
    assertThat(vars).containsEntry("enabled", true).containsEntry("legacy", false).containsEntry("mode", 420);
    assertThat(vars.get("secret")).isEqualTo(new io.homefleet.playbook.source.Unsafe("{{ not a template }}"));
  }

  @Test
  void yamlDuplicateKeys_areErrorsWithTheirPlace_inInventoriesAndVarsFiles() throws Exception {
    Path f = write("dup.yml", "all:\n  hosts:\n    web1:\n      port: 80\n      port: 8080\n");
    assertThatThrownBy(() -> Inventory.load(f)).isInstanceOf(InventoryException.class)
        .hasMessageStartingWith(f + ":5:7: not valid YAML: duplicate key 'port'");
    write("inv/hosts.yml", "all:\n  hosts:\n    web1:\n");
    Path vars = write("inv/host_vars/web1.yml", "a: 1\na: 2\n");
    assertThatThrownBy(() -> Inventory.load(dir.resolve("inv/hosts.yml"))).isInstanceOf(InventoryException.class)
        .hasMessageStartingWith(vars + ":2:1: not valid YAML: duplicate key 'a'");
  }

  @Test
  void iniErrors_nameTheLine() throws Exception {
    Path f = write("bad.ini", "[web]\nweb1\n[web:varz]\nx=1\n");
    assertThatThrownBy(() -> Inventory.load(f)).hasMessageStartingWith(f + ":3:")
        .hasMessageContaining("unknown section type 'varz'");
    Path g = write("bad2.ini", "[web]\nweb1 novalue\n");
    assertThatThrownBy(() -> Inventory.load(g)).hasMessageStartingWith(g + ":2:")
        .hasMessageContaining("expected key=value");
  }

  @Test
  void childCycle_isRefused() throws Exception {
    Path f = write("cycle.ini", "[a:children]\nb\n[b:children]\na\n");
    assertThatThrownBy(() -> Inventory.load(f)).hasMessageContaining("cycle");
  }

  @Test
  void varsFile_thatIsNotAMapping_isAnError() throws Exception {
    Path inv = write("i/hosts", "[web]\nweb1\n");
    write("i/group_vars/web.yml", "- just\n- a list\n");
    assertThatThrownBy(() -> Inventory.load(inv))
        .hasMessageContaining("group_vars/web.yml:1:1")
        .hasMessageContaining("must be a mapping");
  }

  @Test
  void missingInventory_saysWhatToDo() {
    assertThatThrownBy(() -> Inventory.load(dir.resolve("nope")))
        .hasMessageContaining("no such inventory");
  }
}
