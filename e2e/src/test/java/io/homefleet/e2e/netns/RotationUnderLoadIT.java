package io.homefleet.e2e.netns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault case 24, at the scale of one host: certificates that live 30 s (the shortest the
 * controller issues; the case names 2 minutes) renew at about two thirds of their life while a
 * stream of tasks runs back to back. Every task is delivered, runs exactly once and its result is
 * stored; the agent renewed at least once meanwhile.
 */
class RotationUnderLoadIT {
  @Test
  void shortCertificatesRenewUnderLoad_noTaskLostOrRunTwice(@TempDir Path tmp) throws Exception {
    try (TestHosts net = TestHosts.create(tmp, "rotate-1");
        TestController c = TestController.start(net, tmp.resolve("controller"))) {
      c.stopServer();
      Files.writeString(c.dataDir().resolve("controller.yaml"), "agent_cert_lifetime: 30s\n", StandardOpenOption.APPEND);
      c.startServer();
      TestHost h = net.host("rotate-1");
      c.enroll(h, "batch", Map.of());
      c.awaitStatus(Duration.ofSeconds(90), "online", "rotate-1");

      List<String> ids = new ArrayList<>();
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        CommandResult r = c.cli("run", "rotate-1", "-m", "shell", "-a", "echo t" + i + " >> \"$" + TestHost.ROOT_ENV
            + "/counter\"; sleep 2", "--detach", "--queue-for", "10m");
        assertThat(r.exitCode()).as(r.all()).isZero();
        ids.add(r.stdout().strip());
        expected.add("t" + i);
      }
      for (String id : ids) {
        JsonNode run = RunJson.awaitEnd(c, id, Duration.ofSeconds(120));
        assertThat(run.path("state").asText()).as(run.toString()).isEqualTo("succeeded");
      }
      assertThat(Files.readAllLines(h.root().resolve("counter"))).containsExactlyElementsOf(expected);
      assertThat(Files.readString(h.agentLog())).contains("certificate renewed");
    }
  }
}
