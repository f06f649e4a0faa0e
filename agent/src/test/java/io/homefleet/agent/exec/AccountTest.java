package io.homefleet.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Looking up a task's user: from the passwd file first, as getent's files source answers. */
class AccountTest {
  @Test
  void passwdFile_findsByNameOrUid_andNotAPrefix(@TempDir Path tmp) throws Exception {
    Path passwd = tmp.resolve("passwd");
    Files.writeString(passwd, "root:x:0:0:root:/root:/bin/bash\nbroken line\ndeployer:x:1001:1001::/home/deployer:/bin/sh\n"
        + "deploy:x:1002:1003:Deploy,,,:/srv/deploy:\n", StandardCharsets.UTF_8);
    assertThat(Account.fromPasswdFile(passwd, "deploy"))
        .contains(new Account("deploy", 1002, 1003, Path.of("/srv/deploy"), ""));
    assertThat(Account.fromPasswdFile(passwd, "1001").map(Account::name)).contains("deployer");
    assertThat(Account.fromPasswdFile(passwd, "dep")).isEmpty();
    assertThat(Account.fromPasswdFile(passwd, "nobody-here")).isEmpty();
    assertThat(Account.fromPasswdFile(tmp.resolve("missing"), "root")).isEmpty();
  }

  @Test
  void lookup_agreesWithGetent() throws Exception {
    for (String name : List.of("root", "0", "daemon")) {
      Process p = new ProcessBuilder("getent", "passwd", name).start();
      String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      p.waitFor();
      assertThat(Account.lookup(name)).as(name).isEqualTo(Account.parse(line));
    }
    assertThat(Account.lookup("no-such-user-hf")).isEmpty();
    assertThat(Account.forTask(System.getProperty("user.name"))).isEmpty();
    assertThat(Account.forTask("no-such-user-hf")).isNull();
  }
}
