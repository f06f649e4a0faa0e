package io.homefleet.e2e.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, part 3: delegate_to (to another enrolled host, to the host itself, to localhost),
 * local_action, run_once (a command, set_fact, a skipped one) and throttle, on two
 * network-namespace hosts with homefleet and with Debian's ansible-playbook; recaps and each
 * host's end state must be equal. localhost is a third host's agent, named in controller.yaml
 * (localhost_agent), since the controller's own machine has none here.
 */
class DelegationSideBySideIT {
  @Test
  void delegationRunOnceThrottle_giveAnsiblesEndStateAndRecap(@TempDir Path tmp) throws IOException,
      InterruptedException {
    Path pb = fixture(tmp, "delegation.yml");
    fixture(tmp, "templates/note.j2");
    for (String tool : List.of("homefleet", "ansible")) {
      deleteIfThere(Path.of("/tmp/homefleet-throttle-" + tool));
    }
    try (TestHosts net = TestHosts.create(tmp.resolve("net"), "dlg-1", "dlg-2", "dlg-ctl");
        TestController controller = TestController.start(net, tmp.resolve("controller"))) {
      Files.writeString(controller.dataDir().resolve("controller.yaml"), "localhost_agent: dlg-ctl\n",
          StandardOpenOption.APPEND);
      controller.stopServer();
      controller.startServer();
      for (TestHost h : net.hosts()) {
        controller.enroll(h, "dev", Map.of("suite", "delegation"));
      }
      controller.awaitStatus(Duration.ofSeconds(90), "online", "dlg-1", "dlg-2", "dlg-ctl");

      CommandResult check = controller.cli("play", "--syntax-check", pb.toString());
      assertThat(check.exitCode()).as(check.all()).isZero();

      HostsSideBySide tools = new HostsSideBySide(controller, List.of(net.host("dlg-1"), net.host("dlg-2")),
          tmp.resolve("side-by-side"), Map.of("dlg-1", Map.of("other", "dlg-2"), "dlg-2", Map.of("other", "dlg-1")));
      HostsSideBySide.Round first = tools.play(pb).assertSame();
      assertThat(first.homefleet().exitCode()).as(first.homefleet().all()).isZero();
      String a1 = net.host("dlg-1").address();
      String a2 = net.host("dlg-2").address();
      assertThat(first.homefleetState())
          .hasEntrySatisfying("dlg-1:/where", v -> assertThat(v).contains("me=" + a1, "there=" + a2, "same=False"))
          .containsEntry("dlg-1:/by-dlg-1", "file rw-r----- root:root \"dlg-1 asked dlg-2\\n\"")
          .containsEntry("dlg-2:/once", "file rw-r--r-- root:root \"ran for dlg-1 changed=True copy-changed=True\\n\"")
          .containsEntry("dlg-2:/picked", "file rw-r--r-- root:root \"picked=dlg-1 skipped=True\\n\"")
          .containsEntry("dlg-2:/throttled", "file rw-r--r-- root:root \"ok\\n\"")
          .containsKeys("dlg-1:/local", "dlg-2:/localhost-dir", "dlg-1:/note")
          .containsEntry("dlg-2:/note", "file rw-r--r-- root:root \"dlg-2 rendered this for dlg-1\\n\"");

      // The second time nothing a task writes changes, with either tool.
      HostsSideBySide.Round second = tools.play(pb).assertSame();
      assertThat(second.homefleet().exitCode()).as(second.homefleet().all()).isZero();
    }
  }

  private static void deleteIfThere(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      Files.delete(dir);
    }
  }

  private Path fixture(Path tmp, String name) throws IOException {
    Path p = tmp.resolve("pb").resolve(name);
    Files.createDirectories(p.getParent());
    try (InputStream in = getClass().getResourceAsStream("/side-by-side/delegation/" + name)) {
      Files.copy(in, p);
    }
    return p;
  }
}
