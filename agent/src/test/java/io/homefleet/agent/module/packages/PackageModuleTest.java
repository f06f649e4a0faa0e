package io.homefleet.agent.module.packages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code package} on Debian: apt's answers, apt's argument checks, the manager taken from facts or use. */
class PackageModuleTest {
  @BeforeEach
  void debian() {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/apt-get")), "not a Debian host: package tests skipped");
  }

  @Test
  void run_installedPackage_isOk_asAptSaysIt() throws Exception {
    Outcome o = Run.of(new PackageModule(), Map.of("name", "dpkg", "state", "present")).go();
    assertThat(o.status()).as("%s", o).isEqualTo(Outcome.Status.OK);
    assertThat(o.registered()).containsEntry("changed", false).containsKey("cache_update_time");
  }

  @Test
  void check_absentOfAnInstalledPackage_isChangedWithAptsDiff_andRemovesNothing() throws Exception {
    Outcome o = Run.of(new PackageModule(), Map.of("name", "ansible-core", "state", "absent", "use", "apt")).check().diff()
        .go();
    assertThat(o.status()).as("%s", o).isEqualTo(Outcome.Status.CHANGED);
    assertThat(o.data().get("diff")).asString().contains("ansible-core");
    assertThat(Path.of("/usr/bin/ansible-playbook")).exists();
  }

  @Test
  void manager_comesFromGatheredFacts_thenUse() throws Exception {
    PackageModule m = new PackageModule();
    assertThat(m.manager(Map.of(), Run.of(m, Map.of()).vars(Map.of("ansible_facts", Map.of("pkg_mgr", "dnf")))
        .context())).isEqualTo("dnf");
    assertThat(m.manager(Map.of("use", "ansible.builtin.apt"), Run.of(m, Map.of()).context())).isEqualTo("apt");
    assertThat(m.manager(Map.of(), Run.of(m, Map.of()).context())).isEqualTo("apt");
  }

  @Test
  void run_anArgumentAptDoesNotTake_failsNamingApts() {
    assertThatThrownBy(() -> Run.of(new PackageModule(), Map.of("name", "dpkg", "enablerepo", "x")).go())
        .isInstanceOf(TaskException.class).hasMessageContaining("enablerepo").hasMessageContaining("update_cache");
  }
}
