package io.homefleet.e2e.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, part 2: the native apt_key and apt_repository beside Debian's ansible-playbook on one
 * network-namespace host (SideBySide). The test builds a real signed {@code file:} repository
 * (a tiny package made with dpkg-deb, its Packages from dpkg-scanpackages, a Release signed
 * with a throw-away gpg key); the play adds the key with apt_key ({@code file:} and
 * {@code data:}) to a keyring in trusted.gpg.d, adds the repository with {@code update_cache}
 * (a real {@code apt-get update} / python-apt update that must verify the signature), adds it
 * again, fails an update on a missing repository (the file put back), removes it and the key.
 * Recaps, trees and registered results must be equal.
 *
 * <p>Nothing here touches the machine's /etc/apt or /var/lib/apt: each tool's apt world (sources,
 * keyrings, lists, cache) is a directory of the test's, named by {@code APT_CONFIG} in the play's
 * environment, which apt-get, apt-key, apt-config and python-apt all honour. Ansible's module
 * needs python3-apt (.ci/run installs it).
 */
class AptRepositorySideBySideIT {
  @Test
  void keyAndRepository_addReaddFailRemove_giveAnsiblesEndStateAndRecap(@TempDir Path tmp) throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Path key = buildSignedRepository(tmp, repo);
    String armored = Files.readString(key);
    Path pb = tmp.resolve("pb/apt-repository.yml");
    Files.createDirectories(pb.getParent());
    String text;
    try (InputStream in = getClass().getResourceAsStream("/side-by-side/apt/apt-repository.yml")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Files.writeString(pb, text.replace("@REPO@", repo.toString()).replace("@KEYFILE@", key.toString())
        .replace("@KEYDATA@", armored.lines().map(l -> "          " + l).collect(Collectors.joining("\n"))));

    try (TestHosts net = TestHosts.create(tmp.resolve("net"), "sbs-apt");
        TestController controller = TestController.start(net, tmp.resolve("controller"))) {
      TestHost host = net.host("sbs-apt");
      controller.enroll(host, "dev", Map.of("suite", "side-by-side"));
      controller.awaitStatus(Duration.ofSeconds(90), "online", "sbs-apt");

      CommandResult check = controller.cli("play", "--syntax-check", pb.toString());
      assertThat(check.exitCode()).as(check.all()).isZero();
      assertThat(check.stdout()).doesNotContain("runs Ansible's own module");

      SideBySide tools = new SideBySide(controller, host, tmp.resolve("side-by-side"));
      SideBySide.Round round = tools.play(pb).assertSame();
      assertThat(round.homefleetRecap()).containsEntry("failed", 0).containsEntry("ignored", 1);
      String results = round.homefleetState().get("/results");
      assertThat(results).contains("added True deb file:" + repo + " ./ present", "again False", "policy True",
          "written deb file:" + repo + " ./", "broken True True", "restored deb file:" + repo + " ./",
          "removed True False False", "key_removed True", "key_data False");
      assertThat(round.homefleetState()).containsKey("/keyring.gpg");
    }
  }

  /** A flat repository in {@code repo} signed by a new key; returns the armored public key's file. */
  private static Path buildSignedRepository(Path tmp, Path repo) throws Exception {
    Path gnupg = Files.createDirectories(tmp.resolve("gnupg"));
    Files.setPosixFilePermissions(gnupg, PosixFilePermissions.fromString("rwx------"));
    run(tmp, "gpg", "--homedir", gnupg.toString(), "--batch", "--passphrase", "", "--quick-gen-key",
        "homefleet test repository <repo@example.invalid>", "ed25519", "sign", "never");
    Path key = tmp.resolve("repo-key.asc");
    Files.writeString(key, run(tmp, "gpg", "--homedir", gnupg.toString(), "--armor", "--export"));

    Path pkg = Files.createDirectories(tmp.resolve("pkg/DEBIAN"));
    Files.writeString(pkg.resolve("control"), "Package: hf-tiny\nVersion: 1.0\nArchitecture: all\n"
        + "Maintainer: homefleet tests <repo@example.invalid>\nDescription: a package only the test repository has\n");
    run(tmp, "dpkg-deb", "--build", "--root-owner-group", pkg.getParent().toString(),
        repo.resolve("hf-tiny_1.0_all.deb").toString());
    String packages = run(repo, "dpkg-scanpackages", ".", "/dev/null");
    Files.writeString(repo.resolve("Packages"), packages);
    byte[] bytes = packages.getBytes(StandardCharsets.UTF_8);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    Files.writeString(repo.resolve("Release"), "Origin: homefleet-test\nLabel: homefleet-test\nSuite: stable\n"
        + "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)) + "\n"
        + "SHA256:\n " + sha + " " + bytes.length + " Packages\n");
    run(repo, "gpg", "--homedir", gnupg.toString(), "--batch", "--yes", "--clearsign", "-o", "InRelease", "Release");
    return key;
  }

  /** Runs a tool in {@code dir}; its stdout, or the test fails with what it said. */
  private static String run(Path dir, String... argv) throws IOException, InterruptedException {
    Path err = Files.createTempFile(dir.getFileSystem().getPath(System.getProperty("java.io.tmpdir")), "hf-apt-", ".err");
    try {
      Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectError(err.toFile()).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", argv) + " finished").isTrue();
      assertThat(p.exitValue()).as(String.join(" ", argv) + "\n" + Files.readString(err)).isZero();
      return out;
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
