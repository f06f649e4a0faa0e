package io.homefleet.agent.module.packages;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.module.AnsibleOracle;
import io.homefleet.agent.module.Run;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code package_facts} beside ansible-core 2.14's (python3-apt) on this host: every installed package, the same fields. */
class PackageFactsAnsibleTest {
  private static final List<Map<String, Object>> CASES = List.of(Map.of(), Map.of("manager", "apt"),
      Map.of("manager", List.of("auto"), "strategy", "all"), Map.of("manager", "rpm"));

  @Test
  @SuppressWarnings("unchecked")
  void everyCase_returnsWhatAnsiblesPackageFactsReturns(@TempDir Path tmp) throws Exception {
    List<Map<String, Object>> theirs = AnsibleOracle.run(tmp,
        CASES.stream().map(c -> new AnsibleOracle.Task("package_facts", c)).toList(), false, false);
    for (int i = 0; i < CASES.size(); i++) {
      Map<String, Object> ours = Run.of(new PackageFactsModule(), CASES.get(i)).go().registered();
      Map<String, Object> their = theirs.get(i);
      assertThat(ours.get("failed")).as("%s: Ansible's %s", CASES.get(i), their.get("msg"))
          .isEqualTo(Boolean.TRUE.equals(their.get("failed")));
      if (Boolean.TRUE.equals(their.get("failed"))) {
        continue;
      }
      Map<String, Object> mine = (Map<String, Object>) ((Map<String, Object>) ours.get("ansible_facts")).get("packages");
      Map<String, Object> ans = (Map<String, Object>) ((Map<String, Object>) their.get("ansible_facts")).get("packages");
      assertThat(mine.keySet()).as("%s: the installed packages", CASES.get(i)).isEqualTo(ans.keySet());
      List<String> differ = ans.keySet().stream().filter(k -> !ans.get(k).equals(mine.get(k)))
          .map(k -> k + ": Ansible " + ans.get(k) + ", homefleet " + mine.get(k)).toList();
      assertThat(differ).as("%s", CASES.get(i)).isEmpty();
    }
  }
}
