package io.homefleet.e2e.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, part 2's second half: the native package, script, service_facts and package_facts
 * modules against Debian's ansible-playbook on one network-namespace host (SideBySide): the same
 * recap and the same tree, registered results included, on the first run and on the second.
 */
class NativeModules2SideBySideIT {
  @Test
  void nativeModules_giveAnsiblesEndStateAndRecap_twice(@TempDir Path tmp) throws IOException {
    Path pb = fixture(tmp, List.of("native-modules2.yml", "files/hf-made.sh", "files/hf-fails.sh"));
    try (TestHosts net = TestHosts.create(tmp.resolve("net"), "sbs-2");
        TestController controller = TestController.start(net, tmp.resolve("controller"))) {
      TestHost host = net.host("sbs-2");
      controller.enroll(host, "dev", Map.of("suite", "side-by-side"));
      controller.awaitStatus(Duration.ofSeconds(90), "online", "sbs-2");

      CommandResult check = controller.cli("play", "--syntax-check", pb.toString());
      assertThat(check.exitCode()).as(check.all()).isZero();
      assertThat(check.stdout()).doesNotContain("runs Ansible's own module");

      SideBySide tools = new SideBySide(controller, host, tmp.resolve("side-by-side"));
      SideBySide.Round first = tools.play(pb).assertSame();
      assertThat(first.homefleetState().get("/services")).startsWith("file rw-r--r-- root:root \"cron sysv True");
      assertThat(first.homefleet().exitCode()).as(first.homefleet().all()).isZero();
      assertThat(first.homefleetRecap()).containsEntry("failed", 0).containsEntry("ignored", 1)
          .containsEntry("skipped", 2);
      assertThat(first.homefleetState())
          .containsEntry("/made", "file rw-r--r-- root:root \"made by first\\n\"")
          .containsEntry("/chdir-made", "file rw-r--r-- root:root \"made by fourth\\n\"")
          .containsEntry("/package-result", "file rw-r--r-- root:root \"changed=False False failed=False\"")
          .containsEntry("/script-result", "file rw-r--r-- root:root \"changed=True rc=0 out=arg=first err=to stderr\"")
          .containsKeys("/services", "/packages")
          .doesNotContainKey("/check-made");

      // Scripts always change when they run: the second time only the unguarded and failing ones run.
      SideBySide.Round second = tools.play(pb).assertSame();
      assertThat(second.homefleetRecap()).containsEntry("skipped", 3).containsEntry("ignored", 1);
    }
  }

  private Path fixture(Path tmp, List<String> names) throws IOException {
    Path dir = tmp.resolve("pb");
    for (String name : names) {
      Path p = dir.resolve(name);
      Files.createDirectories(p.getParent());
      try (InputStream in = getClass().getResourceAsStream("/side-by-side/" + name)) {
        Files.copy(in, p);
      }
    }
    return dir.resolve(names.get(0));
  }
}
