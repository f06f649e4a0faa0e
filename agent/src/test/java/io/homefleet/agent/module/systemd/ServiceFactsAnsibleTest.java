package io.homefleet.agent.module.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.module.AnsibleOracle;
import io.homefleet.agent.module.Run;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code service_facts} beside ansible-core 2.14's on this host: the same services, states and sources. */
class ServiceFactsAnsibleTest {
  @Test
  void facts_areAnsiblesFacts(@TempDir Path tmp) throws Exception {
    Map<String, Object> theirs = AnsibleOracle.run(tmp, List.of(new AnsibleOracle.Task("service_facts", Map.of())),
        false, false).get(0);
    Map<String, Object> ours = Run.of(new ServiceFactsModule(), Map.of()).go().registered();
    assertThat(ours.get("ansible_facts")).as("Ansible's: %s", theirs).isEqualTo(theirs.get("ansible_facts"));
    assertThat(ours.get("changed")).isEqualTo(theirs.get("changed"));
    assertThat(ours.get("skipped")).isEqualTo(theirs.get("skipped"));
    assertThat((Map<?, ?>) ours.get("ansible_facts")).as("this host has services to compare").isNotEmpty();
  }
}
