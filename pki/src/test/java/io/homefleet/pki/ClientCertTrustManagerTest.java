package io.homefleet.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.pki.TestPki.TestCa;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClientCertTrustManagerTest {
  private static TestCa ca;

  @BeforeAll
  static void createCa() {
    ca = TestPki.newCa("homefleet-ca");
  }

  private static ClientCertTrustManager trustManager(Set<String> revokedSerials) {
    return new ClientCertTrustManager(ca.certificate(), Clock.systemUTC(),
        cert -> revokedSerials.contains(Certificates.serialHex(cert)));
  }

  @Test
  void checkClientTrusted_whenValidAgentCert_accepts() throws Exception {
    X509Certificate cert = TestPki.agentCert(ca, "web-1");

    assertThatCode(() -> trustManager(Set.of()).checkClientTrusted(new X509Certificate[] {cert}, "ECDHE_ECDSA"))
        .doesNotThrowAnyException();
  }

  @Test
  void checkClientTrusted_whenChainEmpty_rejects() {
    assertThatThrownBy(() -> trustManager(Set.of()).checkClientTrusted(new X509Certificate[0], "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("no client certificate");
  }

  @Test
  void checkClientTrusted_whenChainNull_rejects() {
    assertThatThrownBy(() -> trustManager(Set.of()).checkClientTrusted(null, "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("no client certificate");
  }

  @Test
  void checkClientTrusted_whenRevoked_rejectsNamingTheSerial() throws Exception {
    X509Certificate cert = TestPki.agentCert(ca, "web-1");
    String serial = Certificates.serialHex(cert);

    assertThatThrownBy(() -> trustManager(Set.of(serial)).checkClientTrusted(new X509Certificate[] {cert}, "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining(serial)
        .hasMessageContaining("revoked");
  }

  @Test
  void checkClientTrusted_whenAnotherSerialRevoked_accepts() throws Exception {
    X509Certificate revoked = TestPki.agentCert(ca, "web-1");
    X509Certificate cert = TestPki.agentCert(ca, "web-1");
    ClientCertTrustManager tm = trustManager(Set.of(Certificates.serialHex(revoked)));

    assertThatCode(() -> tm.checkClientTrusted(new X509Certificate[] {cert}, "ECDHE_ECDSA")).doesNotThrowAnyException();
  }

  @Test
  void checkClientTrusted_whenForeignCa_rejects() throws Exception {
    X509Certificate cert = TestPki.agentCert(TestPki.newCa("homefleet-ca"), "web-1");

    assertThatThrownBy(() -> trustManager(Set.of()).checkClientTrusted(new X509Certificate[] {cert}, "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("signature does not verify");
  }

  @Test
  void checkClientTrusted_whenClockPastExpiry_rejects() throws Exception {
    X509Certificate cert = TestPki.agentCert(ca, "web-1");
    Clock twoDaysLater = Clock.fixed(Instant.now().plus(Duration.ofDays(2)), ZoneOffset.UTC);
    ClientCertTrustManager tm = new ClientCertTrustManager(ca.certificate(), twoDaysLater, c -> false);

    assertThatThrownBy(() -> tm.checkClientTrusted(new X509Certificate[] {cert}, "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("expired");
  }

  @Test
  void checkClientTrusted_whenServerCertPresented_rejects() throws Exception {
    X509Certificate cert = TestPki.serverCert(ca, "ctl");

    assertThatThrownBy(() -> trustManager(Set.of()).checkClientTrusted(new X509Certificate[] {cert}, "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class);
  }

  @Test
  void checkServerTrusted_alwaysRejects() throws Exception {
    X509Certificate cert = TestPki.serverCert(ca, "ctl");

    assertThatThrownBy(() -> trustManager(Set.of()).checkServerTrusted(new X509Certificate[] {cert, ca.certificate()},
        "ECDHE_ECDSA")).isInstanceOf(CertificateException.class);
  }

  @Test
  void getAcceptedIssuers_isOurCa() {
    assertThat(trustManager(Set.of()).getAcceptedIssuers()).containsExactly(ca.certificate());
  }
}
