package io.homefleet.agent.module.timezone;

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
 * {@code timezone} beside community.general's on this host, in check mode only (the build host's
 * zone and clock are never changed): the current zone unchanged, another a change with the same
 * diff, an unknown one a failure, and hwclock (alone, with name, by its alias) with the same diff.
 */
class TimezoneAnsibleTest {
  @Test
  void checkMode_agreesWithCommunityGeneralTimezone(@TempDir Path tmp) throws Exception {
    String current = Files.readString(Path.of("/etc/timezone")).strip();
    List<Map<String, Object>> cases = List.of(Map.of("name", current), Map.of("name", "Europe/Berlin"),
        Map.of("name", "Mars/Olympus"), Map.of("hwclock", "UTC"), Map.of("hwclock", "local", "name", current),
        Map.of("rtc", "local"));
    List<Map<String, Object>> theirs = AnsibleOracle.run(tmp,
        cases.stream().map(c -> new AnsibleOracle.Task("community.general.timezone", c)).toList(), true, true);
    for (int i = 0; i < cases.size(); i++) {
      Map<String, Object> their = theirs.get(i);
      Outcome o;
      try {
        o = Run.of(new TimezoneModule(), cases.get(i)).check().diff().go();
      } catch (io.homefleet.agent.exec.TaskException e) {
        assertThat(their.get("failed")).as("%s: %s", cases.get(i), e.getMessage()).isEqualTo(true);
        assertThat(e.getMessage()).endsWith((String) their.get("msg"));
        continue;
      }
      assertThat(their.get("failed")).as("%s", their).isNotEqualTo(true);
      assertThat(o.changed()).as("changed %s", cases.get(i)).isEqualTo(their.get("changed"));
      if (o.changed()) {
        assertThat(o.data().get("diff")).isEqualTo(their.get("diff"));
      }
    }
    assertThat(Files.readString(Path.of("/etc/timezone")).strip()).isEqualTo(current);
  }
}
