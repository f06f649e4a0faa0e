package io.homefleet.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.bouncycastle.asn1.bsi.BSIObjectIdentifiers;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsrBuilderTest {

  private static Path location(Class<?> c) throws Exception {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  private static Path pkiClasses() throws Exception {
    return location(Csr.class);
  }

  private static List<Path> bouncyCastleJars() throws Exception {
    return List.of(location(BouncyCastleProvider.class), location(PKCS10CertificationRequest.class),
        location(BSIObjectIdentifiers.class));
  }

  @Test
  void child_buildsACsrTheControllerAccepts_withBouncyCastleOnlyInAChildProcess() throws Exception {
    KeyPair keys = Keys.generateP256();
    List<Path> path = new java.util.ArrayList<>(List.of(pkiClasses()));
    path.addAll(bouncyCastleJars());

    byte[] der = new CsrBuilder.Child(path).create(keys, "web-1");

    assertThat(Csr.verifiedPublicKey(der)).isEqualTo(keys.getPublic());
    assertThat(new PKCS10CertificationRequest(der).getSubject().toString()).isEqualTo("CN=web-1");
  }

  @Test
  void child_withoutTheBouncyCastleJars_failsNamingThem_becauseItDoesNotSeeTheCallersClassPath() throws Exception {
    // Bouncy Castle is on this test's class path; the child's class path is only what it is given.
    CsrBuilder builder = new CsrBuilder.Child(List.of(pkiClasses()));

    assertThatThrownBy(() -> builder.create(Keys.generateP256(), "web-1"))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("cannot build the CSR: the CSR process over")
        .hasMessageContaining("org/bouncycastle")
        .hasMessageContaining("bcprov, bcpkix and bcutil");
  }

  @Test
  void beside_findsTheBouncyCastleJarsInThePkiJarsDirectory(@TempDir Path lib) throws Exception {
    Path pkiJar = Files.createFile(lib.resolve("homefleet-pki-0.1.0.jar"));
    for (Path jar : bouncyCastleJars()) {
      Files.copy(jar, lib.resolve(jar.getFileName()));
    }
    Files.createFile(lib.resolve("bcprov-notes.txt"));

    CsrBuilder.Child builder = CsrBuilder.Child.beside(pkiJar);

    assertThat(builder.classPath()).hasSize(4).startsWith(pkiJar);
    assertThat(builder.classPath().subList(1, 4)).extracting(p -> p.getFileName().toString())
        .satisfiesExactly(n -> assertThat(n).startsWith("bcprov-").endsWith(".jar"),
            n -> assertThat(n).startsWith("bcpkix-"), n -> assertThat(n).startsWith("bcutil-"));
  }

  @Test
  void beside_whenAJarIsMissing_namesItAndTheDirectory(@TempDir Path lib) throws Exception {
    Path pkiJar = Files.createFile(lib.resolve("homefleet-pki-0.1.0.jar"));
    Path bcprov = bouncyCastleJars().get(0);
    Files.copy(bcprov, lib.resolve(bcprov.getFileName()));

    assertThatThrownBy(() -> CsrBuilder.Child.beside(pkiJar))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("bcpkix-*.jar is missing from " + lib.toAbsolutePath())
        .hasMessageContaining("reinstall the agent");
  }

  @Test
  void forThisJvm_whenBouncyCastleIsOnTheClassPath_buildsInProcess() throws Exception {
    KeyPair keys = Keys.generateP256();

    CsrBuilder builder = CsrBuilder.forThisJvm();

    assertThat(builder).isInstanceOf(CsrBuilder.InProcess.class);
    assertThat(Csr.verifiedPublicKey(builder.create(keys, "db-1"))).isEqualTo(keys.getPublic());
  }
}
