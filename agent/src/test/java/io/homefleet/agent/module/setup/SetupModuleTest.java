package io.homefleet.agent.module.setup;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.Run;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SetupModuleTest {
  @Test
  @SuppressWarnings("unchecked")
  void facts_useAnsiblesNames_forThisDebianHost() throws Exception {
    Outcome o = Run.of(new SetupModule(), Map.of()).go();
    Map<String, Object> f = (Map<String, Object>) o.data().get("ansible_facts");
    assertThat(f).containsKeys("ansible_hostname", "ansible_fqdn", "ansible_kernel", "ansible_architecture",
        "ansible_processor_vcpus", "ansible_memtotal_mb", "ansible_default_ipv4", "ansible_all_ipv4_addresses",
        "ansible_mounts", "ansible_env", "ansible_date_time");
    // This build machine is Debian 12 (bookworm), like the lab's hosts.
    assertThat(f).containsEntry("ansible_distribution", "Debian").containsEntry("ansible_os_family", "Debian")
        .containsEntry("ansible_distribution_major_version", "12")
        .containsEntry("ansible_distribution_release", "bookworm").containsEntry("ansible_architecture", "x86_64");
    assertThat((Long) f.get("ansible_memtotal_mb")).isPositive();
    assertThat((Map<String, Object>) f.get("ansible_date_time")).containsKeys("epoch", "iso8601", "date");
  }

  @Test
  @SuppressWarnings("unchecked")
  void filter_keepsOnlyMatchingFacts() throws Exception {
    Outcome o = Run.of(new SetupModule(), Map.of("filter", List.of("ansible_*_mb", "ansible_kernel"))).go();
    assertThat(((Map<String, Object>) o.data().get("ansible_facts")).keySet())
        .containsExactlyInAnyOrder("ansible_memtotal_mb", "ansible_memfree_mb", "ansible_kernel");
  }

  @Test
  void distributionNames_mapLikeAnsibles() {
    assertThat(SetupModule.distribution("ubuntu", "Ubuntu")).isEqualTo("Ubuntu");
    assertThat(SetupModule.osFamily("raspbian", "debian")).isEqualTo("Debian");
    assertThat(SetupModule.osFamily("rocky", "rhel centos fedora")).isEqualTo("RedHat");
  }
}
