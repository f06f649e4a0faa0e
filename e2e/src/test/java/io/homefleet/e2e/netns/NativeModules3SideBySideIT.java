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
 * Issue 16, part 2's third part: the native mount module (fstab lines, tmpfs mounts in each
 * tool's own mount namespace) and timezone's hwclock (check mode) against Debian's
 * ansible-playbook on one network-namespace host (SideBySide): the same recap and the same tree,
 * registered results included, on the first run and on the second.
 */
class NativeModules3SideBySideIT {
  @Test
  void mountAndHwclock_giveAnsiblesEndStateAndRecap_twice(@TempDir Path tmp) throws IOException {
    Path pb = fixture(tmp, "native-modules3/mount.yml");
    try (TestHosts net = TestHosts.create(tmp.resolve("net"), "sbs-3");
        TestController controller = TestController.start(net, tmp.resolve("controller"))) {
      TestHost host = net.host("sbs-3");
      controller.enroll(host, "dev", Map.of("suite", "side-by-side"));
      controller.awaitStatus(Duration.ofSeconds(90), "online", "sbs-3");

      CommandResult check = controller.cli("play", "--syntax-check", pb.toString());
      assertThat(check.exitCode()).as(check.all()).isZero();
      assertThat(check.stdout()).doesNotContain("runs Ansible's own module");

      SideBySide tools = new SideBySide(controller, host, tmp.resolve("side-by-side"));
      SideBySide.Round first = tools.play(pb).assertSame();
      assertThat(first.homefleetRecap()).containsEntry("failed", 0).containsEntry("ignored", 1);
      assertThat(first.homefleetState())
          .containsEntry("/mount-result", "file rw-r--r-- root:root \"True False True True False True /etc/fstab\"")
          .containsEntry("/hwclock-result", "file rw-r--r-- root:root \"True n/a\"")
          .containsKey("/mnt/eph")
          .doesNotContainKeys("/mnt/tmp", "/mnt/tmp/inside");
      assertThat(first.homefleetState().get("/fstab-seen")).isEqualTo("file rw-r--r-- root:root \"# test fstab\\n\\n"
          + "/dev/sda1 / ext4 errors=remount-ro 0 1\\n/dev/sdb1 ROOT/data ext4 noatime,noauto 0 0\\n"
          + "/srv/share\\040\\046\\040more ROOT/mnt/a\\040b none bind 0 0\\n\"");

      SideBySide.Round second = tools.play(pb).assertSame();
      // The tmpfs mounts were all undone in the first run, so the second mounts and unmounts again.
      assertThat(second.homefleetState().get("/mount-result")).isEqualTo(first.homefleetState().get("/mount-result"));
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
