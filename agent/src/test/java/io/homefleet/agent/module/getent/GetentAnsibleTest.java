package io.homefleet.agent.module.getent;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.AnsibleOracle;
import io.homefleet.agent.module.Run;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code getent} beside ansible-core 2.14's on this host: the same facts, messages and failures. */
class GetentAnsibleTest {
  private static final List<Map<String, Object>> CASES = List.of(
      Map.of("database", "passwd", "key", "root"),
      Map.of("database", "group"),
      Map.of("database", "hosts", "key", "localhost"),
      Map.of("database", "services", "key", "ssh"),
      Map.of("database", "passwd", "key", "root", "split", "/"),
      Map.of("database", "passwd", "key", "hf-no-such-user"),
      Map.of("database", "passwd", "key", "hf-no-such-user", "fail_key", false),
      Map.of("database", "nosuchdb"));

  @Test
  void everyCase_returnsWhatAnsiblesGetentReturns(@TempDir Path tmp) throws Exception {
    List<Map<String, Object>> theirs = AnsibleOracle.run(tmp,
        CASES.stream().map(c -> new AnsibleOracle.Task("getent", c)).toList(), false, false);
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < CASES.size(); i++) {
      Outcome o = Run.of(new GetentModule(), CASES.get(i)).go();
      Map<String, Object> ours = o.registered();
      Map<String, Object> their = theirs.get(i);
      if (Boolean.TRUE.equals(their.get("failed")) != Boolean.TRUE.equals(ours.get("failed"))) {
        problems.add(CASES.get(i) + " failed: Ansible " + their + ", homefleet " + ours);
      }
      for (String k : List.of("changed", "msg", "ansible_facts")) {
        if (!java.util.Objects.equals(their.get(k), ours.get(k))) {
          problems.add(CASES.get(i) + " " + k + ": Ansible " + their.get(k) + ", homefleet " + ours.get(k));
        }
      }
    }
    assertThat(problems).isEmpty();
  }
}
