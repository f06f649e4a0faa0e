package io.homefleet.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecureFilesTest {

  @Test
  void writePrivate_setsModeOwnerReadWriteOnly(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("agent.key");

    SecureFiles.writePrivate(key, "secret\n");

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    assertThat(Files.readString(key)).isEqualTo("secret\n");
  }

  @Test
  void writePrivate_whenUmaskIsPermissive_modeIsStillOwnerOnly(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("agent.key");

    runProbeWithUmask("000", "private", key);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    assertThat(Files.readString(key)).isEqualTo("secret\n");
  }

  @Test
  void writePublic_whenUmaskIsRestrictive_modeIsStillWorldReadable(@TempDir Path dir) throws Exception {
    Path cert = dir.resolve("agent.crt");

    runProbeWithUmask("077", "public", cert);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cert))).isEqualTo("rw-r--r--");
  }

  @Test
  void writePrivate_whenExistingFileIsWorldWritable_replacesItWithOwnerOnlyFile(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("agent.key");
    Files.writeString(key, "old");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-rw-rw-"));

    SecureFiles.writePrivate(key, "new");

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    assertThat(Files.readString(key)).isEqualTo("new");
  }

  @Test
  void writePrivate_whenFileExists_replacesByRenameLeavingNoTempFiles(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("agent.key");
    SecureFiles.writePrivate(key, "old content");

    try (InputStream heldOpen = Files.newInputStream(key)) {
      SecureFiles.writePrivate(key, "new");

      // A reader that opened the old file still sees all of it: the file was replaced by a
      // rename, not truncated and rewritten in place.
      assertThat(new String(heldOpen.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("old content");
    }
    assertThat(Files.readString(key)).isEqualTo("new");
    assertThat(listNames(dir)).containsExactly("agent.key");
  }

  @Test
  void writePrivate_whenStaleTempFileFromCrashedWriterExists_stillWrites(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("agent.key");
    Path stale = dir.resolve(".agent.key.tmp" + ProcessHandle.current().pid() + "-0");
    Files.writeString(stale, "half-written");

    SecureFiles.writePrivate(key, "secret");

    assertThat(Files.readString(key)).isEqualTo("secret");
    assertThat(Files.readString(stale)).as("someone else's file is left alone").isEqualTo("half-written");
    assertThat(listNames(dir)).containsExactlyInAnyOrder("agent.key", stale.getFileName().toString());
  }

  @Test
  void writePrivate_whenDirectoryMissing_createsIt(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("etc/homefleet/agent.key");

    SecureFiles.writePrivate(key, "secret");

    assertThat(Files.readString(key)).isEqualTo("secret");
    assertThat(listNames(key.getParent())).containsExactly("agent.key");
  }

  @Test
  void writePublic_setsModeWorldReadable(@TempDir Path dir) throws Exception {
    Path cert = dir.resolve("agent.crt");

    SecureFiles.writePublic(cert, "cert");

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cert))).isEqualTo("rw-r--r--");
  }

  private static List<String> listNames(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  /** Runs {@link SecureFilesUmaskProbe} in a child JVM started by a shell with {@code umask}. */
  private static void runProbeWithUmask(String umask, String mode, Path target) throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = codeSource(SecureFiles.class) + File.pathSeparator + codeSource(SecureFilesUmaskProbe.class);
    List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c",
        "umask " + umask + " && exec \"$0\" -cp \"$1\" " + SecureFilesUmaskProbe.class.getName() + " \"$2\" \"$3\"",
        javaBin, classpath, mode, target.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("probe output: %s", output).isZero();
  }

  private static String codeSource(Class<?> c) throws Exception {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  @Test
  void writePrivateInPlace_whenUmaskIs000_fileIs0600AndEachNewDirectory0700(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("plays/p1/bundle/templates/motd.j2");

    runProbeWithUmask("000", "in-place", file);

    assertThat(Files.readString(file)).isEqualTo("work\n");
    assertThat(mode(file)).isEqualTo("rw-------");
    for (Path d = file.getParent(); !d.equals(dir); d = d.getParent()) {
      assertThat(mode(d)).as(d.toString()).isEqualTo("rwx------");
    }
  }

  @Test
  void writePrivateInPlace_whenFileExistsWorldReadable_makesIt0600(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("f"), "old content");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));

    SecureFiles.writePrivateInPlace(file, "new".getBytes(StandardCharsets.UTF_8));

    assertThat(mode(file)).isEqualTo("rw-------");
    assertThat(Files.readString(file)).isEqualTo("new");
  }

  @Test
  void tightenTree_takesGroupAndOtherBitsOff_keepsTheOwnersAndLeavesLinkTargets(@TempDir Path dir) throws Exception {
    Path outside = Files.writeString(dir.resolve("outside"), "x");
    Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rw-r--r--"));
    Path tree = Files.createDirectories(dir.resolve("tree/sub"));
    Files.setPosixFilePermissions(tree, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path script = Files.writeString(tree.resolve("run.sh"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path already = Files.writeString(dir.resolve("tree/ok"), "y");
    Files.setPosixFilePermissions(already, PosixFilePermissions.fromString("rw-------"));
    Files.createSymbolicLink(dir.resolve("tree/link"), outside);
    Files.setPosixFilePermissions(dir.resolve("tree"), PosixFilePermissions.fromString("rwxr-x---"));

    int changed = SecureFiles.tightenTree(dir.resolve("tree"));

    assertThat(changed).as("tree, sub, run.sh").isEqualTo(3);
    assertThat(mode(dir.resolve("tree"))).isEqualTo("rwx------");
    assertThat(mode(tree)).isEqualTo("rwx------");
    assertThat(mode(script)).as("the owner keeps execute").isEqualTo("rwx------");
    assertThat(mode(already)).isEqualTo("rw-------");
    assertThat(mode(outside)).as("a link is not followed").isEqualTo("rw-r--r--");
    assertThat(SecureFiles.tightenTree(dir.resolve("tree"))).isZero();
    assertThat(SecureFiles.tightenTree(dir.resolve("missing"))).isZero();
  }

  @Test
  void tightenTree_whenTheRootIsALinkToADirectory_tightensThatDirectory(@TempDir Path dir) throws Exception {
    Path real = Files.createDirectories(dir.resolve("data/agent"));
    Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path journal = Files.writeString(real.resolve("journal"), "x");
    Files.setPosixFilePermissions(journal, PosixFilePermissions.fromString("rw-r--r--"));
    Path link = Files.createSymbolicLink(dir.resolve("state"), real);

    assertThat(SecureFiles.tightenTree(link)).isEqualTo(2);

    assertThat(mode(real)).isEqualTo("rwx------");
    assertThat(mode(journal)).isEqualTo("rw-------");
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void deleteTree_removesEverything_butNotWhatALinkPointsTo(@TempDir Path dir) throws Exception {
    Path outside = Files.writeString(dir.resolve("keep.txt"), "keep");
    Path tree = Files.createDirectories(dir.resolve("tree/a/b"));
    Files.writeString(tree.resolve("f"), "x");
    Files.createSymbolicLink(dir.resolve("tree/link"), outside);
    SecureFiles.deleteTree(dir.resolve("tree"));
    assertThat(dir.resolve("tree")).doesNotExist();
    assertThat(outside).hasContent("keep");
  }
}
