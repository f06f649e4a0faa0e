package io.homefleet.agent.module.geturl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.Run;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GetUrlModuleTest {
  @TempDir
  Path dir;

  private HttpServer server;
  private final AtomicReference<String> body = new AtomicReference<>("v1\n");
  private final AtomicReference<String> lastAuth = new AtomicReference<>();
  private final AtomicInteger requests = new AtomicInteger();
  private String base;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/f", ex -> {
      requests.incrementAndGet();
      lastAuth.set(ex.getRequestHeaders().getFirst("X-Token"));
      byte[] b = body.get().getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(b);
      }
    });
    server.createContext("/missing", ex -> {
      ex.sendResponseHeaders(404, -1);
      ex.close();
    });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void existingDest_withoutForce_isNotDownloadedAgain() throws Exception {
    Path dest = Files.writeString(dir.resolve("f"), "local\n");
    Outcome o = Run.of(new GetUrlModule(), Map.of("url", base + "/f", "dest", dest.toString())).workDir(dir).go();
    assertThat(o.changed()).isFalse();
    assertThat(requests).hasValue(0);
    assertThat(dest).hasContent("local");
  }

  @Test
  void force_downloadsAndReplacesOnlyWhenDifferent() throws Exception {
    Path dest = dir.resolve("f");
    Map<String, Object> args = Map.of("url", base + "/f", "dest", dest.toString(), "force", true,
        "headers", Map.of("X-Token", "abc"));
    assertThat(Run.of(new GetUrlModule(), args).workDir(dir).go().changed()).isTrue();
    assertThat(lastAuth).hasValue("abc");
    assertThat(Run.of(new GetUrlModule(), args).workDir(dir).go().changed()).isFalse();
    body.set("v2\n");
    Outcome o = Run.of(new GetUrlModule(), args).workDir(dir).go();
    assertThat(o.changed()).isTrue();
    assertThat(o.data()).containsEntry("status_code", 200).containsKey("checksum_src");
    assertThat(dest).hasContent("v2");
  }

  @Test
  void checksumMismatch_failsAndLeavesDestUntouched() throws Exception {
    Path dest = Files.writeString(dir.resolve("f"), "old\n");
    assertThatThrownBy(() -> Run.of(new GetUrlModule(), Map.of("url", base + "/f", "dest", dest.toString(),
        "checksum", "sha256:" + "0".repeat(64))).workDir(dir).go()).hasMessageContaining("did not match");
    assertThat(dest).hasContent("old");
  }

  @Test
  void httpError_failsWithTheStatus() {
    assertThatThrownBy(() -> Run.of(new GetUrlModule(), Map.of("url", base + "/missing", "dest",
        dir.resolve("x").toString())).workDir(dir).go()).hasMessageContaining("HTTP Error 404");
  }

  @Test
  void directoryDest_takesTheUrlsFileName() throws Exception {
    Outcome o = Run.of(new GetUrlModule(), Map.of("url", base + "/f", "dest", dir.toString())).workDir(dir).go();
    assertThat(o.data()).containsEntry("dest", dir.resolve("f").toString());
    assertThat(dir.resolve("f")).hasContent("v1");
  }
}
