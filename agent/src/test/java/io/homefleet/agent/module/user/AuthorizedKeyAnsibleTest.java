package io.homefleet.agent.module.user;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.AnsibleOracle;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code authorized_key} beside ansible.posix's: each case edits two copies of a keys file (as
 * the user running the tests, {@code path} under a temporary directory), and the files,
 * {@code changed}, the failures and the returned values must agree.
 */
class AuthorizedKeyAnsibleTest {
  private static final String K1 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIkey1 alice@laptop";
  private static final String K2 = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQkey2 bob@desk";
  private static final String FILE = K1 + "\n# comment\n\n" + K2 + "\n# comment\n";

  record Case(String content, Map<String, Object> args) {}

  private static final List<Case> CASES = List.of(
      new Case(null, Map.of("key", K1)),
      new Case(FILE, Map.of("key", K1)),
      new Case(FILE, Map.of("key", K1, "comment", "alice")),
      new Case(FILE, Map.of("key", K1, "key_options", "no-pty,from=\"10.0.0.0/8,192.168.0.0/16\",command=\"echo a,b\"")),
      new Case("from=\"a\",no-pty " + K1 + "\n", Map.of("key", "no-pty,from=\"a\" " + K1)),
      new Case(FILE, Map.of("key", K2, "state", "absent")),
      new Case(FILE, Map.of("key", "ssh-dss AAAAnotthere x", "state", "absent")),
      new Case(FILE, Map.of("key", K1, "exclusive", true)),
      new Case(FILE, Map.of("key", K2 + "\n# a comment\nssh-ed25519 AAAAnew new\n")),
      new Case("# no newline at the end", Map.of("key", K1)),
      new Case(null, Map.of("key", "ssh-ed25519 AAAAnocomment")),
      new Case(null, Map.of("key", "garbage")),
      new Case(K1 + "\n" + K1 + "\n", Map.of("key", K2)));

  @Test
  void everyCase_agreesWithAnsiblePosixAuthorizedKey(@TempDir Path tmp) throws Exception {
    String me = System.getProperty("user.name");
    List<AnsibleOracle.Task> tasks = new ArrayList<>();
    for (int i = 0; i < CASES.size(); i++) {
      tasks.add(new AnsibleOracle.Task("ansible.posix.authorized_key", args(tmp, "ansible", i, me)));
    }
    List<Map<String, Object>> theirs = AnsibleOracle.run(tmp, tasks, false, false);
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < CASES.size(); i++) {
      Map<String, Object> args = args(tmp, "homefleet", i, me);
      Map<String, Object> ours;
      try {
        Outcome o = Run.of(new AuthorizedKeyModule(), args).go();
        ours = new LinkedHashMap<>(o.data());
      } catch (TaskException e) {
        ours = Map.of("failed", true);
      }
      Map<String, Object> their = theirs.get(i);
      String where = "case " + i + " " + CASES.get(i) + ": ";
      if (Boolean.TRUE.equals(their.get("failed")) != Boolean.TRUE.equals(ours.get("failed"))) {
        problems.add(where + "Ansible " + their + ", homefleet " + ours);
        continue;
      }
      String a = read(Path.of((String) tasks.get(i).args().get("path")));
      String h = read(Path.of((String) args.get("path")));
      if (!a.equals(h)) {
        problems.add(where + "Ansible wrote " + a.replace("\n", "\\n") + ", homefleet " + h.replace("\n", "\\n"));
      }
      if (!Boolean.TRUE.equals(their.get("failed"))) {
        for (String k : List.of("changed", "user", "key", "manage_dir", "state", "key_options", "exclusive", "comment",
            "validate_certs", "follow", "mode", "owner", "state", "size")) {
          if (!String.valueOf(their.get(k)).equals(String.valueOf(ours.get(k)))) {
            problems.add(where + k + ": Ansible " + their.get(k) + ", homefleet " + ours.get(k));
          }
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  private static Map<String, Object> args(Path tmp, String side, int i, String me) throws Exception {
    Path f = tmp.resolve(side + "-" + i + "/authorized_keys");
    if (CASES.get(i).content() != null) {
      Files.createDirectories(f.getParent());
      Files.writeString(f, CASES.get(i).content());
    }
    Map<String, Object> a = new LinkedHashMap<>(CASES.get(i).args());
    a.put("user", me);
    a.put("path", f.toString());
    return a;
  }

  private static String read(Path p) throws Exception {
    return Files.exists(p) ? Files.readString(p) + " (" + java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p)) + ")" : "(none)";
  }
}
