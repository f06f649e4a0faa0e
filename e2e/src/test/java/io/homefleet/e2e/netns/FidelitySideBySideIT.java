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
 * Issue 16, part 6: a missing required argument and a missing src file are warnings in
 * {@code --syntax-check} and task failures when the task runs, with Ansible's messages, so
 * that ignore_errors, rescue, when and failed_when handle them as under ansible-playbook. The
 * same play runs with homefleet and with Debian's ansible-playbook; recaps and end states must
 * be equal.
 */
class FidelitySideBySideIT {
  @Test
  void runTimeErrors_areTaskFailures_asInAnsible(@TempDir Path tmp) throws IOException {
    Path pb = tmp.resolve("pb").resolve("fidelity.yml");
    Files.createDirectories(pb.getParent());
    try (InputStream in = getClass().getResourceAsStream("/side-by-side/fidelity.yml")) {
      Files.copy(in, pb);
    }
    try (TestHosts net = TestHosts.create(tmp.resolve("net"), "sbs-f");
        TestController controller = TestController.start(net, tmp.resolve("controller"))) {
      TestHost host = net.host("sbs-f");
      controller.enroll(host, "dev", Map.of("suite", "side-by-side"));
      controller.awaitStatus(Duration.ofSeconds(90), "online", "sbs-f");

      CommandResult check = controller.cli("play", "--syntax-check", pb.toString());
      assertThat(check.exitCode()).as(check.all()).isZero();
      assertThat(check.all()).contains(
          "fidelity.yml:10:7: [WARNING] missing required argument 'path' for module 'file'",
          "fidelity.yml:20:11: [WARNING] src 'no-such-file.txt' not found");

      SideBySide tools = new SideBySide(controller, host, tmp.resolve("side-by-side"));
      SideBySide.Round first = tools.play(pb).assertSame();
      assertThat(first.homefleetRecap()).containsEntry("failed", 0).containsEntry("ignored", 1)
          .containsEntry("rescued", 1).containsEntry("skipped", 1);
      assertThat(first.homefleetState())
          .containsEntry("/noarg", "file rw-r--r-- root:root \"failed=True msg=missing required arguments: path\"")
          .containsEntry("/nosrc", "file rw-r--r-- root:root \"failed=True True\"")
          .containsEntry("/noline", "file rw-r--r-- root:root \"missing required arguments: path\"")
          .containsEntry("/host-04", "file rw-r--r-- root:root \"[1, 2, 3]\"")
          .containsEntry("/free-form", "file rw-r--r-- root:root \"it worked\"")
          .containsEntry("/backups", "file rw-r--r-- root:root \"True 0 False True False\"");
    }
  }
}
