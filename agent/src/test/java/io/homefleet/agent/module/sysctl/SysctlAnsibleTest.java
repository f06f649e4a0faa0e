package io.homefleet.agent.module.sysctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.AnsibleOracle;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sysctl} beside ansible.posix's (Debian's ansible 7.7.0): each case edits two copies of a
 * sysctl_file, with reload and sysctl_set off (the build host's /proc/sys is never written), and
 * the files and {@code changed} must agree; then the same in check mode with reload on, where
 * only the running kernel is read.
 */
class SysctlAnsibleTest {
  record Case(String content, Map<String, Object> args) {}

  private static final List<Case> CASES = List.of(
      new Case(null, Map.of("name", "vm.swappiness", "value", "10")),
      new Case("# c\n  net.ipv4.ip_forward = 0 \nkernel.x = 1\n\nnet.ipv4.ip_forward=1\n",
          Map.of("name", "net.ipv4.ip_forward", "value", "yes")),
      new Case("# c\n  net.ipv4.ip_forward = 0 \nkernel.x = 1\n\nnet.ipv4.ip_forward=1\n",
          Map.of("name", "net.ipv4.ip_forward", "value", "False")),
      new Case("a.b=1\nc.d = 2\n", Map.of("name", "a.b", "state", "absent")),
      new Case("a.b=1\n", Map.of("name", "x.y", "state", "absent")),
      new Case("vm.swappiness = 10\n", Map.of("name", " vm.swappiness ", "value", " 10 ")),
      new Case("net.ipv4.ip_local_port_range = 1024  65000\n",
          Map.of("name", "net.ipv4.ip_local_port_range", "value", "1024 65000")),
      new Case("k=v\n", Map.of("name", "k", "value", "")),
      new Case("k=v\n", Map.of("name", "k")));

  private static List<Map<String, Object>> args(Path tmp, String side, boolean reload) throws Exception {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < CASES.size(); i++) {
      Path f = tmp.resolve(side + "-" + i + ".conf");
      Files.deleteIfExists(f);
      if (CASES.get(i).content() != null) {
        Files.writeString(f, CASES.get(i).content());
      }
      Map<String, Object> a = new LinkedHashMap<>(CASES.get(i).args());
      a.put("sysctl_file", f.toString());
      a.put("reload", reload);
      out.add(a);
    }
    return out;
  }

  @Test
  void everyCase_agreesWithAnsiblePosixSysctl(@TempDir Path tmp) throws Exception {
    for (boolean check : new boolean[] {false, true}) {
      List<Map<String, Object>> theirArgs = args(tmp, "ansible", check);
      List<Map<String, Object>> theirs = AnsibleOracle.run(tmp,
          theirArgs.stream().map(a -> new AnsibleOracle.Task("ansible.posix.sysctl", a)).toList(), check, false);
      List<Map<String, Object>> ourArgs = args(tmp, "homefleet", check);
      List<String> problems = new ArrayList<>();
      for (int i = 0; i < CASES.size(); i++) {
        boolean failed;
        boolean changed = false;
        try {
          Outcome o = Run.of(new SysctlModule(), ourArgs.get(i)).check(check).go();
          failed = false;
          changed = o.changed();
        } catch (io.homefleet.agent.exec.TaskException e) {
          failed = true;
        }
        Map<String, Object> their = theirs.get(i);
        String where = (check ? "check " : "") + CASES.get(i) + ": ";
        if (failed != Boolean.TRUE.equals(their.get("failed"))) {
          problems.add(where + "Ansible " + their + ", homefleet failed=" + failed);
          continue;
        }
        if (!failed && changed != Boolean.TRUE.equals(their.get("changed"))) {
          problems.add(where + "changed: Ansible " + their.get("changed") + ", homefleet " + changed);
        }
        Path a = Path.of((String) theirArgs.get(i).get("sysctl_file"));
        Path h = Path.of((String) ourArgs.get(i).get("sysctl_file"));
        String ta = Files.exists(a) ? Files.readString(a) : "(none)";
        String th = Files.exists(h) ? Files.readString(h) : "(none)";
        if (!ta.equals(th)) {
          problems.add(where + "file: Ansible " + ta.replace("\n", "\\n") + ", homefleet " + th.replace("\n", "\\n"));
        }
      }
      assertThat(problems).isEmpty();
    }
  }
}
