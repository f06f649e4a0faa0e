package io.homefleet.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.pki.TestPki.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
  private static TestCa ca;

  @BeforeAll
  static void createCa() {
    ca = TestPki.newCa("homefleet-ca");
  }

  @Test
  void issueClient_whenCsrRequestsExtensions_issuesOnlyWhatTheControllerChose() throws Exception {
    KeyPair kp = Keys.generateP256();
    ExtensionsGenerator requested = new ExtensionsGenerator();
    requested.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    requested.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    requested.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
        KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_codeSigning}));
    requested.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.uniformResourceIdentifier, "agent://db-1"),
        new GeneralName(GeneralName.uniformResourceIdentifier, "controller://ctl"),
        new GeneralName(GeneralName.dNSName, "db-1.example")}));
    byte[] der = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=db-1,O=homefleet"), kp.getPublic())
        .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, requested.generate())
        .build(new JcaContentSignerBuilder(Keys.SIGNATURE_ALGORITHM).build(kp.getPrivate()))
        .getEncoded();
    // The request really carries the extensions, so the assertions below are about the CA ignoring them.
    assertThat(new PKCS10CertificationRequest(der).getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest))
        .hasSize(1);

    PublicKey key = Csr.verifiedPublicKey(der);
    X509Certificate cert = ca.authority().issueClient(key, Identity.agent("web-1"), Duration.ofHours(24));

    assertThat(cert.getPublicKey().getEncoded()).isEqualTo(kp.getPublic().getEncoded());
    assertThat(cert.getBasicConstraints()).as("CA:false").isEqualTo(-1);
    assertThat(cert.getExtendedKeyUsage()).containsExactly(CertificateRules.EKU_CLIENT_AUTH);
    assertThat(cert.getKeyUsage()[5]).as("keyCertSign").isFalse();
    assertThat(cert.getSubjectAlternativeNames())
        .containsExactly(List.of(GeneralName.uniformResourceIdentifier, "agent://web-1"));
    assertThat(cert.getSubjectX500Principal().getName()).contains("CN=web-1").doesNotContain("db-1");
    assertThat(CertificateRules.checkClient(cert, ca.certificate(), Instant.now())).isEqualTo(Identity.agent("web-1"));
  }

  @Test
  void issueClient_backdatesNotBeforeAndSetsLifetime() throws Exception {
    Instant now = Instant.parse("2030-01-01T00:00:00Z");

    X509Certificate cert = ca.authority().issueClient(Keys.generateP256().getPublic(), Identity.agent("web-1"), now,
        Duration.ofHours(24));

    assertThat(cert.getNotBefore().toInstant()).isEqualTo(now.minus(Certificates.BACKDATE));
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofHours(24)));
  }

  @Test
  void issueClient_whenControllerIdentity_throws() {
    assertThatThrownBy(() -> ca.authority().issueClient(Keys.generateP256().getPublic(),
        new Identity(Identity.Kind.CONTROLLER, "ctl"), Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void issueClient_whenRsaKey_rejects() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    PublicKey rsa = gen.generateKeyPair().getPublic();

    assertThatThrownBy(() -> ca.authority().issueClient(rsa, Identity.agent("web-1"), Duration.ofHours(1)))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("P-256");
  }

  @Test
  void issueClient_givesEachCertificateADistinctPositiveSerial() throws Exception {
    X509Certificate a = TestPki.agentCert(ca, "web-1");
    X509Certificate b = TestPki.agentCert(ca, "web-1");

    assertThat(a.getSerialNumber()).isPositive().isNotEqualTo(b.getSerialNumber());
    assertThat(Certificates.serialHex(a)).matches("[0-9a-f]{32}");
  }

  @Test
  void issueServer_putsIdentityDnsAndIpSansWithTheirTypes() throws Exception {
    X509Certificate cert = ca.authority().issueServer(Keys.generateP256().getPublic(), "ctl",
        List.of("ctl.example", "192.0.2.7", "::1"), Duration.ofHours(1));

    Collection<List<?>> sans = cert.getSubjectAlternativeNames();
    assertThat(sans).contains(
        List.of(GeneralName.uniformResourceIdentifier, "controller://ctl"),
        List.of(GeneralName.dNSName, "ctl.example"),
        List.of(GeneralName.iPAddress, "192.0.2.7"));
    assertThat(sans).anySatisfy(san -> {
      assertThat(san.get(0)).isEqualTo(GeneralName.iPAddress);
      assertThat((String) san.get(1)).startsWith("0:0:0:0:0:0:0:1");
    });
    assertThat(cert.getExtendedKeyUsage()).containsExactly(CertificateRules.EKU_SERVER_AUTH);
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
  }

  @Test
  void create_makesACaThatIssuesCheckableCertificates() throws Exception {
    CertificateAuthority created = CertificateAuthority.create("homefleet-ca", Duration.ofDays(3650));
    X509Certificate leaf = created.issueClient(Keys.generateP256().getPublic(), Identity.agent("web-1"),
        Duration.ofHours(1));

    assertThat(created.certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(CertificateRules.checkClient(leaf, created.certificate(), Instant.now()))
        .isEqualTo(Identity.agent("web-1"));
  }

  @Test
  void saveAndLoad_roundTripsWithPrivateKeyFile(@TempDir Path dir) throws Exception {
    CertificateAuthority original = CertificateAuthority.create("homefleet-ca", Duration.ofDays(1));

    original.save(dir);
    CertificateAuthority loaded = CertificateAuthority.load(dir);

    assertThat(loaded.certificate()).isEqualTo(original.certificate());
    assertThat(loaded.fingerprint()).isEqualTo(original.fingerprint());
    assertThat(Files.getPosixFilePermissions(dir.resolve(CertificateAuthority.CA_KEY)))
        .isEqualTo(SecureFiles.OWNER_ONLY);
    // The loaded key is the CA's key: what it issues verifies against the original certificate.
    X509Certificate leaf = loaded.issueClient(Keys.generateP256().getPublic(), Identity.agent("web-1"),
        Duration.ofHours(1));
    assertThat(CertificateRules.checkClient(leaf, original.certificate(), Instant.now()))
        .isEqualTo(Identity.agent("web-1"));
  }
}
