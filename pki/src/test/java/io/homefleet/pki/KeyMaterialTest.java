package io.homefleet.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.pki.TestPki.TestCa;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyMaterialTest {
  private static TestCa ca;

  @BeforeAll
  static void createCa() {
    ca = TestPki.newCa("homefleet-ca");
  }

  private static KeyMaterial agentMaterial() throws PkiException {
    KeyPair kp = Keys.generateP256();
    X509Certificate leaf = ca.authority().issueClient(kp.getPublic(), Identity.agent("web-1"), Duration.ofHours(24));
    return new KeyMaterial(kp.getPrivate(), List.of(leaf, ca.certificate()));
  }

  @Test
  void saveAndLoad_roundTripsKeyAndChain(@TempDir Path dir) throws Exception {
    KeyMaterial original = agentMaterial();

    original.save(dir, "agent");
    KeyMaterial loaded = KeyMaterial.load(dir, "agent");

    assertThat(loaded.key().getEncoded()).isEqualTo(original.key().getEncoded());
    assertThat(loaded.chain()).containsExactlyElementsOf(original.chain());
    assertThat(loaded.leaf()).isEqualTo(original.leaf());
  }

  @Test
  void save_writesKeyOwnerOnlyAndCertWorldReadable(@TempDir Path dir) throws Exception {
    agentMaterial().save(dir, "agent");

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("agent.key"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("agent.crt"))))
        .isEqualTo("rw-r--r--");
  }

  @Test
  void save_writesLeafThenCaInCertFile(@TempDir Path dir) throws Exception {
    KeyMaterial material = agentMaterial();

    material.save(dir, "agent");

    String pem = Files.readString(dir.resolve("agent.crt"));
    assertThat(pem).isEqualTo(Pem.certificate(material.leaf()) + Pem.certificate(ca.certificate()));
    assertThat(Pem.parseCertificates(pem)).containsExactly(material.leaf(), ca.certificate());
  }

  @Test
  void save_whenMaterialAlreadySaved_replacesItLeavingOnlyTheTwoFiles(@TempDir Path dir) throws Exception {
    agentMaterial().save(dir, "agent");
    KeyMaterial renewed = agentMaterial();

    renewed.save(dir, "agent");

    assertThat(KeyMaterial.load(dir, "agent").leaf()).isEqualTo(renewed.leaf());
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("agent.key", "agent.crt");
    }
  }

  @Test
  void exists_isTrueOnlyWhenBothFilesExist(@TempDir Path dir) throws Exception {
    assertThat(KeyMaterial.exists(dir, "agent")).isFalse();
    agentMaterial().save(dir, "agent");
    assertThat(KeyMaterial.exists(dir, "agent")).isTrue();

    Files.delete(dir.resolve("agent.crt"));

    assertThat(KeyMaterial.exists(dir, "agent")).isFalse();
  }

  @Test
  void load_whenKeyFileCorrupt_namesTheFile(@TempDir Path dir) throws Exception {
    agentMaterial().save(dir, "agent");
    Files.writeString(dir.resolve("agent.key"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

    assertThatThrownBy(() -> KeyMaterial.load(dir, "agent"))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining(dir.resolve("agent.key").toString());
  }

  @Test
  void load_whenCertFileHasNoCertificate_namesTheFile(@TempDir Path dir) throws Exception {
    agentMaterial().save(dir, "agent");
    Files.writeString(dir.resolve("agent.crt"), "nothing here\n");

    assertThatThrownBy(() -> KeyMaterial.load(dir, "agent"))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining(dir.resolve("agent.crt").toString())
        .hasMessageContaining("no PEM CERTIFICATE block");
  }

  @Test
  void load_whenFilesMissing_throwsNoSuchFile(@TempDir Path dir) {
    assertThatThrownBy(() -> KeyMaterial.load(dir, "agent")).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void constructor_whenChainEmpty_throws() {
    assertThatThrownBy(() -> new KeyMaterial(Keys.generateP256().getPrivate(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
