package io.homefleet.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.pki.TestPki.TestCa;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CertificateRulesTest {
  private static TestCa ca;

  @BeforeAll
  static void createCa() {
    ca = TestPki.newCa("homefleet-ca");
  }

  private static X509Certificate agentIssuedAt(Instant now, Duration lifetime) throws PkiException {
    return ca.authority().issueClient(Keys.generateP256().getPublic(), Identity.agent("web-1"), now, lifetime);
  }

  // --- checkClient: the happy path ---

  @Test
  void checkClient_whenValidAgentCert_returnsItsIdentity() throws Exception {
    X509Certificate cert = TestPki.agentCert(ca, "web-1");

    assertThat(CertificateRules.checkClient(cert, ca.certificate(), Instant.now()))
        .isEqualTo(Identity.agent("web-1"));
  }

  @Test
  void checkClient_whenValidOperatorCert_returnsOperatorIdentity() throws Exception {
    X509Certificate cert = ca.authority().issueClient(Keys.generateP256().getPublic(), Identity.operator("alice"),
        Duration.ofHours(1));

    assertThat(CertificateRules.checkClient(cert, ca.certificate(), Instant.now()))
        .isEqualTo(Identity.operator("alice"));
  }

  @Test
  void checkClient_whenHandBuiltCertMirrorsIssuedOne_accepts() throws Exception {
    // Guards the negative tests below: the hand-built leaf is valid until one field is changed,
    // so each rejection is caused by the field that test changes.
    X509Certificate cert = ca.leaf("web-1").build();

    assertThat(CertificateRules.checkClient(cert, ca.certificate(), Instant.now()))
        .isEqualTo(Identity.agent("web-1"));
  }

  // --- checkClient: validity period ---

  @Test
  void checkClient_whenExpired_rejects() throws Exception {
    Instant now = Instant.now();
    X509Certificate cert = agentIssuedAt(now.minus(Duration.ofDays(2)), Duration.ofDays(1));

    assertThatThrownBy(() -> CertificateRules.checkClient(cert, ca.certificate(), now))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("expired");
  }

  @Test
  void checkClient_whenExpiredJustBeyondSkew_rejects() throws Exception {
    Instant now = Instant.now();
    // notAfter = now - 6 minutes: one minute past the tolerated skew.
    X509Certificate cert = agentIssuedAt(now.minus(Duration.ofMinutes(66)), Duration.ofMinutes(60));

    assertThatThrownBy(() -> CertificateRules.checkClient(cert, ca.certificate(), now))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("expired");
  }

  @Test
  void checkClient_whenNotBeforeOneHourInFuture_rejects() throws Exception {
    Instant now = Instant.now();
    // issueClient backdates notBefore by BACKDATE, so this gives notBefore = now + 1h.
    X509Certificate cert = agentIssuedAt(now.plus(Duration.ofHours(1)).plus(Certificates.BACKDATE),
        Duration.ofHours(24));
    assertThat(cert.getNotBefore().toInstant()).isAfter(now.plus(Duration.ofMinutes(59)));

    assertThatThrownBy(() -> CertificateRules.checkClient(cert, ca.certificate(), now))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("not valid yet");
  }

  @Test
  void checkClient_whenNotBeforeTwoMinutesInFuture_acceptsAsClockSkew() throws Exception {
    Instant now = Instant.now();
    // The controller's clock runs 7 minutes ahead: notBefore = now + 7min - BACKDATE = now + 2min.
    X509Certificate cert = agentIssuedAt(now.plus(Duration.ofMinutes(7)), Duration.ofHours(24));
    assertThat(cert.getNotBefore().toInstant()).isAfter(now.plus(Duration.ofMinutes(1)));

    assertThat(CertificateRules.checkClient(cert, ca.certificate(), now)).isEqualTo(Identity.agent("web-1"));
  }

  // --- checkClient: issuer ---

  @Test
  void checkClient_whenIssuedByForeignCaWithSameName_rejectsOnSignature() throws Exception {
    TestCa foreign = TestPki.newCa("homefleet-ca");
    assertThat(foreign.certificate().getSubjectX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
    X509Certificate cert = TestPki.agentCert(foreign, "web-1");

    assertThatThrownBy(() -> CertificateRules.checkClient(cert, ca.certificate(), Instant.now()))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("signature does not verify");
  }

  @Test
  void checkClient_whenIssuedByForeignCaWithOtherName_rejects() throws Exception {
    TestCa foreign = TestPki.newCa("someone-else");
    X509Certificate cert = TestPki.agentCert(foreign, "web-1");

    assertThatThrownBy(() -> CertificateRules.checkClient(cert, ca.certificate(), Instant.now()))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("not issued by this homefleet CA");
  }

  @Test
  void checkClient_whenCaCertificateItselfPresented_rejects() {
    assertThatThrownBy(() -> CertificateRules.checkClient(ca.certificate(), ca.certificate(), Instant.now()))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("CA certificate");
  }

  // --- checkClient: certificate shape ---

  @Test
  void checkClient_whenCaTrue_rejects() throws Exception {
    X509Certificate cert = ca.leaf("web-1").basicConstraints(new BasicConstraints(true)).build();

    assertThatThrownBy(() -> CertificateRules.checkClient(cert, ca.certificate(), Instant.now()))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("CA certificate cannot be used as a peer certificate");
  }

  @Test
  void checkClient_whenNoExtendedKeyUsage_rejects() throws Exception {
    X509Certificate cert = ca.leaf("web-1").ekus().build();

    assertThatThrownBy(() -> CertificateRules.checkClient(cert, ca.certificate(), Instant.now()))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("clientAuth");
  }

  @Test
  void checkClient_whenOnlyServerAuthUsage_rejects() throws Exception {
    X509Certificate cert = ca.leaf("web-1").ekus(KeyPurposeId.id_kp_serverAuth).build();

    assertThatThrownBy(() -> CertificateRules.checkClient(cert, ca.certificate(), Instant.now()))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("clientAuth");
  }

  @Test
  void checkClient_whenNoSubjectAlternativeName_rejects() throws Exception {
    X509Certificate cert = ca.leaf("web-1").sans().build();

    assertThatThrownBy(() -> CertificateRules.checkClient(cert, ca.certificate(), Instant.now()))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("no homefleet identity SAN");
  }

  @Test
  void checkClient_whenOnlyForeignSans_rejects() throws Exception {
    X509Certificate cert = ca.leaf("web-1").sans(
        new GeneralName(GeneralName.dNSName, "web-1"),
        new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://example.org/web-1"),
        new GeneralName(GeneralName.uniformResourceIdentifier, "agent://Not_Valid")).build();

    assertThatThrownBy(() -> CertificateRules.checkClient(cert, ca.certificate(), Instant.now()))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("no homefleet identity SAN");
  }

  @Test
  void checkClient_whenTwoIdentitySans_rejects() throws Exception {
    X509Certificate cert = ca.leaf("web-1").sans(
        new GeneralName(GeneralName.uniformResourceIdentifier, "agent://web-1"),
        new GeneralName(GeneralName.uniformResourceIdentifier, "operator://alice")).build();

    assertThatThrownBy(() -> CertificateRules.checkClient(cert, ca.certificate(), Instant.now()))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("more than one homefleet identity");
  }

  @Test
  void checkClient_whenControllerServerCert_rejects() throws Exception {
    X509Certificate cert = TestPki.serverCert(ca, "ctl");

    assertThatThrownBy(() -> CertificateRules.checkClient(cert, ca.certificate(), Instant.now()))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("clientAuth");
  }

  @Test
  void checkClient_whenControllerIdentityWithClientAuth_rejects() throws Exception {
    // Even a clientAuth certificate is refused when it speaks for the controller.
    X509Certificate cert = ca.leaf("web-1").ekus(KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth)
        .sans(new GeneralName(GeneralName.uniformResourceIdentifier, "controller://ctl")).build();

    assertThatThrownBy(() -> CertificateRules.checkClient(cert, ca.certificate(), Instant.now()))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("controller certificate cannot be used as a client certificate");
  }

  // --- checkServer ---

  @Test
  void checkServer_whenValidServerCert_returnsControllerIdentity() throws Exception {
    X509Certificate cert = TestPki.serverCert(ca, "ctl");

    assertThat(CertificateRules.checkServer(cert, ca.certificate(), Instant.now()))
        .isEqualTo(new Identity(Identity.Kind.CONTROLLER, "ctl"));
  }

  @Test
  void checkServer_whenClientCertPresented_rejects() throws Exception {
    X509Certificate cert = TestPki.agentCert(ca, "web-1");

    assertThatThrownBy(() -> CertificateRules.checkServer(cert, ca.certificate(), Instant.now()))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("serverAuth");
  }

  @Test
  void checkServer_whenServerAuthButAgentIdentity_rejects() throws Exception {
    X509Certificate cert = ca.leaf("web-1").ekus(KeyPurposeId.id_kp_serverAuth).build();

    assertThatThrownBy(() -> CertificateRules.checkServer(cert, ca.certificate(), Instant.now()))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("controller:// identity");
  }

  @Test
  void checkServer_whenIssuedByForeignCaWithSameName_rejects() throws Exception {
    X509Certificate cert = TestPki.serverCert(TestPki.newCa("homefleet-ca"), "ctl");

    assertThatThrownBy(() -> CertificateRules.checkServer(cert, ca.certificate(), Instant.now()))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("signature does not verify");
  }

  @Test
  void sameName_whenEncodingsDifferButNamesAreCanonicallyEqual_stillMatches() {
    X500Principal issued = new X500Principal("CN=Lab,O=homefleet");
    X500Principal sameBytes = new X500Principal(issued.getEncoded());
    X500Principal otherCase = new X500Principal("cn=lab, o=HOMEFLEET");

    assertThat(CertificateRules.sameName(issued, sameBytes)).isTrue();
    assertThat(otherCase.getEncoded()).isNotEqualTo(issued.getEncoded());
    assertThat(CertificateRules.sameName(issued, otherCase)).isTrue();
    assertThat(CertificateRules.sameName(issued, new X500Principal("CN=Lab2,O=homefleet")))
        .isFalse();
  }
}
