package io.homefleet.e2e.netns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault case 26: the controller's data dir fills up mid-run. Its data dir is a 24 MiB tmpfs; a
 * file fills it to the last block while a task runs. A new run is refused with a clear error and
 * nothing of it is stored; the controller stays up and answers reads; the task that was running
 * is reported once space returns (the agent keeps its result until the controller has stored it);
 * the store passes SQLite's integrity check, and new work runs again.
 */
class DiskFullIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void dataDirFull_callsFailClearly_storeIntact_workResumesWhenSpaceReturns(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("controller").resolve("data");
    Files.createDirectories(data);
    CommandResult mount = Commands.run(Duration.ofSeconds(10), "mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs",
        data.toString());
    assertThat(mount.ok()).as("mount a small tmpfs (needs root): " + mount.all()).isTrue();
    Path filler = data.resolve("filler");
    try (TestHosts net = TestHosts.create(tmp, "full-1");
        TestController c = TestController.start(net, tmp.resolve("controller"))) {
      TestHost h = net.host("full-1");
      c.enroll(h, "batch", Map.of());
      c.awaitStatus(Duration.ofSeconds(90), "online", "full-1");
      CommandResult before = c.cli("runs", "--json");
      String inFlight = detach(c, "echo ran >> \"$" + TestHost.ROOT_ENV + "/counter\"; sleep 4; echo finished");

      // Fill the file system to the last block.
      CommandResult dd = Commands.run(Duration.ofSeconds(60), "dd", "if=/dev/zero", "of=" + filler, "bs=64k");
      assertThat(dd.stderr()).as(dd.all()).contains("No space left on device");

      // A big run cannot be stored: refused whole, with the reason and the fix.
      CommandResult refused = c.cli("run", "full-1", "-m", "shell", "-a", "echo never # " + "x".repeat(100 * 1024));
      assertThat(refused.exitCode()).as(refused.stderr()).isEqualTo(1);
      assertThat(refused.stderr()).contains("data dir is full", "Free space");
      // Reads still work, and the refused run is nowhere.
      CommandResult hosts = c.cli("hosts");
      assertThat(hosts.exitCode()).as(hosts.all()).isZero();
      CommandResult during = c.cli("runs", "--json");
      assertThat(during.exitCode()).as(during.all()).isZero();
      assertThat(JSON.readTree(during.stdout()).size()).isEqualTo(JSON.readTree(before.stdout()).size() + 1);

      Thread.sleep(6_000); // the in-flight task finishes while the disk is full
      Files.delete(filler);

      JsonNode r = RunJson.awaitEnd(c, inFlight, Duration.ofSeconds(60));
      assertThat(r.path("state").asText()).as(r.toString()).isEqualTo("succeeded");
      assertThat(r.path("hosts").path("full-1").path("stdout").asText()).contains("finished");
      assertThat(Files.readAllLines(h.root().resolve("counter"))).containsExactly("ran");

      CommandResult after = c.cli("run", "full-1", "-m", "command", "-a", "true");
      assertThat(after.exitCode()).as(after.all()).isZero();
      c.stopServer();
      CommandResult check = Commands.run(Duration.ofSeconds(30), "python3", "-c",
          "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('pragma integrity_check').fetchone()[0])",
          data.resolve("homefleet.db").toString());
      assertThat(check.stdout().strip()).as(check.all()).isEqualTo("ok");
    } finally {
      Files.deleteIfExists(filler);
      Commands.run(Duration.ofSeconds(10), "umount", "-l", data.toString());
    }
  }

  private static String detach(TestController c, String shell) {
    CommandResult r = c.cli("run", "full-1", "-m", "shell", "-a", shell, "--detach");
    assertThat(r.exitCode()).as(r.all()).isZero();
    return r.stdout().strip();
  }

}
