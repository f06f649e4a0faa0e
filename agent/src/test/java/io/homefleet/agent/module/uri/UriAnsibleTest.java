package io.homefleet.agent.module.uri;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.AnsibleOracle;
import io.homefleet.agent.module.Run;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code uri} beside ansible-core's against one real HTTP server on 127.0.0.1 (a JDK HttpServer):
 * the same requests arrive (method, body, content type, authorization), and the results agree
 * field by field: status, url, redirected, msg, content, json, cookies, the response headers the
 * server sets, changed and failed, and dest's file.
 */
class UriAnsibleTest {
  private HttpServer server;
  private final List<String> seen = new ArrayList<>();
  private String base;

  @BeforeEach
  void serve() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String path = ex.getRequestURI().getPath();
    String contentType = ex.getRequestHeaders().getFirst("Content-Type");
    java.util.regex.Matcher boundary = java.util.regex.Pattern.compile("boundary=\"?([^\";]+)")
        .matcher(String.valueOf(contentType));
    if (boundary.find()) {
      // A multipart boundary is random per request; the parts around it are what must agree.
      body = body.replace(boundary.group(1), "BOUNDARY");
      contentType = contentType.replace(boundary.group(1), "BOUNDARY");
    }
    synchronized (seen) {
      seen.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " [" + contentType
          + "] [" + ex.getRequestHeaders().getFirst("Authorization") + "] [" + ex.getRequestHeaders().getFirst("X-Test")
          + "] " + body);
    }
    int status = 200;
    String type = "text/plain; charset=utf-8";
    String out = "hello\n";
    switch (path) {
      case "/json" -> {
        type = "application/json";
        out = "{\"a\": [1, 2], \"b\": {\"c\": null}, \"echo\": " + (body.isEmpty() ? "\"\"" : "\"" + body.replace("\"", "'") + "\"") + "}";
      }
      case "/missing" -> status = 404;
      case "/teapot" -> {
        status = 409;
        out = "short and stout";
      }
      case "/cookie" -> ex.getResponseHeaders().add("Set-Cookie", "session=abc123; Path=/");
      case "/moved" -> {
        status = 301;
        ex.getResponseHeaders().add("Location", "/landing");
        out = "";
      }
      case "/secret" -> {
        if (ex.getRequestHeaders().getFirst("Authorization") == null) {
          status = 401;
          ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"lab\"");
          out = "";
        }
      }
      default -> { }
    }
    ex.getResponseHeaders().add("Content-Type", type);
    ex.getResponseHeaders().add("X-Served-By", "hf-test");
    byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      ex.getResponseBody().write(bytes);
    }
    ex.close();
  }

  @Test
  void requestsAndResults_areAnsibles(@TempDir Path tmp) throws Exception {
    Files.createDirectories(tmp.resolve("ansible"));
    Files.createDirectories(tmp.resolve("hf"));
    List<Map<String, Object>> cases = List.of(
        Map.of("url", base + "/plain"),
        Map.of("url", base + "/plain", "return_content", true, "headers", Map.of("X-Test", "yes")),
        Map.of("url", base + "/json", "method", "POST", "body_format", "json",
            "body", Map.of("name", "web1", "tags", List.of("a", "b"), "n", 3, "ok", true)),
        Map.of("url", base + "/json", "method", "PUT", "body_format", "form-urlencoded",
            "body", Map.of("q", "a b&c", "many", List.of("x", "y*~"))),
        Map.of("url", base + "/json", "method", "POST", "body", "raw text", "return_content", true),
        Map.of("url", base + "/missing"),
        Map.of("url", base + "/teapot", "status_code", List.of(200, 409), "return_content", true),
        Map.of("url", base + "/teapot", "return_content", true),
        Map.of("url", base + "/cookie"),
        Map.of("url", base + "/moved"),
        Map.of("url", base + "/moved", "follow_redirects", "none", "status_code", 301),
        Map.of("url", base + "/moved", "method", "POST", "status_code", 301),
        Map.of("url", base + "/secret", "url_username", "admin", "url_password", "pw", "force_basic_auth", true),
        Map.of("url", base + "/secret", "url_username", "admin", "url_password", "pw"),
        Map.of("url", base + "/plain", "method", "get"),
        Map.of("url", "http://127.0.0.1:1/refused"),
        Map.of("url", base + "/plain", "creates", tmp.toString()),
        Map.of("url", base + "/plain", "removes", tmp.resolve("nothing").toString()));
    List<Map<String, Object>> theirCases = new ArrayList<>(cases);
    theirCases.add(Map.of("url", base + "/plain", "dest", tmp.resolve("ansible/got.txt").toString()));
    List<Map<String, Object>> theirs = ansibles(tmp, theirCases);
    List<String> theirRequests = List.copyOf(seen);
    seen.clear();

    List<Map<String, Object>> ours = ours(cases);
    ours.add(run(Map.of("url", base + "/plain", "dest", tmp.resolve("hf/got.txt").toString())));
    assertThat(seen).as("the requests the server saw").isEqualTo(theirRequests);
    assertThat(tmp.resolve("hf/got.txt")).hasContent("hello");
    for (int i = 0; i < ours.size(); i++) {
      Map<String, Object> their = theirs.get(i);
      Map<String, Object> our = ours.get(i);
      String what = i < cases.size() ? cases.get(i).toString() : "dest";
      for (String k : List.of("changed", "failed", "status", "url", "redirected", "msg", "content", "json", "cookies",
          "cookies_string", "content_type", "content_length", "x_served_by", "location", "www_authenticate", "stdout", "body")) {
        assertThat(our.get(k)).as("%s of %s\nours %s\ntheirs %s", k, what, our, their).isEqualTo(their.get(k));
      }
      // Whole seconds on both sides; a loopback request takes well under one.
      assertThat(our.get("elapsed") == null).as("elapsed of %s", what).isEqualTo(their.get("elapsed") == null);
    }
  }

  @Test
  void whatTheNativeModuleLacks_runsAnsiblesOwn_withItsRequestAndResult(@TempDir Path tmp) throws Exception {
    Path upload = tmp.resolve("upload.txt");
    Files.writeString(upload, "from the host\n");
    List<Map<String, Object>> cases = List.of(
        Map.of("url", base + "/json", "method", "POST", "body_format", "form-multipart",
            "body", Map.of("name", "web1", "note", "a b")),
        Map.of("url", base + "/json", "method", "PUT", "src", upload.toString(), "remote_src", true));
    List<Map<String, Object>> theirs = ansibles(tmp, cases);
    List<String> theirRequests = List.copyOf(seen);
    seen.clear();
    List<Map<String, Object>> ours = ours(cases);
    assertThat(seen).as("the requests the server saw").isEqualTo(theirRequests).hasSize(2);
    assertThat(seen.get(0)).contains("multipart/form-data", "name=\"name\"", "web1");
    assertThat(seen.get(1)).contains("from the host");
    for (int i = 0; i < ours.size(); i++) {
      for (String k : List.of("changed", "failed", "status", "url", "msg", "json", "content_type")) {
        assertThat(ours.get(i).get(k)).as("%s of %s", k, cases.get(i)).isEqualTo(theirs.get(i).get(k));
      }
    }

    Map<String, Object> playFile = run(Map.of("url", base + "/json", "src", "files/body.json"));
    assertThat(playFile).containsEntry("failed", true);
    assertThat((String) playFile.get("msg")).contains("remote_src: true", "lookup('file'");
  }

  /** Each case's result from Ansible's uri module, in one play. */
  private static List<Map<String, Object>> ansibles(Path tmp, List<Map<String, Object>> cases) throws Exception {
    List<AnsibleOracle.Task> tasks = new ArrayList<>();
    for (Map<String, Object> c : cases) {
      tasks.add(new AnsibleOracle.Task("ansible.builtin.uri", c));
    }
    return AnsibleOracle.run(tmp, tasks, false, false);
  }

  /** Each case's result from homefleet's uri module. */
  private static List<Map<String, Object>> ours(List<Map<String, Object>> cases) throws Exception {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> c : cases) {
      out.add(run(c));
    }
    return out;
  }

  private static Map<String, Object> run(Map<String, Object> args) throws Exception {
    try {
      Outcome o = Run.of(new UriModule(), args).go();
      Map<String, Object> m = new LinkedHashMap<>(o.data());
      if (o.status() == Outcome.Status.FAILED) {
        m.put("failed", true);
        m.putIfAbsent("msg", o.msg());
      }
      return m;
    } catch (TaskException e) {
      return Map.of("failed", true, "msg", e.getMessage());
    }
  }
}
