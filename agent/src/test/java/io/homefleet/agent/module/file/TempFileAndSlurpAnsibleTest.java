package io.homefleet.agent.module.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.AnsibleOracle;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code slurp} and {@code tempfile} beside ansible-core 2.14's: the same results, names and modes. */
class TempFileAndSlurpAnsibleTest {
  @Test
  void slurp_returnsWhatAnsiblesSlurpReturns(@TempDir Path tmp) throws Exception {
    Path f = Files.write(tmp.resolve("bin"), new byte[] {0, 1, (byte) 0xff, 'a', '\n'});
    List<Map<String, Object>> cases = List.of(Map.of("src", f.toString()), Map.of("path", tmp.resolve("no").toString()),
        Map.of("src", tmp.toString()));
    List<Map<String, Object>> theirs = AnsibleOracle.run(tmp,
        cases.stream().map(c -> new AnsibleOracle.Task("slurp", c)).toList(), false, false);
    for (int i = 0; i < cases.size(); i++) {
      Map<String, Object> ours = Run.of(new SlurpModule(), cases.get(i)).go().registered();
      for (String k : List.of("content", "source", "encoding", "msg", "changed")) {
        assertThat(ours.get(k)).as("%s %s", cases.get(i), k).isEqualTo(theirs.get(i).get(k));
      }
      assertThat(ours.get("failed")).isEqualTo(theirs.get(i).getOrDefault("failed", false));
    }
  }

  @Test
  void tempfile_namesAndModesAsAnsible_andSkipsInCheckMode(@TempDir Path tmp) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("t"));
    List<Map<String, Object>> cases = List.of(Map.of("path", dir.toString(), "prefix", "p.", "suffix", ".s"),
        Map.of("path", dir.toString(), "state", "directory"));
    List<AnsibleOracle.Task> tasks = cases.stream().map(c -> new AnsibleOracle.Task("tempfile", c)).toList();
    List<Map<String, Object>> theirs = AnsibleOracle.run(tmp, tasks, false, false);
    for (int i = 0; i < cases.size(); i++) {
      Outcome o = Run.of(new TempFileModule(), cases.get(i)).go();
      Path mine = Path.of((String) o.data().get("path"));
      Path their = Path.of((String) theirs.get(i).get("path"));
      assertThat(o.data().keySet()).containsExactlyInAnyOrderElementsOf(theirs.get(i).keySet());
      for (String k : List.of("uid", "gid", "owner", "group", "mode", "state")) {
        assertThat(o.data().get(k)).as(k).isEqualTo(theirs.get(i).get(k));
      }
      assertThat(o.changed()).isEqualTo(theirs.get(i).get("changed"));
      assertThat(mine.getFileName().toString().replaceAll("[a-z0-9_]{8}", "X"))
          .isEqualTo(their.getFileName().toString().replaceAll("[a-z0-9_]{8}", "X"));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(mine)))
          .isEqualTo(PosixFilePermissions.toString(Files.getPosixFilePermissions(their)));
    }
    Map<String, Object> theirCheck = AnsibleOracle.run(tmp, tasks.subList(0, 1), true, false).get(0);
    Map<String, Object> ourCheck = Run.of(new TempFileModule(), cases.get(0)).check().go().registered();
    assertThat(ourCheck).containsEntry("skipped", theirCheck.get("skipped")).containsEntry("msg", theirCheck.get("msg"));
  }
}
