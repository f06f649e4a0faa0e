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
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PinnedServerTrustManagerTest {
  private static final String AUTH = "ECDHE_ECDSA";
  private static TestCa ca;
  private static X509Certificate server;

  @BeforeAll
  static void createCa() throws Exception {
    ca = TestPki.newCa("homefleet-ca");
    server = TestPki.serverCert(ca, "ctl");
  }

  private static PinnedServerTrustManager pinnedTo(String fingerprint) throws PkiException {
    return new PinnedServerTrustManager(fingerprint, Clock.systemUTC());
  }

  @Test
  void checkServerTrusted_whenRightPinAndChainHasCa_acceptsAndRemembersCa() throws Exception {
    PinnedServerTrustManager tm = pinnedTo(ca.authority().fingerprint());
    assertThat(tm.trustedCa()).isEmpty();

    tm.checkServerTrusted(new X509Certificate[] {server, ca.certificate()}, AUTH);

    assertThat(tm.trustedCa()).contains(ca.certificate());
    assertThat(tm.getAcceptedIssuers()).containsExactly(ca.certificate());
  }

  @Test
  void checkServerTrusted_whenPinTypedInOtherSpelling_accepts() throws Exception {
    String typed = ca.authority().fingerprint().substring("sha256:".length()).replace(":", "").toLowerCase(Locale.ROOT);
    PinnedServerTrustManager tm = pinnedTo(typed);

    assertThatCode(() -> tm.checkServerTrusted(new X509Certificate[] {server, ca.certificate()}, AUTH))
        .doesNotThrowAnyException();
  }

  @Test
  void checkServerTrusted_whenWrongPin_rejects() throws Exception {
    String otherFingerprint = TestPki.newCa("homefleet-ca").authority().fingerprint();
    PinnedServerTrustManager tm = pinnedTo(otherFingerprint);

    assertThatThrownBy(() -> tm.checkServerTrusted(new X509Certificate[] {server, ca.certificate()}, AUTH))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("does not match the pinned fingerprint")
        .hasMessageContaining(otherFingerprint);
    assertThat(tm.trustedCa()).isEmpty();
  }

  @Test
  void checkServerTrusted_whenRightPinButChainLacksCa_rejects() throws Exception {
    PinnedServerTrustManager tm = pinnedTo(ca.authority().fingerprint());

    assertThatThrownBy(() -> tm.checkServerTrusted(new X509Certificate[] {server}, AUTH))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("does not match the pinned fingerprint");
    assertThat(tm.trustedCa()).isEmpty();
  }

  @Test
  void checkServerTrusted_whenPinnedCaInChainButLeafFromForeignCaWithSameName_rejects() throws Exception {
    // A man in the middle can copy our public CA certificate into his chain; his own server
    // certificate, signed by a look-alike CA, must still fail.
    X509Certificate impostor = TestPki.serverCert(TestPki.newCa("homefleet-ca"), "ctl");
    PinnedServerTrustManager tm = pinnedTo(ca.authority().fingerprint());

    assertThatThrownBy(() -> tm.checkServerTrusted(new X509Certificate[] {impostor, ca.certificate()}, AUTH))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("signature does not verify");
    assertThat(tm.trustedCa()).isEmpty();
  }

  @Test
  void checkServerTrusted_whenClientCertPresentedAsServer_rejects() throws Exception {
    X509Certificate agent = TestPki.agentCert(ca, "web-1");
    PinnedServerTrustManager tm = pinnedTo(ca.authority().fingerprint());

    assertThatThrownBy(() -> tm.checkServerTrusted(new X509Certificate[] {agent, ca.certificate()}, AUTH))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("serverAuth");
  }

  @Test
  void checkServerTrusted_whenOnlyCaPresented_rejects() throws Exception {
    PinnedServerTrustManager tm = pinnedTo(ca.authority().fingerprint());

    assertThatThrownBy(() -> tm.checkServerTrusted(new X509Certificate[] {ca.certificate()}, AUTH))
        .isInstanceOf(CertificateException.class);
  }

  @Test
  void checkServerTrusted_whenChainEmpty_rejects() throws Exception {
    PinnedServerTrustManager tm = pinnedTo(ca.authority().fingerprint());

    assertThatThrownBy(() -> tm.checkServerTrusted(new X509Certificate[0], AUTH))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("no certificate");
  }

  @Test
  void checkServerTrusted_whenServerCertExpiredByClock_rejects() throws Exception {
    Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(2)), ZoneOffset.UTC);
    PinnedServerTrustManager tm = new PinnedServerTrustManager(ca.authority().fingerprint(), later);

    assertThatThrownBy(() -> tm.checkServerTrusted(new X509Certificate[] {server, ca.certificate()}, AUTH))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("expired");
  }

  @Test
  void constructor_whenStoredCaMatchesPin_trustsItWithoutCaInChain() throws Exception {
    PinnedServerTrustManager tm = new PinnedServerTrustManager(ca.certificate(), ca.authority().fingerprint(),
        Clock.systemUTC());

    assertThat(tm.trustedCa()).contains(ca.certificate());
    assertThatCode(() -> tm.checkServerTrusted(new X509Certificate[] {server}, AUTH)).doesNotThrowAnyException();
  }

  @Test
  void constructor_whenStoredCaDoesNotMatchPin_throws() {
    TestCa other = TestPki.newCa("homefleet-ca");

    assertThatThrownBy(() -> new PinnedServerTrustManager(other.certificate(), ca.authority().fingerprint(),
        Clock.systemUTC()))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining(other.authority().fingerprint())
        .hasMessageContaining(ca.authority().fingerprint());
  }

  @Test
  void constructor_whenPinMalformed_throws() {
    assertThatThrownBy(() -> pinnedTo("sha256:12:34"))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("not a SHA-256 fingerprint");
  }

  @Test
  void checkClientTrusted_alwaysRejects() throws Exception {
    PinnedServerTrustManager tm = pinnedTo(ca.authority().fingerprint());

    assertThatThrownBy(() -> tm.checkClientTrusted(new X509Certificate[] {TestPki.agentCert(ca, "web-1")}, AUTH))
        .isInstanceOf(CertificateException.class);
  }
}
