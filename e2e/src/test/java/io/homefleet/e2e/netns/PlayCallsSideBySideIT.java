package io.homefleet.e2e.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, parts 4 and 2: what a running play asks the controller. Lookups whose arguments use
 * the host's variables (file, first_found, env, pipe, fileglob, inventory_hostnames),
 * include_vars (a file, a directory, a name, a vault-encrypted file) and fetch (into dest/HOST/src
 * and flat, on the controller's machine) run with homefleet (an agent in a network-namespace host)
 * and with Debian's ansible-playbook; recaps, the hosts' trees (with the registered results the
 * play writes there) and the fetched trees must be equal, and the second run changes only what fetch's second results write.
 */
class PlayCallsSideBySideIT {
  private static final List<String> FILES = List.of("play-calls.yml", "secret-vars.yml", "files/calls-1.txt",
      "files/calls-1.conf", "files/default.conf", "files/other.conf", "vars/calls-1.yml", "confs/a.yml",
      "confs/b.yaml", "confs/sub/c.json");

  @Test
  void lookupsIncludeVarsAndFetch_giveAnsiblesEndStateAndRecap(@TempDir Path tmp) throws IOException {
    Path book = tmp.resolve("pb");
    for (String f : FILES) {
      fixture(book, f);
    }
    Path fetch = tmp.resolve("fetched");
    Files.createDirectories(fetch);
    Path pb = book.resolve("play-calls.yml");
    Files.writeString(pb, Files.readString(pb).replace("@FETCH@", fetch.toString()));
    try (TestHosts net = TestHosts.create(tmp.resolve("net"), "calls-1");
        TestController controller = TestController.start(net, tmp.resolve("controller"))) {
      TestHost host = net.host("calls-1");
      controller.enroll(host, "dev", Map.of("suite", "side-by-side"));
      controller.awaitStatus(Duration.ofSeconds(90), "online", "calls-1");
      SideBySide tools = new SideBySide(controller, host, tmp.resolve("side-by-side"));

      SideBySide.Round first = tools.play(pb).assertSame();
      assertThat(first.homefleet().exitCode()).as(first.homefleet().all()).isZero();
      assertThat(first.homefleetRecap()).containsEntry("failed", 0);
      assertThat(first.homefleetState())
          .containsEntry("/file", "file rw-r--r-- root:root \"for calls-1\"")
          .containsEntry("/first-found", "file rw-r--r-- root:root \"calls-1.conf\"")
          .containsEntry("/env-pipe", "file rw-r--r-- root:root \"True calls-1\"")
          .containsEntry("/fileglob", "file rw-r--r-- root:root \"calls-1.conf,default.conf,other.conf\"")
          .containsEntry("/hostnames", "file rw-r--r-- root:root \"calls-1\"")
          .containsEntry("/ignored", "file rw-r--r-- root:root \"none\"");
      assertThat(first.homefleetState().get("/included")).contains("port=8080 user=www facts=8080",
          "files=calls-1.yml", "dir=green 1 True shallow=blue", "dirfiles=a.yml,b.yaml,c.json");
      assertThat(first.homefleetState().get("/fetch-results")).contains("changed=True", "dest=data.txt", "file=none",
          "flat=flat.txt True", "missing=the remote file does not exist, not transferring, ignored False");
      assertThat(fetched(fetch, "homefleet", host)).isEqualTo(fetched(fetch, "ansible", host))
          .containsEntry("/flat.txt", "file rw-r--r-- root:root \"fetch me\\n\"").hasSize(2);

      // The second time the fetched files are there already: only the file of fetch's results changes.
      SideBySide.Round second = tools.play(pb).assertSame();
      assertThat(second.homefleet().exitCode()).as(second.homefleet().all()).isZero();
      assertThat(second.changed()).as(second.homefleet().all()).isEqualTo(1);
      assertThat(second.homefleetState().get("/fetch-results")).contains("changed=False", "remote=none",
          "file=data.txt", "flat=flat.txt False");

      // The vault password file both tools are given.
      Path pw = Files.writeString(tmp.resolve("vault.pass"), "calls vault password\n");
      Path secret = book.resolve("vars/secret.yml");
      Files.writeString(secret, "db_password: calls-s3cret\n");
      CommandResult enc = Commands.run(Duration.ofSeconds(60), List.of("ansible-vault", "encrypt",
          "--vault-password-file", pw.toString(), secret.toString()), SideBySide.ansibleEnv(tmp.resolve("side-by-side")));
      assertThat(enc.exitCode()).as(enc.all()).isZero();
      CommandResult hf = controller.cli("play", book.resolve("secret-vars.yml").toString(), "-i",
          tmp.resolve("side-by-side/homefleet-inventory.yml").toString(), "--vault-password-file", pw.toString());
      CommandResult an = Commands.run(Duration.ofSeconds(300), List.of("ip", "netns", "exec", host.namespace(),
          "/usr/bin/ansible-playbook", "-i", tmp.resolve("side-by-side/ansible-inventory.yml").toString(),
          "--vault-password-file", pw.toString(), book.resolve("secret-vars.yml").toString()),
          SideBySide.ansibleEnv(tmp.resolve("side-by-side")));
      String both = hf.all() + "\n----- ansible-playbook -----\n" + an.all();
      assertThat(SideBySide.recap(hf.stdout(), host.name())).as(both)
          .isEqualTo(SideBySide.recap(an.stdout(), host.name())).containsEntry("failed", 0);
      Path hfRoot = host.root().resolve("side-by-side/homefleet");
      Path anRoot = host.root().resolve("side-by-side/ansible");
      assertThat(SideBySide.state(hfRoot)).as(both).containsExactlyEntriesOf(SideBySide.state(anRoot))
          .containsEntry("/secret", "file rw------- root:root \"12 True\"");
      assertThat(hf.all()).doesNotContain("calls-s3cret");
    }
  }

  /** A tool's fetched files, by path under its dest/HOST/ROOT (the roots differ) and its flat file. */
  private static Map<String, String> fetched(Path fetch, String tool, TestHost host) throws IOException {
    Path root = host.root().resolve("side-by-side/" + tool);
    Map<String, String> out = new java.util.TreeMap<>();
    SideBySide.state(fetch.resolve(tool).resolve("tree").resolve(host.name()).resolve(root.toString().substring(1)))
        .forEach((k, v) -> {
          if (!v.startsWith("dir ")) {
            out.put(k, v);
          }
        });
    out.put("/flat.txt", SideBySide.state(fetch.resolve(tool).resolve("flat.txt")).get("/"));
    return out;
  }

  private void fixture(Path book, String name) throws IOException {
    Path p = book.resolve(name);
    Files.createDirectories(p.getParent());
    try (InputStream in = getClass().getResourceAsStream("/side-by-side/play-calls/" + name)) {
      Files.copy(in, p);
    }
  }
}
