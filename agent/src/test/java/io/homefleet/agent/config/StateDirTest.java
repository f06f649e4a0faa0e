package io.homefleet.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirTest {

  @Test
  void open_whenMissing_createsIt0700(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("var/lib/homefleet-agent");

    StateDir.open(dir);

    assertThat(PrivateModes.offenders(dir)).isEmpty();
  }

  @Test
  void open_whenAnOlderAgentLeftLooseModes_tightensTheDirAndEverythingInIt(@TempDir Path tmp) throws Exception {
    // What the quickstart left with an older agent: a 0755 dir with a 0644 journal and a play dir.
    Path dir = Files.createDirectory(tmp.resolve("state"), PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rwxr-xr-x")));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path journal = Files.writeString(dir.resolve("journal"), "A t1\n");
    Files.setPosixFilePermissions(journal, PosixFilePermissions.fromString("rw-r--r--"));
    Path play = Files.createDirectories(dir.resolve("plays/old/bundle"));
    Files.setPosixFilePermissions(play, PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.setPosixFilePermissions(Files.writeString(play.resolve("site.yml"), "-"),
        PosixFilePermissions.fromString("rw-rw-rw-"));
    assertThat(PrivateModes.offenders(dir)).isNotEmpty();

    assertThat(StateDir.open(dir)).isPositive();

    assertThat(PrivateModes.offenders(dir)).isEmpty();
    assertThat(journal).hasContent("A t1\n");
    assertThat(StateDir.open(dir)).as("nothing left to tighten, nothing logged").isZero();
  }

  @Test
  void open_whenTheStateDirHoldsASymlink_leavesWhatItPointsTo(@TempDir Path tmp) throws Exception {
    Path outside = Files.writeString(tmp.resolve("motd"), "hi");
    Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rw-r--r--"));
    Path dir = Files.createDirectories(tmp.resolve("state"));
    Files.createSymbolicLink(dir.resolve("link"), outside);

    StateDir.open(dir);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(outside))).isEqualTo("rw-r--r--");
  }

  @Test
  void everyWriter_whenTheUmaskIs000_leavesEveryDir0700AndEveryFile0600(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("state");

    String output = runProbe("000", dir);

    assertThat(output).as("probe output").contains("probe done");
    assertThat(output).as("seen inside the play's work dir while it ran").contains("work dir private");
    assertThat(Files.list(dir).map(p -> p.getFileName().toString()).toList())
        .contains("journal", "status.json", "identity.pem", "ca.crt", "plays");
    assertThat(PrivateModes.offenders(dir)).isEmpty();
  }

  /** Runs {@link StateDirUmaskProbe} in a child JVM whose shell set {@code umask} (the test JVM's cannot change). */
  private static String runProbe(String umask, Path dir) throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("java.class.path");
    List<String> cmd = List.of("/bin/sh", "-c",
        "umask " + umask + " && exec \"$0\" -cp \"$1\" " + StateDirUmaskProbe.class.getName() + " \"$2\"", javaBin,
        classpath + File.pathSeparator + Path.of(StateDirUmaskProbe.class.getProtectionDomain().getCodeSource()
            .getLocation().toURI()), dir.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("probe output: %s", output).isZero();
    return output;
  }
}
