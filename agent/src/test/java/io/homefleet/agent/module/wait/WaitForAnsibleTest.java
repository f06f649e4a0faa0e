package io.homefleet.agent.module.wait;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.module.AnsibleOracle;
import io.homefleet.agent.module.Run;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wait_for} beside ansible-core 2.14's: a real socket on 127.0.0.1 and real files, the same results. */
class WaitForAnsibleTest {
  @Test
  void everyCase_returnsWhatAnsiblesWaitForReturns(@TempDir Path tmp) throws Exception {
    Path log = Files.writeString(tmp.resolve("app.log"), "starting\nready port=8080 on lo\n");
    try (ServerSocket open = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int closed;
      try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
        closed = s.getLocalPort();
      }
      List<Map<String, Object>> cases = List.of(
          Map.of("port", open.getLocalPort(), "timeout", 5),
          Map.of("port", closed, "timeout", 1),
          Map.of("port", closed, "state", "stopped", "timeout", 2),
          Map.of("path", log.toString(), "search_regex", "ready port=(?P<port>\\d+) on (\\w+)", "timeout", 2),
          Map.of("path", tmp.resolve("gone").toString(), "state", "absent", "timeout", 2),
          Map.of("path", log.toString(), "state", "stopped"),
          Map.of("port", 22, "exclude_hosts", List.of("10.0.0.1")));
      List<Map<String, Object>> theirs = AnsibleOracle.run(tmp,
          cases.stream().map(c -> new AnsibleOracle.Task("wait_for", c)).toList(), false, false);
      List<String> problems = new ArrayList<>();
      for (int i = 0; i < cases.size(); i++) {
        Map<String, Object> ours = Run.of(new WaitForModule(), cases.get(i)).go().registered();
        Map<String, Object> their = theirs.get(i);
        for (String k : List.of("failed", "changed", "msg", "state", "port", "path", "search_regex", "match_groups",
            "match_groupdict", "elapsed", "mode", "owner", "size")) {
          Object t = their.get(k);
          Object o = ours.get(k);
          if (k.equals("failed")) {
            t = Boolean.TRUE.equals(t);
          }
          if (!String.valueOf(t).equals(String.valueOf(o))) {
            problems.add(cases.get(i) + " " + k + ": Ansible " + t + ", homefleet " + o);
          }
        }
      }
      assertThat(problems).isEmpty();
    }
  }
}
