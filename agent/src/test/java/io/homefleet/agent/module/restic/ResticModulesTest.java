package io.homefleet.agent.module.restic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.agent.backup.BackupHistory;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restic modules against Debian's restic (0.14) and a local repository in a temporary
 * directory: what ResticBackupIT does not show through the agent (check mode, a vault password
 * masked, a damaged pack, REST credentials). ResticBackupIT has the round trip, retention, the
 * other failures and SFTP. Each case is a few restic runs (each derives the key: ~0.5 s).
 */
class ResticModulesTest {
  @TempDir
  Path tmp;

  private Path src;
  private Path repo;
  private Path passwordFile;
  private BackupHistory history;

  @BeforeEach
  void files() throws IOException {
    src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("config.txt"), "listen 8080\n");
    byte[] blob = new byte[300_000];
    new Random(7).nextBytes(blob);
    Files.write(Files.createDirectories(src.resolve("data")).resolve("blob.bin"), blob);
    repo = tmp.resolve("repo");
    passwordFile = tmp.resolve("restic.pw");
    Files.writeString(passwordFile, "correct horse battery staple\n");
    history = new BackupHistory(tmp.resolve("state"));
  }

  private Map<String, Object> repoArgs(Object... more) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("repository", repo.toString());
    m.put("password_file", passwordFile.toString());
    for (int i = 0; i < more.length; i += 2) {
      m.put((String) more[i], more[i + 1]);
    }
    return m;
  }

  private Outcome backup(Object... more) throws Exception {
    List<Object> args = new ArrayList<>(List.of("paths", List.of(src.toString()), "init", true));
    args.addAll(List.of(more));
    return Run.of(new ResticBackupModule(history), repoArgs(args.toArray())).workDir(tmp.resolve("work")).go();
  }

  @Test
  void backup_inCheckModeWritesNothing_thenMakesASnapshot_andRecordsTheRun() throws Exception {
    Outcome dry = Run.of(new ResticBackupModule(history), repoArgs("paths", List.of(src.toString()), "init", true))
        .check().go();
    assertThat(dry.status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(repo).doesNotExist();

    Outcome b = backup();
    assertThat(b.status()).as(b.msg()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(b.data()).containsEntry("initialized", true).containsEntry("files_new", 2L);
    assertThat((Long) b.data().get("data_added")).isGreaterThan(300_000L);
    String snap = (String) b.data().get("snapshot_id");
    assertThat(snap).hasSize(8);

    BackupHistory.Entry e = history.find(repo.toString()).orElseThrow();
    assertThat(e.backups()).hasSize(1);
    assertThat(e.last().orElseThrow().ok()).isTrue();
    assertThat(e.last().orElseThrow().snapshotId()).isEqualTo(snap);
    assertThat(e.newestGoodMillis()).isPositive();
  }

  @Test
  void wrongVaultPassword_failsWithTheValueMasked_andIsRecorded() throws Exception {
    backup();
    // A vault value is masked wherever restic's words come back.
    Map<String, Object> vault = repoArgs("paths", List.of(src.toString()));
    vault.remove("password_file");
    vault.put("password", "s3cret-from-vault");
    Outcome masked = Run.of(new ResticBackupModule(history), vault).go();
    assertThat(masked.msg()).contains("wrong password for the restic repository at " + repo
        + ": the password given does not open it").doesNotContain("s3cret-from-vault");
    assertThat(masked.data().toString()).doesNotContain("s3cret-from-vault");
    BackupHistory.Entry e = history.find(repo.toString()).orElseThrow();
    assertThat(e.last().orElseThrow().ok()).isFalse();
    assertThat(e.newestGoodMillis()).as("the good snapshot is kept").isPositive();
    Outcome check = Run.of(new ResticCheckModule(history), repoArgs()).go();
    assertThat(check.status()).as(check.msg()).isEqualTo(Outcome.Status.OK);
    assertThat(check.data()).containsEntry("snapshots", 1);
  }

  @Test
  void missingRepository_withoutInit_failsNamingTheFix_andCreatesNothing() throws Exception {
    Map<String, Object> args = repoArgs("paths", List.of(src.toString()));
    assertThatThrownBy(() -> Run.of(new ResticBackupModule(history), args).go())
        .hasMessageContaining("there is no restic repository at " + repo).hasMessageContaining("init: true");
    assertThat(repo).doesNotExist();
    assertThatThrownBy(() -> Run.of(new ResticRestoreModule(), repoArgs("target", tmp.resolve("t").toString())).go())
        .hasMessageContaining("there is no restic repository at " + repo);
    assertThatThrownBy(() -> Run.of(new ResticBackupModule(history), Map.of("repository", repo.toString(),
        "paths", List.of(src.toString()))).go()).hasMessageContaining("give exactly one of password_file");
  }

  @Test
  void canary_matchesAfterABackup_andFailsLoudlyOnADamagedPack_asCheckReadDataDoes() throws Exception {
    Path config = src.resolve("config.txt");
    Path blob = src.resolve("data/blob.bin");
    backup("canary_files", List.of(config.toString(), blob.toString()));
    Path work = tmp.resolve("work");
    Outcome ok = Run.of(new ResticCanaryModule(history), repoArgs()).workDir(work).go();
    assertThat(ok.status()).as(ok.msg()).isEqualTo(Outcome.Status.OK);
    assertThat(ok.msg()).contains("2 file(s) restored");
    assertThat(history.find(repo.toString()).orElseThrow().canary().ok()).isTrue();

    // Flip bytes in the middle of every data pack: restic refuses to restore what fails its MAC.
    try (Stream<Path> packs = Files.walk(repo.resolve("data"))) {
      for (Path p : packs.filter(Files::isRegularFile).toList()) {
        byte[] b = Files.readAllBytes(p);
        for (int i = b.length / 3; i < b.length / 3 + 64 && i < b.length; i++) {
          b[i] ^= 0x5a;
        }
        p.toFile().setWritable(true);
        Files.write(p, b);
      }
    }
    Outcome damaged = Run.of(new ResticCanaryModule(history), repoArgs()).workDir(work).go();
    assertThat(damaged.status()).isEqualTo(Outcome.Status.FAILED);
    assertThat(damaged.msg()).containsAnyOf("CANARY RESTORE FAILED", "could not restore");
    Outcome check = Run.of(new ResticCheckModule(history), repoArgs("read_data", true)).go();
    assertThat(check.status()).isEqualTo(Outcome.Status.FAILED);
    assertThat(check.msg()).contains("damaged");
    try (Stream<Path> left = Files.list(work)) {
      assertThat(left).as("scratch directories removed").isEmpty();
    }
  }

  @Test
  void restRepository_credentialsStayOutOfTheShownName_andAreRefusedInTheUrl() throws Exception {
    Map<String, Object> inUrl = repoArgs();
    inUrl.put("repository", "rest:http://user:pw@127.0.0.1:1/repo");
    assertThatThrownBy(() -> Restic.of(io.homefleet.agent.exec.Args.of("restic_check", inUrl)))
        .hasMessageContaining("must not carry credentials");
    Map<String, Object> rest = repoArgs("rest_username", "backup", "rest_password", "p@ss word");
    rest.put("repository", "rest:http://127.0.0.1:1/repo");
    Restic r = Restic.of(io.homefleet.agent.exec.Args.of("restic_check", rest));
    assertThat(r.shown()).isEqualTo("rest:http://127.0.0.1:1/repo");
    assertThat(r.mask("at rest:http://backup:p%40ss+word@127.0.0.1:1/repo: p@ss word"))
        .doesNotContain("p@ss").doesNotContain("p%40ss");
    // Nothing listens on port 1: restic's failure comes back, masked.
    assertThatThrownBy(() -> Run.of(new ResticCheckModule(history), rest).go()).hasMessageNotContaining("p%40ss")
        .hasMessageContaining("rest:http://127.0.0.1:1/repo");
  }
}
