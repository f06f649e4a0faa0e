package io.homefleet.agent.module.apt;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.AnsibleOracle;
import io.homefleet.agent.module.Run;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code apt_key} beside ansible-core 2.14's, with real gpg and apt-key: a throw-away key made
 * here, added from a file, from data and from a URL on a loopback HTTP server, found again,
 * removed by short id and by fingerprint, into a {@code keyring} of each side's own and (with an
 * {@code APT_CONFIG} of the test's) into apt's trusted.gpg; the bad inputs fail on both sides.
 * One play of Ansible's, then the same tasks in order through homefleet's module, and every
 * result field Ansible returns (id, fp, short_id, key_id, before, after, changed, failed) must agree.
 */
class AptKeyAnsibleTest {
  @Test
  void theSameTasks_giveAnsiblesResults(@TempDir Path tmp) throws Exception {
    Path gnupg = Files.createDirectories(tmp.resolve("gnupg"));
    Files.setPosixFilePermissions(gnupg, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    gpg(gnupg, "--batch", "--passphrase", "", "--quick-gen-key", "homefleet test <t@example.invalid>", "ed25519", "sign",
        "never");
    String armored = gpg(gnupg, "--armor", "--export");
    Path keyFile = Files.writeString(tmp.resolve("key.asc"), armored);
    String fpr = gpg(gnupg, "--with-colons", "--list-keys").lines().filter(l -> l.startsWith("fpr:")).findFirst()
        .orElseThrow().split(":")[9];
    String longId = fpr.substring(24);
    String shortId = fpr.substring(32);

    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/", ex -> {
      byte[] body = ex.getRequestURI().getPath().equals("/key.asc") ? armored.getBytes(StandardCharsets.UTF_8) : null;
      ex.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
      if (body != null) {
        try (OutputStream o = ex.getResponseBody()) {
          o.write(body);
        }
      }
      ex.close();
    });
    http.start();
    try {
      String base = "http://127.0.0.1:" + http.getAddress().getPort();
      List<Map<String, Object>> tasks = List.of(
          Map.of("file", keyFile.toString(), "keyring", "KEYRING"),
          Map.of("data", armored, "keyring", "KEYRING"),
          Map.of("id", longId, "keyring", "KEYRING"),
          Map.of("id", shortId, "keyring", "KEYRING", "state", "absent"),
          Map.of("id", shortId, "keyring", "KEYRING", "state", "absent"),
          Map.of("url", base + "/key.asc", "keyring", "KEYRING"),
          Map.of("id", "0x" + fpr.toLowerCase(), "keyring", "KEYRING", "state", "absent"),
          Map.of("id", fpr, "url", base + "/key.asc", "keyring", "KEYRING"),
          Map.of("data", armored),
          Map.of("id", longId, "state", "absent"),
          Map.of("id", "xyz", "keyring", "KEYRING"),
          Map.of("id", "ABC", "keyring", "KEYRING"),
          Map.of("data", armored, "file", keyFile.toString()),
          Map.of("url", base + "/missing.asc", "keyring", "KEYRING"),
          Map.of("id", "0123456789ABCDEF", "keyring", "KEYRING"),
          Map.of("data", "not a key", "keyring", "KEYRING"));

      List<AnsibleOracle.Task> theirTasks = new ArrayList<>();
      Path theirConf = aptConf(tmp, "ansible");
      for (Map<String, Object> t : tasks) {
        theirTasks.add(new AnsibleOracle.Task("ansible.builtin.apt_key", keyring(t, tmp, "ansible"),
            Map.of("APT_CONFIG", theirConf.toString())));
      }
      List<Map<String, Object>> theirs = AnsibleOracle.run(tmp, theirTasks, false, false);

      AptKeyModule ours = new AptKeyModule(Optional.of(aptConf(tmp, "homefleet")));
      List<String> problems = new ArrayList<>();
      Path work = Files.createDirectories(tmp.resolve("work"));
      for (int i = 0; i < tasks.size(); i++) {
        Map<String, Object> mine;
        try {
          Outcome o = Run.of(ours, keyring(tasks.get(i), tmp, "homefleet")).workDir(work).go();
          mine = new LinkedHashMap<>(o.data());
          mine.put("failed", false);
        } catch (TaskException e) {
          mine = new LinkedHashMap<>(Map.of("failed", true, "msg", e.getMessage()));
        }
        Map<String, Object> their = theirs.get(i);
        String where = "task " + i + " " + tasks.get(i).keySet() + ": ";
        boolean theyFailed = Boolean.TRUE.equals(their.get("failed"));
        if (!mine.get("failed").equals(theyFailed)) {
          problems.add(where + "Ansible " + their + ", homefleet " + mine);
          continue;
        }
        if (theyFailed) {
          String msg = String.valueOf(their.get("msg"));
          if (!msg.startsWith("No key to add") && !String.valueOf(mine.get("msg")).contains(msg)) {
            problems.add(where + "msg: Ansible '" + msg + "', homefleet '" + mine.get("msg") + "'");
          }
          continue;
        }
        for (String k : List.of("changed", "id", "fp", "short_id", "key_id", "before", "after")) {
          if (!String.valueOf(mine.get(k)).equals(String.valueOf(their.get(k)))) {
            problems.add(where + k + ": Ansible " + their.get(k) + ", homefleet " + mine.get(k));
          }
        }
      }
      assertThat(problems).isEmpty();
      assertThat(theirs.get(0)).containsEntry("changed", true).containsEntry("id", longId);
      assertThat(theirs.get(8)).as("into apt's own trusted.gpg, under APT_CONFIG").containsEntry("changed", true)
          .containsEntry("after", List.of(longId));
    } finally {
      http.stop(0);
    }
  }

  @Test
  void keyserver_runsAnsiblesOwnModule(@TempDir Path tmp) throws Exception {
    Path keyring = tmp.resolve("k.gpg");
    // Check mode: Ansible's module lists the keyring (creating it, as apt-key does) and imports nothing.
    Outcome o = Run.of(new AptKeyModule(), Map.of("id", "0123456789ABCDEF", "keyserver", "hkp://127.0.0.1:9",
        "keyring", keyring.toString())).check().workDir(tmp).go();
    assertThat(o.data()).containsEntry("changed", true).containsEntry("fp", "0123456789ABCDEF")
        .containsEntry("short_id", "89ABCDEF").containsEntry("before", List.of());
    assertThat(keyring).as("made by Ansible's listing, which the native path does not do").exists();
  }

  private static Map<String, Object> keyring(Map<String, Object> task, Path tmp, String side) {
    Map<String, Object> t = new LinkedHashMap<>(task);
    t.computeIfPresent("keyring", (k, v) -> tmp.resolve(side).resolve("test-keyring.gpg").toString());
    return t;
  }

  /** An apt configuration whose Dir::Etc (trusted.gpg, trusted.gpg.d) is the side's own. */
  private static Path aptConf(Path tmp, String side) throws Exception {
    Path etc = Files.createDirectories(tmp.resolve(side).resolve("etc"));
    Files.createDirectories(etc.resolve("trusted.gpg.d"));
    Files.createDirectories(etc.resolve("apt.conf.d"));
    return Files.writeString(tmp.resolve(side).resolve("apt.conf"), "Dir::Etc \"" + etc + "\";\n");
  }

  private static String gpg(Path home, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("gpg", "--homedir", home.toString()));
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("gpg %s", argv).isZero();
    return out;
  }
}
