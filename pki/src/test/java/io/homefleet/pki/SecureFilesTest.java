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
