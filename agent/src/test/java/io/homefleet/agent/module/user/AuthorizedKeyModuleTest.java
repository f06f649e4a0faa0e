package io.homefleet.agent.module.user;

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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** As the user running the tests, with {@code path} under a temporary directory. */
class AuthorizedKeyModuleTest {
  private static final String ME = System.getProperty("user.name");
  private static final String K1 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIkey1 alice@laptop";
  private static final String K2 = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQkey2 bob@desk";

  @TempDir
  Path dir;

  private Outcome run(Path file, Map<String, Object> args, boolean check) throws Exception {
    Map<String, Object> all = new HashMap<>(args);
    all.put("user", ME);
    all.put("path", file.toString());
    return Run.of(new AuthorizedKeyModule(), all).check(check).diff().go();
  }

  @Test
  void present_createsSshDirAndFilePrivately_andTheSecondRunIsOk() throws Exception {
    Path file = dir.resolve(".ssh/authorized_keys");
    Outcome check = run(file, Map.of("key", K1), true);
    assertThat(check.status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(dir.resolve(".ssh")).doesNotExist();
    Outcome o = run(file, Map.of("key", K1), false);
    assertThat(o.data()).containsEntry("keyfile", file.toString()).containsEntry("user", ME)
        .containsEntry("exclusive", false).containsEntry("manage_dir", true);
    assertThat(Files.readString(file)).isEqualTo(K1 + "\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(".ssh")))).isEqualTo("rwx------");
    assertThat(run(file, Map.of("key", K1), false).status()).isEqualTo(Outcome.Status.OK);
  }

  @Test
  void changedOptionsOrComment_replaceTheKey_atTheEnd_asTheCollectionDoes() throws Exception {
    Path file = Files.writeString(dir.resolve("ak"), K1 + "\n# keep me\n" + K2 + "\n");
    run(file, Map.of("key", K1, "key_options", "no-pty,from=\"10.0.0.0/8\"", "comment", "alice"), false);
    assertThat(Files.readString(file)).isEqualTo("# keep me\n" + K2 + "\nno-pty,from=\"10.0.0.0/8\" "
        + "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIkey1 alice\n");
  }

  @Test
  void keyWithoutComment_keepsTheCollectionsTrailingSpace() throws Exception {
    Path file = dir.resolve("ak");
    run(file, Map.of("key", "ssh-ed25519 AAAAnocomment"), false);
    assertThat(Files.readString(file)).isEqualTo("ssh-ed25519 AAAAnocomment \n");
  }

  @Test
  void absent_removesOnlyThatKey_andExclusiveRemovesEverythingElse() throws Exception {
    Path file = Files.writeString(dir.resolve("ak"), K1 + "\n# comment\n" + K2 + "\n");
    run(file, Map.of("key", K1, "state", "absent"), false);
    assertThat(Files.readString(file)).isEqualTo("# comment\n" + K2 + "\n");
    run(file, Map.of("key", K1, "exclusive", true), false);
    assertThat(Files.readString(file)).isEqualTo(K1 + "\n");
  }

  @Test
  void severalKeysAtOnce_andAKeyFromAUrl() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] body = (K1 + "\n" + K2 + "\n").getBytes(StandardCharsets.UTF_8);
    server.createContext("/alice.keys", ex -> {
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    try {
      Path file = dir.resolve("ak");
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/alice.keys";
      Outcome o = run(file, Map.of("key", url), false);
      assertThat(Files.readString(file)).isEqualTo(K1 + "\n" + K2 + "\n");
      assertThat(o.data()).containsEntry("key", url);
      assertThatThrownBy(() -> run(file, Map.of("key", "http://127.0.0.1:" + server.getAddress().getPort() + "/nobody.keys"), false)).hasMessageContaining("Error getting key from");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void invalidKey_andUnknownUser_fail() {
    assertThatThrownBy(() -> run(dir.resolve("ak"), Map.of("key", "not a key"), false))
        .hasMessageContaining("invalid key specified: not a key");
    assertThatThrownBy(() -> Run.of(new AuthorizedKeyModule(), Map.of("user", "hf-no-such-user", "key", K1)).check().go())
        .hasMessageContaining("Either user must exist or you must provide full path to key file in check mode");
  }
}
