package io.homefleet.e2e;

import static io.homefleet.e2e.Recaps.recap;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A play with a {@code !vault} inline variable (made by Debian's ansible-vault) and a vars file
 * encrypted as a whole (made by {@code homefleet vault}), run with {@code --vault-password-file}
 * by homefleet (a real controller and agent) and by ansible-playbook ({@code -c local}): the same
 * files are written, the play's assertions on the registered results hold in both, the recaps are
 * equal. Then the secrets are looked for, and must not be found, in the controller's data
 * directory (its SQLite store), the agent's state directory (its journal), both logs and the CLI's
 * output.
 */
class VaultIT {
  private static final String INLINE_SECRET = "inline-S3cr3t-7f1e";
  private static final String FILE_SECRET = "file-T0ken-a9c2";
  private static final String UNUSED_SECRET = "unused-Pa55-55d0";

  private static final String SITE = """
      - name: vaulted
        hosts: all
        gather_facts: false
        vars_files:
          - secrets.yml
        vars:
          db_password: @INLINE@
        tasks:
          - name: write the database password
            copy:
              dest: "{{ root }}/db.conf"
              content: "password={{ db_password }}\\n"
              mode: "0600"
            no_log: true
            register: written
          - name: write the api token
            copy:
              dest: "{{ root }}/api.conf"
              content: "token={{ api_token }}\\n"
              mode: "0600"
            no_log: true
          - name: read it back
            command: cat {{ root }}/db.conf
            register: back
            changed_when: false
            no_log: true
          - name: the registered results hold the secret
            assert:
              that:
                - back.stdout_lines == ['password=' ~ db_password]
                - written is changed
                - api_token is defined
          - name: mention the password
            debug:
              msg: "the password is {{ db_password }}"
      """;

  @Test
  void vaultedPlay_sameEndStateAndRecapAsAnsible_secretsNowhereInStoreJournalLogsOrOutput(@TempDir Path tmp)
      throws Exception {
    Path pb = Files.createDirectories(tmp.resolve("pb"));
    Path pw = Files.writeString(tmp.resolve("vault.pass"), "correct horse battery\n");
    Fleet.Result inline = Fleet.runCommand(tmp, Duration.ofSeconds(60), List.of("ansible-vault", "encrypt_string",
        "--vault-password-file", pw.toString(), INLINE_SECRET));
    assertThat(inline.exitCode()).as(inline.all()).isZero();
    Files.writeString(pb.resolve("site.yml"), SITE.replace("@INLINE@", inline.stdout().strip().indent(4).strip()));
    Files.writeString(pb.resolve("secrets.yml"), "api_token: " + FILE_SECRET + "\nunused_secret: " + UNUSED_SECRET
        + "\n");
    Fleet.Result enc = Fleet.runCli(tmp, Duration.ofSeconds(60), "vault", "encrypt", "--vault-password-file",
        pw.toString(), pb.resolve("secrets.yml").toString());
    assertThat(enc.exitCode()).as(enc.all()).isZero();
    assertThat(Files.readString(pb.resolve("secrets.yml"))).startsWith("$ANSIBLE_VAULT;1.1;AES256");
    String site = pb.resolve("site.yml").toString();

    // ansible-playbook on this machine, into its own directory.
    Path ansibleRoot = Files.createDirectories(tmp.resolve("out/ansible"));
    Fleet.Result ansible = Fleet.runCommand(tmp, Duration.ofSeconds(120), List.of("env", "HOME=" + tmp,
        "ANSIBLE_LOCAL_TEMP=" + tmp.resolve(".ansible-tmp"), "ANSIBLE_NOCOLOR=1", "ansible-playbook", "-c", "local",
        "-i", "localhost,", site, "--vault-password-file", pw.toString(), "-e", "root=" + ansibleRoot));
    System.out.println(ansible.stdout());
    assertThat(ansible.exitCode()).as(ansible.all()).isZero();

    Path fleetDir = Files.createDirectories(tmp.resolve("fleet"));
    Path hfRoot = Files.createDirectories(tmp.resolve("out/homefleet"));
    Fleet.Result play;
    try (Fleet fleet = new Fleet(fleetDir)) {
      fleet.init();
      fleet.startController();
      String[] a = fleet.token("agent-a", "dev");
      fleet.startAgent("agent-a", fleet.agentConfig("agent-a", a[0], a[1]));
      fleet.awaitOnline(Duration.ofSeconds(60), "agent-a");

      Fleet.Result noPassword = fleet.cli("play", site, "-e", "root=" + hfRoot);
      assertThat(noPassword.exitCode()).isEqualTo(2);
      assertThat(noPassword.stderr()).contains("site.yml:7:").contains("Attempting to decrypt but no vault secrets found");

      play = fleet.cli("play", site, "--vault-password-file", pw.toString(), "-e", "root=" + hfRoot);
      System.out.println(play.stdout());
      assertThat(play.exitCode()).as(play.all()).isZero();
    }

    // The same end state and the same recap.
    for (String f : List.of("db.conf", "api.conf")) {
      assertThat(hfRoot.resolve(f)).hasSameTextualContentAs(ansibleRoot.resolve(f));
    }
    assertThat(hfRoot.resolve("db.conf")).hasContent("password=" + INLINE_SECRET);
    assertThat(hfRoot.resolve("api.conf")).hasContent("token=" + FILE_SECRET);
    assertThat(counts(recap(play.stdout(), "agent-a"))).isEqualTo(counts(recap(ansible.stdout(), "localhost")))
        .contains("ok=5", "changed=2", "failed=0");
    assertThat(ansible.stdout()).contains("the password is " + INLINE_SECRET);
    assertThat(play.stdout()).contains("the password is ********");

    // Nowhere in clear: the CLI's output, the controller's data dir and log, the agent's state dir and log.
    for (String secret : List.of(INLINE_SECRET, FILE_SECRET, UNUSED_SECRET)) {
      assertThat(play.all()).doesNotContain(secret);
      try (Stream<Path> files = Files.walk(fleetDir)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as("%s holds a secret", f)
              .doesNotContain(secret);
        }
      }
    }
    assertThat(fleetDir.resolve("controller/homefleet.db")).exists();
  }

  /** A recap line's counts with the padding collapsed: both tools pad alike, but the host names differ. */
  private static String counts(String recapLine) {
    return recapLine.strip().replaceAll("\\s+", " ");
  }
}
