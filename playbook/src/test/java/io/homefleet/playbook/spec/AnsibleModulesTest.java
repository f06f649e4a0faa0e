package io.homefleet.playbook.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.playbook.spec.AnsibleModules.Resolution;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a task's module name resolves to Ansible's module when homefleet has no native one: against
 * this machine's Debian ansible-core and ansible packages (.ci/run installs both), and against
 * small made-up installations for the cases Debian's does not show.
 */
class AnsibleModulesTest {
  private static final AnsibleModules DEBIAN = AnsibleModules.installed();

  @Test
  void aShortName_isAnsibleBuiltins() {
    assertThat(DEBIAN.resolve("getent")).isEqualTo(new Resolution.Module("ansible.builtin.getent",
        Path.of("/usr/lib/python3/dist-packages/ansible/modules/getent.py")));
    assertThat(DEBIAN.resolve("ansible.legacy.getent")).extracting(r -> ((Resolution.Module) r).fqcn())
        .isEqualTo("ansible.builtin.getent");
  }

  @Test
  void redirects_areFollowedAsAnsible214Does() {
    assertThat(fqcn(DEBIAN.resolve("sysctl"))).isEqualTo("ansible.posix.sysctl");
    assertThat(fqcn(DEBIAN.resolve("modprobe"))).isEqualTo("community.general.modprobe");
    assertThat(fqcn(DEBIAN.resolve("community.general.system.modprobe"))).isEqualTo("community.general.modprobe");
    // Debian 12's community.docker is 3.4: docker_compose_v2 came in 3.6 (ansible-galaxy installs it).
    assertThat(fqcn(DEBIAN.resolve("community.docker.docker_compose"))).isEqualTo("community.docker.docker_compose");
  }

  @Test
  void pythonNames_areWhereTheModulesAreImportedFrom() {
    assertThat(Resolution.Module.pythonName("ansible.builtin.getent")).isEqualTo("ansible.modules.getent");
    assertThat(Resolution.Module.pythonName("ansible.posix.sysctl"))
        .isEqualTo("ansible_collections.ansible.posix.plugins.modules.sysctl");
  }

  @Test
  void actionPlugins_unknownModules_andTombstones_areRefusedWithTheReason() {
    assertThat(DEBIAN.resolve("ansible.builtin.add_host")).isInstanceOfSatisfying(Resolution.Refused.class,
        r -> assertThat(r.message()).contains("is an Ansible action plugin"));
    assertThat(DEBIAN.resolve("uri")).as("uri's action plugin only uploads src").isInstanceOf(Resolution.Module.class);
    assertThat(DEBIAN.resolve("no_such_module_here")).isInstanceOfSatisfying(Resolution.Refused.class,
        r -> assertThat(r.message()).isEqualTo("unknown module 'no_such_module_here' (neither homefleet nor "
            + "ansible-core has it)"));
    assertThat(DEBIAN.resolve("bigip_asm_policy")).isInstanceOfSatisfying(Resolution.Refused.class,
        r -> assertThat(r.message()).contains("was removed from Ansible", "use bigip_asm_policy_manage instead"));
    assertThat(DEBIAN.resolve("hf_nosuch.coll.thing")).isInstanceOfSatisfying(Resolution.Refused.class,
        r -> assertThat(r.message()).contains("collection hf_nosuch.coll is not installed"));
  }

  @Test
  void withoutAnsibleCore_theErrorNamesThePackage(@TempDir Path tmp) {
    AnsibleModules none = new AnsibleModules(List.of(tmp), List.of(tmp));
    assertThat(none.resolve("getent")).isInstanceOfSatisfying(Resolution.Refused.class, r -> assertThat(r.message())
        .startsWith("unknown module 'getent': homefleet has no native one, and this machine has no ansible-core")
        .contains("apt-get install ansible-core"));
  }

  @Test
  void collectionsPath_comesFirst_andARedirectLoopIsReported(@TempDir Path tmp) throws IOException {
    Path core = tmp.resolve("py/ansible");
    Files.createDirectories(core.resolve("modules"));
    Files.createDirectories(core.resolve("config"));
    Files.writeString(core.resolve("release.py"), "__version__ = '2.14.3'\n");
    Files.writeString(core.resolve("config/ansible_builtin_runtime.yml"), "plugin_routing:\n  modules:\n"
        + "    a:\n      redirect: my.coll.b\n");
    Path coll = tmp.resolve("user/ansible_collections/my/coll");
    Files.createDirectories(coll.resolve("plugins/modules"));
    Files.createDirectories(coll.resolve("meta"));
    Files.writeString(coll.resolve("plugins/modules/b.py"), "# a module\n");
    Files.writeString(coll.resolve("meta/runtime.yml"), "plugin_routing:\n  modules:\n"
        + "    x:\n      redirect: my.coll.y\n    y:\n      redirect: my.coll.x\n");
    Path shadowed = tmp.resolve("py/ansible_collections/my/coll/plugins/modules");
    Files.createDirectories(shadowed);
    AnsibleModules lab = new AnsibleModules(List.of(tmp.resolve("py")), List.of(tmp.resolve("user"), tmp.resolve("py")));
    assertThat(lab.resolve("a")).isEqualTo(new Resolution.Module("my.coll.b", coll.resolve("plugins/modules/b.py")));
    assertThat(lab.resolve("my.coll.x")).isInstanceOfSatisfying(Resolution.Refused.class,
        r -> assertThat(r.message()).contains("redirects in a loop: my.coll.x -> my.coll.y"));
  }

  private static String fqcn(Resolution r) {
    assertThat(r).as(r.toString()).isInstanceOf(Resolution.Module.class);
    return ((Resolution.Module) r).fqcn();
  }
}
