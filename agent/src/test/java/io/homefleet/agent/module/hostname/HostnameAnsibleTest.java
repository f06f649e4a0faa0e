package io.homefleet.agent.module.hostname;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.AnsibleOracle;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hostname} beside ansible-core 2.14's on this host, in check mode only (the build host is
 * never renamed): the same name unchanged, another name a change with the same diff and facts.
 */
class HostnameAnsibleTest {
  @Test
  void checkMode_agreesWithAnsible(@TempDir Path tmp) throws Exception {
    String current = Files.readString(Path.of("/etc/hostname")).strip();
    List<Map<String, Object>> cases = List.of(Map.of("name", current), Map.of("name", "hf-other.lab.example"));
    List<Map<String, Object>> theirs = AnsibleOracle.run(tmp,
        cases.stream().map(c -> new AnsibleOracle.Task("hostname", c)).toList(), true, true);
    for (int i = 0; i < cases.size(); i++) {
      Outcome o = Run.of(new HostnameModule(), cases.get(i)).check().diff().go();
      Map<String, Object> their = theirs.get(i);
      assertThat(o.changed()).as("changed %s", cases.get(i)).isEqualTo(their.get("changed"));
      assertThat(o.data().get("name")).isEqualTo(their.get("name"));
      if (o.changed()) {
        assertThat(o.data().get("diff")).isEqualTo(their.get("diff"));
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> facts = (Map<String, Object>) o.data().get("ansible_facts");
      @SuppressWarnings("unchecked")
      Map<String, Object> theirFacts = (Map<String, Object>) their.get("ansible_facts");
      for (String k : List.of("ansible_hostname", "ansible_nodename", "ansible_fqdn", "ansible_domain")) {
        assertThat(facts.get(k)).as(k).isEqualTo(theirFacts.get(k));
      }
    }
    assertThat(Files.readString(Path.of("/etc/hostname")).strip()).isEqualTo(current);
  }
}
