package io.homefleet.agent.module.hostname;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under a temporary root standing in for / (its /etc/hostname; no systemd canary, so Ansible's
 * Debian file strategy): the build host is never renamed. The systemd path (hostnamectl) is only
 * reached on a systemd host and is not tested here.
 */
class HostnameModuleTest {
  @TempDir
  Path root;

  private Outcome run(Map<String, Object> args, boolean check) throws Exception {
    return Run.of(new HostnameModule(root), args).check(check).diff().go();
  }

  @Test
  void newName_isWrittenToEtcHostname_withAnsiblesDiffAndFacts() throws Exception {
    Path file = Files.writeString(Files.createDirectories(root.resolve("etc")).resolve("hostname"), "old\n");
    Outcome check = run(Map.of("name", "web1.lab.example"), true);
    assertThat(check.status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(check.data().get("diff")).isEqualTo(Map.of("before", "hostname = old\n", "after",
        "hostname = web1.lab.example\n"));
    assertThat(file).hasContent("old");
    Outcome o = run(Map.of("name", "web1.lab.example"), false);
    assertThat(file).hasContent("web1.lab.example");
    assertThat(Files.readString(file)).isEqualTo("web1.lab.example\n");
    @SuppressWarnings("unchecked")
    Map<String, Object> facts = (Map<String, Object>) o.data().get("ansible_facts");
    assertThat(facts).containsEntry("ansible_hostname", "web1").containsEntry("ansible_nodename", "web1.lab.example")
        .containsKeys("ansible_fqdn", "ansible_domain");
    assertThat(run(Map.of("name", "web1.lab.example"), false).status()).isEqualTo(Outcome.Status.OK);
  }

  @Test
  void missingFile_isAnEmptyName_andIsCreated() throws Exception {
    Files.createDirectories(root.resolve("etc"));
    assertThat(run(Map.of("name", "n1"), false).status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(Files.readString(root.resolve("etc/hostname"))).isEqualTo("n1\n");
  }

  @Test
  void otherPlatformsStrategies_areRefused() {
    assertThatThrownBy(() -> run(Map.of("name", "n1", "use", "freebsd"), true)).hasMessageContaining("not supported");
  }
}
