package io.homefleet.e2e.netns;

import static io.homefleet.e2e.Recaps.recap;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18, part 2's acceptance: Debian's restic driven by a real agent in a network-namespace
 * host, through one play ({@code homefleet play}) against four repositories: a local path; a
 * 1 MiB tmpfs (a full disk); a path that does not exist; and an SFTP repository on a second
 * namespace host, {@code nas-1}, where the test runs its own sshd (key login only, host key
 * pinned in a known_hosts file). The play backs up, changes the files, restores (byte-for-byte
 * equal, verified by restic), applies retention, runs the canary restores (one that finds a
 * changed file fails loudly), and meets a wrong password, a missing repository and the full
 * disk, each failing clearly with the repository still readable afterwards. Then the agent's
 * {@code /metrics} shows the backup gauges. Needs root, iproute2, restic and openssh-server.
 */
class ResticBackupIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Phases phases = new Phases("ResticBackupIT");

  @Test
  void backupRestoreRetentionCanaryAndFailures_throughTheAgent_localAndSftp(@TempDir Path tmp) throws Exception {
    Path repos = Files.createDirectories(tmp.resolve("repos"));
    Path full = Files.createDirectories(repos.resolve("full"));
    CommandResult mount = Commands.run(Duration.ofSeconds(10), "mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs",
        full.toString());
    assertThat(mount.ok()).as("mount a 1 MiB tmpfs (needs root): " + mount.all()).isTrue();
    try (TestHosts net = TestHosts.create(tmp.resolve("net"), "bk-1", "nas-1");
        TestController controller = TestController.start(net, tmp.resolve("controller"))) {
      TestHost host = net.host("bk-1");
      TestHost nas = net.host("nas-1");
      // The namespace has ports of its own: a fixed one is free.
      int metricsPort = 9464;
      String telemetry = "telemetry:\n  prometheus: 127.0.0.1:" + metricsPort + "\n  host_metrics: false\n";
      controller.enroll(host, "batch", Map.of("suite", "restic"), telemetry);
      Sftp sftp = Sftp.start(nas, tmp.resolve("sshd"));
      controller.awaitStatus(Duration.ofSeconds(90), "online", "bk-1");
      phases.done("namespaces, sshd on nas-1, controller, agent online");

      Path src = Files.createDirectories(host.root().resolve("srv/app"));
      Path config = src.resolve("config.txt");
      Files.writeString(config, "listen 8080\n");
      byte[] blob = new byte[400_000];
      new Random(18).nextBytes(blob);
      Files.write(Files.createDirectories(src.resolve("data")).resolve("blob.bin"), blob);
      Path small = Files.createDirectories(host.root().resolve("srv/small"));
      Files.writeString(small.resolve("a.txt"), "small\n");
      Path big = Files.createDirectories(host.root().resolve("srv/big"));
      byte[] bigBytes = new byte[3_000_000];
      new Random(2).nextBytes(bigBytes);
      Files.write(big.resolve("big.bin"), bigBytes);
      Path pw = host.dir().resolve("restic.pw");
      Files.writeString(pw, "correct horse battery staple\n");
      Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
      Path wrong = host.dir().resolve("wrong.pw");
      Files.writeString(wrong, "not the password\n");
      Path local = repos.resolve("local");
      Path sftpRepo = repos.resolve("sftp");
      Path restored = host.root().resolve("restored");
      Path results = host.root().resolve("results.json");

      Path inv = tmp.resolve("inventory.yml");
      Files.writeString(inv, "all:\n  hosts:\n    bk-1:\n      src: " + src + "\n      pw: " + pw + "\n      wrong_pw: "
          + wrong + "\n      local_repo: " + local + "\n      full_repo: " + full.resolve("repo") + "\n"
          + "      none_repo: " + repos.resolve("none") + "\n      small: " + small + "\n      big: " + big + "\n"
          + "      sftp_repo: sftp:root@" + nas.address() + ":" + sftpRepo + "\n      ssh_key: " + sftp.clientKey()
          + "\n      known_hosts: " + sftp.knownHosts() + "\n      restored: " + restored + "\n      results: "
          + results + "\n");
      Path play = tmp.resolve("backup.yml");
      try (var in = ResticBackupIT.class.getResourceAsStream("/restic/backup.yml")) {
        Files.copy(in, play);
      }
      CommandResult run = controller.cli("play", play.toString(), "-i", inv.toString());
      System.out.println(run.stdout());
      assertThat(run.exitCode()).as(run.all() + controller.logs()).isZero();
      // Five tasks fail on purpose, under ignore_errors.
      assertThat(recap(run.stdout(), "bk-1")).contains("failed=0", "ignored=5");
      phases.done("the play (" + run.took().toMillis() + " ms)");

      JsonNode r = JSON.readTree(results.toFile());
      // Backup, change, restore: the restored tree holds the first backup's bytes, verified by restic.
      String first = r.path("b1").path("snapshot_id").asText();
      assertThat(first).hasSize(8);
      assertThat(r.path("b1").path("initialized").asBoolean()).isTrue();
      assertThat(r.path("b1").path("files_new").asLong()).isEqualTo(2);
      assertThat(r.path("b1").path("data_added").asLong()).isGreaterThan(blob.length);
      assertThat(r.path("r1").path("verified_files").asLong()).isEqualTo(2);
      Path back = restored.resolve(src.toString().substring(1));
      assertThat(back.resolve("config.txt")).hasContent("listen 8080");
      assertThat(Files.readAllBytes(back.resolve("data/blob.bin"))).isEqualTo(blob);
      assertThat(config).hasContent("changed again");

      // Retention keep_last 2 over four backups: the third run forgot the first, the fourth the second.
      List<String> snaps = List.of(first, r.path("b2").path("snapshot_id").asText(),
          r.path("b3").path("snapshot_id").asText(), r.path("b4").path("snapshot_id").asText());
      assertThat(strings(r.path("b3").path("forgotten"))).containsExactly(snaps.get(0));
      assertThat(strings(r.path("b4").path("forgotten"))).containsExactly(snaps.get(1));
      assertThat(strings(r.path("b4").path("kept"))).containsExactlyInAnyOrder(snaps.get(2), snaps.get(3));
      assertThat(snapshots(local, pw)).containsExactlyInAnyOrder(snaps.get(2), snaps.get(3));

      // Canaries: the recorded files restore equal; a file changed on the host fails loudly.
      assertThat(r.path("c1").path("failed").asBoolean()).as(r.path("c1").toString()).isFalse();
      assertThat(r.path("c1").path("msg").asText()).contains("1 file(s) restored from snapshot " + snaps.get(3));
      assertThat(r.path("c2").path("failed").asBoolean()).isTrue();
      assertThat(r.path("c2").path("msg").asText()).startsWith("CANARY RESTORE FAILED: 1 of 1 file(s)")
          .contains(config.toString(), "differ from the host's");

      // The failures: clear, and the repositories still readable.
      assertThat(r.path("wrong").path("msg").asText()).contains("wrong password for the restic repository at " + local,
          wrong.toString());
      assertThat(r.path("missing").path("msg").asText()).contains("there is no restic repository at "
          + repos.resolve("none"), "init: true");
      assertThat(repos.resolve("none")).doesNotExist();
      assertThat(r.path("f1").path("snapshot_id").asText()).hasSize(8);
      assertThat(r.path("f2").path("msg").asText()).contains("no space left on device", "stays readable");
      assertThat(r.path("f3").path("failed").asBoolean()).as(r.path("f3").toString()).isFalse();
      assertThat(r.path("f3").path("snapshots").asInt()).isEqualTo(1);
      assertThat(snapshots(full.resolve("repo"), pw)).containsExactly(r.path("f1").path("snapshot_id").asText());
      assertThat(r.path("stale").path("msg").asText()).contains("have stopped", "more than max_age 1s");

      // SFTP through the namespace host's sshd: a round trip, byte for byte.
      assertThat(r.path("s1").path("initialized").asBoolean()).as(r.path("s1").toString()).isTrue();
      assertThat(r.path("s1").path("repository").asText()).isEqualTo("sftp:root@" + nas.address() + ":" + sftpRepo);
      assertThat(Files.readAllBytes(host.root().resolve("from-sftp").resolve(src.toString().substring(1))
          .resolve("data/blob.bin"))).isEqualTo(blob);
      assertThat(sftpRepo.resolve("config")).exists();
      assertThat(sftp.log()).contains("Accepted publickey for root");
      phases.done("results checked");

      // The agent's /metrics: the gauges per repository, read from its records.
      CommandResult scrape = host.exec(Duration.ofSeconds(10), "curl", "-sf", "http://127.0.0.1:" + metricsPort
          + "/metrics");
      assertThat(scrape.ok()).as(scrape.all()).isTrue();
      String m = scrape.stdout();
      assertThat(gauge(m, "homefleet_backup_snapshot_age_seconds", local.toString())).isBetween(0.0, 120.0);
      assertThat(gauge(m, "homefleet_backup_last_success", local.toString())).isEqualTo(0.0);
      assertThat(gauge(m, "homefleet_backup_last_success", full.resolve("repo").toString())).isEqualTo(0.0);
      assertThat(gauge(m, "homefleet_backup_last_success", "sftp:root@" + nas.address() + ":" + sftpRepo))
          .isEqualTo(1.0);
      assertThat(gauge(m, "homefleet_backup_max_age_seconds", "sftp:root@" + nas.address() + ":" + sftpRepo))
          .isEqualTo(1.0);
      assertThat(gauge(m, "homefleet_backup_canary_success", local.toString())).isEqualTo(0.0);
      assertThat(gauge(m, "homefleet_backup_canary_age_seconds", local.toString())).isBetween(0.0, 120.0);
      assertThat(gauge(m, "homefleet_backup_last_added_bytes", local.toString())).isPositive();
      assertThat(run.stdout() + scrape.stdout()).doesNotContain("correct horse");
      phases.done("metrics");

      // The lab's backup role (playbooks/backup.yml, then backup-canary.yml), a vault-style password value.
      Path lab = Path.of(System.getProperty("homefleet.root", "..")).toAbsolutePath().normalize().resolve("playbooks");
      Path roleInv = tmp.resolve("role-inventory.yml");
      Path roleRepo = repos.resolve("role");
      Files.writeString(roleInv, "all:\n  children:\n    batch:\n      hosts:\n        bk-1:\n"
          + "          backup_install_restic: false\n          backup_repository: " + roleRepo + "\n"
          + "          backup_password: role-secret-pw-18\n          backup_paths: [" + small + "]\n");
      CommandResult role = controller.cli("play", lab.resolve("backup.yml").toString(), "-i", roleInv.toString());
      System.out.println(role.stdout());
      assertThat(role.exitCode()).as(role.all()).isZero();
      assertThat(recap(role.stdout(), "bk-1")).contains("changed=2", "failed=0");
      assertThat(small.resolve(".homefleet-backup-canary")).exists();
      CommandResult canary = controller.cli("play", lab.resolve("backup-canary.yml").toString(), "-i",
          roleInv.toString());
      System.out.println(canary.stdout());
      assertThat(canary.exitCode()).as(canary.all()).isZero();
      assertThat(recap(canary.stdout(), "bk-1")).contains("ok=2", "failed=0");
      assertThat(role.all() + canary.all()).doesNotContain("role-secret-pw-18");
      phases.done("the backup role and its canary");

      // homefleet status: the agent's next telemetry (2 s after it reconnects) carries the backup states.
      String agentYaml = Files.readString(host.agentConfig());
      String fingerprint = agentYaml.replaceAll("(?s).*ca_fingerprint: \"([^\"]+)\".*", "$1");
      host.stopAgent();
      host.startAgent(controller.address(), null, fingerprint, Map.of("suite", "restic"), telemetry);
      String sftpShown = "sftp:root@" + nas.address() + ":" + sftpRepo;
      JsonNode[] backups = {null};
      io.homefleet.e2e.Waits.until("bk-1's backups in homefleet status", Duration.ofSeconds(60),
          Duration.ofMillis(500), null, () -> {
            CommandResult st = controller.cli("status", "--json");
            for (JsonNode h : JSON.readTree(st.stdout()).path("hosts")) {
              if (h.path("host").asText().equals("bk-1") && h.path("backups").size() == 4) {
                backups[0] = h.path("backups");
                return true;
              }
            }
            return false;
          }, controller::logs);
      Map<String, String> states = new java.util.TreeMap<>();
      backups[0].forEach(b -> states.put(b.path("repository").asText(), b.path("state").asText()));
      assertThat(states).containsEntry(local.toString(), "failed").containsEntry(full.resolve("repo").toString(),
          "failed").containsEntry(sftpShown, "stale").containsEntry(roleRepo.toString(), "ok");
      CommandResult table = controller.cli("status");
      assertThat(table.stdout()).contains("BACKUP HOST").containsPattern("bk-1 +FAILED .*" + local)
          .containsPattern("bk-1 +STALE .*\\(max 1s\\) +" + java.util.regex.Pattern.quote(sftpShown));
      System.out.println(table.stdout());
      phases.done("homefleet status");
    } finally {
      Commands.run(Duration.ofSeconds(10), "umount", "-l", full.toString());
    }
  }

  private static List<String> strings(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** The short ids of a repository's snapshots, as restic itself lists them. */
  private static List<String> snapshots(Path repo, Path pw) throws IOException {
    CommandResult r = Commands.run(Duration.ofSeconds(60), List.of("restic", "snapshots", "--json", "--no-cache"),
        Map.of("RESTIC_REPOSITORY", repo.toString(), "RESTIC_PASSWORD_FILE", pw.toString()));
    assertThat(r.ok()).as(r.all()).isTrue();
    List<String> out = new ArrayList<>();
    JSON.readTree(r.stdout()).forEach(s -> out.add(s.path("short_id").asText()));
    return out;
  }

  /** One sample of a Prometheus text page, by name and repository label. */
  private static double gauge(String page, String name, String repository) {
    for (String line : page.lines().toList()) {
      if (line.startsWith(name + "{") && line.contains("repository=\"" + repository + "\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError(name + " for " + repository + " is not on the page:\n" + page.lines()
        .filter(l -> l.startsWith("homefleet_backup")).reduce("", (a, b) -> a + b + "\n"));
  }

  /**
   * An sshd of the test's own in a namespace host: its own host key and config, key login for
   * root only, sftp by the internal server; the client key and a known_hosts line for the host.
   */
  record Sftp(Path clientKey, Path knownHosts, Path logFile) {
    static Sftp start(TestHost on, Path dir) throws IOException {
      Files.createDirectories(dir);
      Files.createDirectories(Path.of("/run/sshd"));
      Path hostKey = dir.resolve("host_ed25519");
      Path clientKey = dir.resolve("client_ed25519");
      for (Path k : List.of(hostKey, clientKey)) {
        CommandResult g = Commands.run(Duration.ofSeconds(30), "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
            k.toString());
        assertThat(g.ok()).as(g.all()).isTrue();
      }
      Path authorized = dir.resolve("authorized_keys");
      Files.copy(dir.resolve("client_ed25519.pub"), authorized);
      Path known = dir.resolve("known_hosts");
      Files.writeString(known, on.address() + " " + Files.readString(dir.resolve("host_ed25519.pub")));
      Path cfg = dir.resolve("sshd_config");
      Files.writeString(cfg, "ListenAddress " + on.address() + "\nPort 22\nHostKey " + hostKey + "\n"
          + "AuthorizedKeysFile " + authorized + "\nPermitRootLogin prohibit-password\nPasswordAuthentication no\n"
          + "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\nPidFile " + dir.resolve("sshd.pid") + "\n"
          + "Subsystem sftp internal-sftp\nLogLevel INFO\n");
      Path log = dir.resolve("sshd.log");
      on.start(List.of("/usr/sbin/sshd", "-D", "-e", "-f", cfg.toString()), log, Map.of());
      io.homefleet.e2e.Waits.until("sshd listening on " + on.address(), Duration.ofSeconds(20),
          Duration.ofMillis(100), null, () -> {
            try {
              return Files.readString(log).contains("Server listening");
            } catch (IOException e) {
              return false;
            }
          }, () -> {
            try {
              return Files.readString(log);
            } catch (IOException e) {
              return e.toString();
            }
          });
      return new Sftp(clientKey, known, log);
    }

    String log() throws IOException {
      return Files.readString(logFile);
    }
  }
}
