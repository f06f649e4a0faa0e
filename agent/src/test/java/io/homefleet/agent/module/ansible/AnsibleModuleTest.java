package io.homefleet.agent.module.ansible;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.Modules;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ansible's own modules, run by the agent with Debian's python3 and ansible-core (which .ci/run
 * installs), and {@code ansible} for the community collections.
 */
class AnsibleModuleTest {
  @TempDir
  Path tmp;

  @Test
  void getent_returnsItsFactsAsAnsibleDoes_andIsNotChanged() throws Exception {
    Outcome o = Run.of(new AnsibleModule("ansible.builtin.getent"), Map.of("database", "passwd", "key", "root"))
        .workDir(tmp).go();
    assertThat(o.status()).as(o.toString()).isEqualTo(Outcome.Status.OK);
    @SuppressWarnings("unchecked")
    Map<String, Object> facts = (Map<String, Object>) o.data().get("ansible_facts");
    assertThat(facts).containsKey("getent_passwd");
    assertThat(facts.get("getent_passwd").toString()).contains("root=[x, 0, 0, root, /root");
    assertThat(o.registered()).containsEntry("changed", false).containsEntry("failed", false).containsKey("invocation");
    try (var left = Files.list(tmp)) {
      assertThat(left).as("the module's temporary directory is removed").isEmpty();
    }
  }

  @Test
  void adHocKeyValueArguments_areParsedAsAnsiblesParseKv() throws Exception {
    Outcome o = Run.of(new AnsibleModule("ansible.builtin.getent"), Map.of("_raw_params", "database=group key=root"))
        .workDir(tmp).go();
    assertThat(o.status()).as(o.toString()).isEqualTo(Outcome.Status.OK);
    assertThat(o.data().get("ansible_facts").toString()).contains("getent_group");
  }

  @Test
  void aModulesOwnFailure_isAFailedTaskWithItsMessage() throws Exception {
    Outcome o = Run.of(new AnsibleModule("ansible.builtin.getent"),
        Map.of("database", "passwd", "key", "hf-no-such-user-" + ProcessHandle.current().pid())).workDir(tmp).go();
    assertThat(o.status()).isEqualTo(Outcome.Status.FAILED);
    assertThat(o.msg()).contains("One or more supplied key could not be found in the database");
    assertThat(o.registered()).containsEntry("failed", true);
  }

  @Test
  void argumentsAreValidatedByTheModule_asUnderAnsiblePlaybook() throws Exception {
    Outcome o = Run.of(new AnsibleModule("ansible.builtin.getent"), Map.of("database", "passwd", "no_such_option", 1))
        .workDir(tmp).go();
    assertThat(o.status()).isEqualTo(Outcome.Status.FAILED);
    assertThat(o.msg()).contains("Unsupported parameters").contains("no_such_option");
  }

  @Test
  void checkMode_reachesTheModule() throws Exception {
    Path file = tmp.resolve("f.txt");
    Files.writeString(file, "alpha\n");
    Map<String, Object> args = Map.of("path", file.toString(), "regexp", "alpha", "replace", "beta");
    // replace is run through Ansible here only while homefleet has no native one: name it explicitly.
    Outcome check = Run.of(new AnsibleModule("ansible.builtin.replace"), args).workDir(tmp).check().diff().go();
    assertThat(check.status()).as(check.toString()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(file).hasContent("alpha\n");
    assertThat(check.data().get("diff").toString()).contains("beta");
    Outcome apply = Run.of(new AnsibleModule("ansible.builtin.replace"), args).workDir(tmp).go();
    assertThat(apply.status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(file).hasContent("beta\n");
    Outcome again = Run.of(new AnsibleModule("ansible.builtin.replace"), args).workDir(tmp).go();
    assertThat(again.status()).isEqualTo(Outcome.Status.OK);
  }

  @Test
  void aCollectionsModule_runsFromDebiansAnsiblePackage() throws Exception {
    Path conf = tmp.resolve("sysctl.conf");
    Outcome o = Run.of(new AnsibleModule("ansible.posix.sysctl"), Map.of("name", "vm.swappiness", "value", "10",
        "sysctl_file", conf.toString(), "sysctl_set", false, "reload", false)).workDir(tmp).go();
    assertThat(o.status()).as(o.toString()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(conf).hasContent("vm.swappiness=10\n");
  }

  @Test
  void aMissingCollection_namesWhatToInstall() throws Exception {
    Outcome o = Run.of(new AnsibleModule("hf_nosuch.collection.thing"), Map.of()).workDir(tmp).go();
    assertThat(o.status()).isEqualTo(Outcome.Status.FAILED);
    assertThat(o.msg()).contains("needs the hf_nosuch.collection collection", "apt-get install ansible");
    assertThat(o.data()).containsKeys("module_stdout", "module_stderr");
  }

  @Test
  void aPythonWithoutAnsible_namesThePackage() throws Exception {
    Path python = tmp.resolve("python-without-ansible");
    Files.writeString(python, "#!/bin/sh\necho \"/usr/bin/python3: No module named 'ansible'\" >&2\nexit 1\n");
    python.toFile().setExecutable(true);
    Outcome o = Run.of(new AnsibleModule("ansible.builtin.getent"), Map.of("database", "passwd"))
        .vars(Map.of("ansible_python_interpreter", python.toString())).workDir(tmp).go();
    assertThat(o.status()).isEqualTo(Outcome.Status.FAILED);
    assertThat(o.msg()).contains("this host has no ansible-core", "apt-get install ansible-core");
  }

  @Test
  void noPython_isAClearFailure() throws Exception {
    Outcome o = Run.of(new AnsibleModule("ansible.builtin.getent"), Map.of("database", "passwd"))
        .vars(Map.of("ansible_python_interpreter", tmp.resolve("no-python").toString())).workDir(tmp).go();
    assertThat(o.status()).isEqualTo(Outcome.Status.FAILED);
    assertThat(o.msg()).contains("cannot be started", "apt-get install python3 ansible-core");
  }

  @Test
  void outputAroundTheJson_isIgnored_andNoJsonIsAModuleFailure() {
    assertThat(AnsibleModule.parse("motd line\n{\"changed\": true}\ntrailing")).containsEntry("changed", true);
    assertThat(AnsibleModule.parse("Traceback (most recent call last):\n  boom")).isNull();
  }

  @Test
  void onlyFullyQualifiedNamesWithoutANativeModule_goToPython() {
    assertThat(Modules.ansible("ansible.builtin.known_hosts")).isInstanceOf(AnsibleModule.class);
    assertThat(Modules.ansible("ansible.builtin.getent")).as("native now").isNull();
    assertThat(Modules.ansible("community.general.ufw")).isInstanceOf(AnsibleModule.class);
    assertThat(Modules.ansible("ansible.builtin.copy")).as("native").isNull();
    assertThat(Modules.ansible("getent")).as("a short name is resolved by the controller").isNull();
    assertThat(Modules.find(Modules.builtin(), "ansible.builtin.copy").name()).isEqualTo("copy");
    assertThat(List.of(Modules.find(Modules.builtin(), "community.general.ini_file").name())).containsExactly(
        "community.general.ini_file");
  }
}
