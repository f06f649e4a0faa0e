package io.homefleet.agent.module.wait;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.Run;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real sockets on 127.0.0.1 (port 0, so the kernel picks) and real files; timeouts of a second or two. */
class WaitForModuleTest {
  @TempDir
  Path dir;

  private static Outcome run(Map<String, Object> args) throws Exception {
    return Run.of(new WaitForModule(), args).go();
  }

  private static ServerSocket listen() throws Exception {
    return new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = listen()) {
      return s.getLocalPort();
    }
  }

  private static void later(long millis, ThrowingRunnable r) {
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(millis);
        r.run();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    t.setDaemon(true);
    t.start();
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void started_returnsOnceThePortAccepts() throws Exception {
    int port = freePort();
    ServerSocket[] server = new ServerSocket[1];
    later(1200, () -> server[0] = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1")));
    try {
      Outcome o = run(Map.of("port", port, "timeout", 10));
      assertThat(o.status()).isEqualTo(Outcome.Status.OK);
      assertThat(o.data()).containsEntry("state", "started").containsEntry("port", port);
      assertThat((Long) o.data().get("elapsed")).isBetween(1L, 5L);
    } finally {
      if (server[0] != null) {
        server[0].close();
      }
    }
  }

  @Test
  void started_timesOut_withAnsiblesMessage() throws Exception {
    int port = freePort();
    Outcome o = run(Map.of("port", port, "timeout", 1));
    assertThat(o.status()).isEqualTo(Outcome.Status.FAILED);
    assertThat(o.msg()).isEqualTo("Timeout when waiting for 127.0.0.1:" + port);
    assertThat(o.data()).containsKey("elapsed");
    assertThat(run(Map.of("port", port, "timeout", 1, "msg", "no app")).msg()).isEqualTo("no app");
  }

  @Test
  void stopped_waitsForThePortToRefuse() throws Exception {
    try (ServerSocket s = listen()) {
      int port = s.getLocalPort();
      assertThat(run(Map.of("port", port, "state", "stopped", "timeout", 1)).msg())
          .isEqualTo("Timeout when waiting for 127.0.0.1:" + port + " to stop.");
    }
    assertThat(run(Map.of("port", freePort(), "state", "stopped", "timeout", 2)).status()).isEqualTo(Outcome.Status.OK);
  }

  @Test
  void searchRegex_onAPort_readsWhatItSends() throws Exception {
    try (ServerSocket s = listen()) {
      Thread t = new Thread(() -> {
        for (int i = 0; i < 2; i++) {
          try (Socket c = s.accept(); OutputStream out = c.getOutputStream()) {
            out.write("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(200);
          } catch (Exception e) {
            return;
          }
        }
      });
      t.setDaemon(true);
      t.start();
      assertThat(run(Map.of("port", s.getLocalPort(), "search_regex", "OpenSSH", "timeout", 5)).status())
          .isEqualTo(Outcome.Status.OK);
      assertThat(run(Map.of("port", s.getLocalPort(), "search_regex", "Dropbear", "timeout", 1)).msg())
          .isEqualTo("Timeout when waiting for search string Dropbear in 127.0.0.1:" + s.getLocalPort());
    }
  }

  @Test
  void present_waitsForTheFileAndItsContent_returningTheGroups() throws Exception {
    Path f = dir.resolve("app.log");
    later(1200, () -> Files.writeString(f, "starting\nready port=8080\n"));
    Outcome o = run(Map.of("path", f.toString(), "search_regex", "^ready port=(?P<port>\\d+)$", "timeout", 10));
    assertThat(o.status()).isEqualTo(Outcome.Status.OK);
    assertThat(o.data()).containsEntry("match_groups", List.of("8080")).containsEntry("match_groupdict",
        Map.of("port", "8080")).containsEntry("path", f.toString());
    assertThat(run(Map.of("path", dir.resolve("never").toString(), "timeout", 1)).msg())
        .isEqualTo("Timeout when waiting for file " + dir.resolve("never"));
  }

  @Test
  void absent_waitsForTheFileToGo() throws Exception {
    Path f = Files.writeString(dir.resolve("lock"), "x");
    assertThat(run(Map.of("path", f.toString(), "state", "absent", "timeout", 1)).msg())
        .isEqualTo("Timeout when waiting for " + f + " to be absent.");
    later(800, () -> Files.delete(f));
    assertThat(run(Map.of("path", f.toString(), "state", "absent", "timeout", 10)).status()).isEqualTo(Outcome.Status.OK);
  }

  @Test
  void drained_waitsUntilNoConnectionIsActiveOnThePort() throws Exception {
    try (ServerSocket s = listen()) {
      int port = s.getLocalPort();
      Socket client = new Socket("127.0.0.1", port);
      Socket accepted = s.accept();
      assertThat(run(Map.of("port", port, "state", "drained", "timeout", 1)).msg())
          .isEqualTo("Timeout when waiting for 127.0.0.1:" + port + " to drain");
      assertThat(run(Map.of("port", port, "state", "drained", "timeout", 1, "exclude_hosts", List.of("127.0.0.1")))
          .status()).isEqualTo(Outcome.Status.OK);
      // The client closes first, so the TIME_WAIT is on its port, not the server's.
      client.close();
      Thread.sleep(200);
      accepted.close();
      assertThat(run(Map.of("port", port, "state", "drained", "timeout", 5)).status()).isEqualTo(Outcome.Status.OK);
    }
  }

  @Test
  void argumentErrors_andCheckMode_areAnsibles() throws Exception {
    assertThat(run(Map.of("port", 22, "path", "/x")).msg()).isEqualTo("port and path parameter can not both be passed to wait_for");
    assertThat(run(Map.of("path", "/x", "state", "stopped")).msg())
        .isEqualTo("state=stopped should only be used for checking a port in the wait_for module");
    Outcome check = Run.of(new WaitForModule(), Map.of("port", 22)).check().go();
    assertThat(check.status()).isEqualTo(Outcome.Status.SKIPPED);
  }
}
