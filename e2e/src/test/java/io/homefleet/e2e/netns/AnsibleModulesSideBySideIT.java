package io.homefleet.e2e.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, part 1: tasks whose module homefleet has no native implementation of run Ansible's
 * own module code on the host (ansible-core's known_hosts, community.general's ini_file), with
 * check mode, facts and failures as Ansible has them, beside native ones (getent, sysctl). The same play
 * runs with homefleet (an agent in a network-namespace host) and with Debian's ansible-playbook
 * in the same namespace; recaps and end states must be equal, on the first run and the second.
 * Then part 4's pure lookups, as with_<lookup> loops and in expressions, the same way.
 */
class AnsibleModulesSideBySideIT {
  @Test
  void pythonModules_giveAnsiblesEndStateAndRecap_twice(@TempDir Path tmp) throws IOException {
    Path pb = fixture(tmp, "python-modules.yml");
    Path lookups = fixture(tmp, "lookups.yml");
    try (TestHosts net = TestHosts.create(tmp.resolve("net"), "sbs-1");
        TestController controller = TestController.start(net, tmp.resolve("controller"))) {
      TestHost host = net.host("sbs-1");
      controller.enroll(host, "dev", Map.of("suite", "side-by-side"));
      controller.awaitStatus(Duration.ofSeconds(90), "online", "sbs-1");

      CommandResult check = controller.cli("play", "--syntax-check", pb.toString());
      assertThat(check.exitCode()).as(check.all()).isZero();
      assertThat(check.stdout()).contains(
          "[NOTE] 'known_hosts' runs Ansible's own module ansible.builtin.known_hosts with python3 on the host",
          "[NOTE] 'community.general.ini_file' runs Ansible's own module community.general.ini_file",
          "needs ansible-core and the community.general collection");

      SideBySide tools = new SideBySide(controller, host, tmp.resolve("side-by-side"));
      SideBySide.Round first = tools.play(pb).assertSame();
      assertThat(first.homefleet().exitCode()).as(first.homefleet().all()).isZero();
      assertThat(first.homefleetRecap()).containsEntry("failed", 0).containsEntry("ignored", 1);
      assertThat(first.changed()).isPositive();
      assertThat(first.homefleetState()).containsEntry("/hello", "file rw-r--r-- root:root \"[hello] 1\"")
          .containsEntry("/sysctl.conf", "file rw-r--r-- root:root \"vm.swappiness=10\\n\"")
          .containsEntry("/check-result", "file rw-r--r-- root:root \"changed=True\"")
          .doesNotContainKey("/check.ini");

      // The second time only the check-mode task (it never creates its file) and the file that
      // records ini_file's message ("OK" now) change, in both tools.
      SideBySide.Round second = tools.play(pb).assertSame();
      assertThat(second.changed()).as(second.homefleet().all()).isEqualTo(2);
      assertThat(second.homefleetState()).containsEntry("/ini-result", "file rw-r--r-- root:root \"changed=False msg=OK\"");

      // Part 4's loops: with_sequence, with_together, with_nested, with_subelements, with_indexed_items.
      SideBySide.Round loops = tools.play(lookups).assertSame();
      assertThat(loops.homefleet().exitCode()).as(loops.homefleet().all()).isZero();
      assertThat(loops.homefleetState()).containsKeys("/seq/n01", "/seq/n03", "/seq/n05", "/together-c", "/key-alice-k2",
          "/key-bob-k3", "/index-1").doesNotContainKey("/seq/n07")
          .containsEntry("/nested", "file rw-r--r-- root:root \"x-1,x-2,y-1,y-2\"");
      assertThat(tools.play(lookups).assertSame().changed()).isZero();
    }
  }

  private Path fixture(Path tmp, String name) throws IOException {
    Path p = tmp.resolve("pb").resolve(name);
    Files.createDirectories(p.getParent());
    try (InputStream in = getClass().getResourceAsStream("/side-by-side/" + name)) {
      Files.copy(in, p);
    }
    return p;
  }
}
