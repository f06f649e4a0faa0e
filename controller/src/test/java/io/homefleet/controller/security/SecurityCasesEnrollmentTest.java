package io.homefleet.controller.security;

import static io.homefleet.controller.testing.ControllerHarness.statusOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.Status.Code;
import io.homefleet.controller.testing.ControllerHarness;
import io.homefleet.controller.testing.ControllerHarness.EnrolledAgent;
import io.homefleet.controller.testing.Forgery;
import io.homefleet.controller.testing.LogCapture;
import io.homefleet.pki.Certificates;
import io.homefleet.pki.Csr;
import io.homefleet.pki.Keys;
import io.homefleet.pki.Pem;
import io.homefleet.proto.v1.CreateTokenResponse;
import io.homefleet.proto.v1.EnrollResponse;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Security cases 8, 9, 10, 11 and 14 of SECURITY-AND-FAULTS.md: what an enrollment token and a
 * CSR can and cannot buy. Enroll is the one RPC reachable without a certificate, so every call
 * here goes over a TLS channel that presents none.
 */
@Timeout(60)
class SecurityCasesEnrollmentTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @RegisterExtension
  final ControllerHarness controller = new ControllerHarness();

  @Test
  void case08_tokenReplay_sameKeyGetsSameCertificate_otherKeyDenied() throws Exception {
    String token = controller.mintToken("web1");
    KeyPair keyA = Keys.generateP256();

    EnrolledAgent first = controller.enrollAgent("web1", token, keyA);
    // A lost response: the agent retries with the same token and key (a new CSR, same public key).
    EnrolledAgent retry = controller.enrollAgent("web1", token, keyA);
    assertThat(retry.serial()).isEqualTo(first.serial());
    assertThat(retry.certificate()).isEqualTo(first.certificate());

    KeyPair keyB = Keys.generateP256();
    Status replay = statusOf(() -> controller.enrollAgent("web1", token, keyB));
    assertThat(replay.getCode()).isEqualTo(Code.PERMISSION_DENIED);
    assertThat(replay.getDescription()).contains("already been used");

    // The refused replay did not rebind the token.
    assertThat(controller.enrollAgent("web1", token, keyA).serial()).isEqualTo(first.serial());
    // And the stolen token did not get key B a certificate by another route: key A's certificate is the host's.
    assertThat(controller.openSession(first.credentials()).helloAndAwaitWelcome().getHostName()).isEqualTo("web1");
  }

  @Test
  void case09_expiredUnknownOrOtherHostToken_denied_burstOfBadTokensRateLimited() throws Exception {
    // Expired: a one-second token, used after its expiry.
    CreateTokenResponse shortLived = controller.createToken("web1", 1);
    long wait = shortLived.getExpiresUnixMillis() + 300 - System.currentTimeMillis();
    Thread.sleep(Math.max(0, wait));
    Status expired = statusOf(() -> controller.enrollAgent("web1", shortLived.getToken(), Keys.generateP256()));
    assertThat(expired.getCode()).isEqualTo(Code.PERMISSION_DENIED);
    assertThat(expired.getDescription()).contains("expired");

    Status unknown = statusOf(() -> controller.enrollAgent("web1", randomWellFormedToken(), Keys.generateP256()));
    assertThat(unknown.getCode()).isEqualTo(Code.PERMISSION_DENIED);
    assertThat(unknown.getDescription()).contains("unknown enrollment token");

    String forX = controller.mintToken("host-x");
    Status otherHost = statusOf(() -> controller.enrollAgent("host-y", forX, Keys.generateP256()));
    assertThat(otherHost.getCode()).isEqualTo(Code.PERMISSION_DENIED);
    assertThat(otherHost.getDescription()).contains("bound to another host");

    Status malformed = statusOf(() -> controller.enrollAgent("web1", "hf1.not-a-token", Keys.generateP256()));
    assertThat(malformed.getCode()).isEqualTo(Code.INVALID_ARGUMENT);
    assertThat(malformed.getDescription()).contains("malformed enrollment token");

    // Four failures so far from 127.0.0.1; the limit is 10 per minute per source address.
    byte[] csr = Csr.create(Keys.generateP256(), "web1");
    List<Code> burst = new ArrayList<>();
    String limitedMessage;
    try (LogCapture log = new LogCapture()) {
      for (int i = 0; i < 12; i++) {
        burst.add(statusOf(() -> controller.enroll(randomWellFormedToken(), "web1", csr)).getCode());
      }
      limitedMessage = log.text();
    }
    assertThat(burst.subList(0, 6)).as("failures 5 to 10").containsOnly(Code.PERMISSION_DENIED);
    assertThat(burst.subList(6, 12)).as("attempts past the limit").containsOnly(Code.RESOURCE_EXHAUSTED);
    assertThat(limitedMessage).contains("enrollment from /127.0.0.1 refused: too many failed attempts");

    // While limited, even a good token is refused (and so not consumed by the attempt).
    String good = controller.mintToken("web2");
    Status limited = statusOf(() -> controller.enrollAgent("web2", good, Keys.generateP256()));
    assertThat(limited.getCode()).isEqualTo(Code.RESOURCE_EXHAUSTED);
    assertThat(limited.getDescription()).contains("too many failed enrollment attempts");
    // The other hosts' tokens were never consumed: the refused attempts created no hosts.
    assertThat(controller.operator().listHosts(io.homefleet.proto.v1.ListHostsRequest.getDefaultInstance())
        .getHostsList()).isEmpty();
  }

  @Test
  void case10_csrAskingForOtherIdentityCaOrExtraUsages_certificateCarriesOnlyWhatControllerChose() throws Exception {
    KeyPair keys = Keys.generateP256();
    Extensions requested = new Extensions(new Extension[] {
        new Extension(Extension.basicConstraints, true, new BasicConstraints(true).getEncoded()),
        new Extension(Extension.keyUsage, true,
            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature).getEncoded()),
        new Extension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
            KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_codeSigning, KeyPurposeId.id_kp_clientAuth}).getEncoded()),
        new Extension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.uniformResourceIdentifier, "agent://other-host"),
            new GeneralName(GeneralName.uniformResourceIdentifier, "operator://admin"),
            new GeneralName(GeneralName.dNSName, "other-host")}).getEncoded())});
    byte[] csr = Forgery.csrRequesting(keys, "other-host", requested);
    // The request really carries what the test claims it asks for.
    assertThat(new PKCS10CertificationRequest(csr).getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest))
        .hasSize(1);

    EnrollResponse r = controller.enroll(controller.mintToken("web1"), "web1", csr);
    X509Certificate cert = Pem.certificateFromDer(r.getCertificateDer().toByteArray());

    assertThat(r.getHostName()).isEqualTo("web1");
    assertThat(cert.getPublicKey()).isEqualTo(keys.getPublic());
    assertThat(cert.getSubjectAlternativeNames()).containsExactly(List.of(6, "agent://web1"));
    assertThat(cert.getBasicConstraints()).as("CA:false").isEqualTo(-1);
    assertThat(cert.getExtendedKeyUsage()).containsExactly(Forgery.oid(KeyPurposeId.id_kp_clientAuth));
    boolean[] usage = cert.getKeyUsage();
    assertThat(usage[0]).as("digitalSignature").isTrue();
    assertThat(usage[5]).as("keyCertSign").isFalse();
    assertThat(usage[6]).as("cRLSign").isFalse();
    assertThat(cert.getSubjectX500Principal().getName()).contains("CN=web1").doesNotContain("other-host");
    cert.verify(controller.ca().certificate().getPublicKey());
    assertThat(Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()))
        .as("the controller's lifetime (24 h) plus the 5-minute backdate")
        .isEqualTo(Duration.ofHours(24).plus(Certificates.BACKDATE));

    // On the wire the certificate is web1's and nothing else.
    var agent = new io.homefleet.pki.KeyMaterial(keys.getPrivate(), List.of(cert, controller.ca().certificate()));
    assertThat(controller.openSession(agent).helloAndAwaitWelcome().getHostName()).isEqualTo("web1");
    assertThat(controller.server().sessions().online()).containsExactly("web1");
  }

  @Test
  void case11_csrWhoseSignatureDoesNotMatchItsKey_invalidArgument() throws Exception {
    String token = controller.mintToken("web1");
    KeyPair claimed = Keys.generateP256();
    KeyPair signer = Keys.generateP256();

    Status s = statusOf(() -> controller.enroll(token, "web1",
        Forgery.csrWithForeignSignature(claimed.getPublic(), signer.getPrivate(), "web1")));
    assertThat(s.getCode()).isEqualTo(Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).contains("signature does not match its public key");

    Status garbage = statusOf(() -> controller.enroll(token, "web1", new byte[] {0x30, 0x03, 0x02, 0x01, 0x00}));
    assertThat(garbage.getCode()).isEqualTo(Code.INVALID_ARGUMENT);
    assertThat(garbage.getDescription()).contains("not a valid PKCS#10");

    // The refused CSRs did not consume the token.
    assertThat(controller.enrollAgent("web1", token, claimed).certificate().getPublicKey())
        .isEqualTo(claimed.getPublic());
  }

  @Test
  void case14_weakOrUnsupportedKeysInCsr_invalidArgument() throws Exception {
    String token = controller.mintToken("web1");
    Map<String, byte[]> csrs = Map.of(
        "RSA-1024", Forgery.csr(Forgery.rsa(1024), "web1", "SHA256withRSA"),
        "RSA-2048", Forgery.csr(Forgery.rsa(2048), "web1", "SHA256withRSA"),
        "EC P-384", Forgery.csr(Forgery.ec("secp384r1"), "web1", "SHA384withECDSA"),
        "Ed25519", Forgery.csr(Forgery.ed25519(), "web1", "Ed25519"));

    for (var c : csrs.entrySet()) {
      Status s = statusOf(() -> controller.enroll(token, "web1", c.getValue()));
      assertThat(s.getCode()).as("a CSR with %s", c.getKey()).isEqualTo(Code.INVALID_ARGUMENT);
      assertThat(s.getDescription()).as("a CSR with %s", c.getKey()).contains("P-256");
    }
    assertThat(statusOf(() -> controller.enroll(token, "web1", csrs.get("RSA-1024"))).getDescription())
        .contains("1024 bits");

    // None of them consumed the token.
    assertThat(controller.enrollAgent("web1", token, Keys.generateP256()).host()).isEqualTo("web1");
  }

  private static String randomWellFormedToken() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return "hf1." + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  @Test
  void reEnrollment_revokesEarlierIdentities_andClosesTheirLiveSession() throws Exception {
    EnrolledAgent first = controller.enrollAgent("web1");
    var session = controller.openSession(first.credentials());
    session.helloAndAwaitWelcome();

    // The VM is rebuilt (or cloned) and enrolled again with a new token and a new key.
    EnrolledAgent second = controller.enrollAgent("web1");
    assertThat(second.serial()).isNotEqualTo(first.serial());

    Status ended = session.awaitEnd(Duration.ofSeconds(5));
    assertThat(ended.getCode()).isEqualTo(Code.PERMISSION_DENIED);
    assertThat(ended.getDescription()).contains("enrolled again");
    ControllerHarness.assertCertificateRefused(statusOf(() -> ControllerHarness.agentSession(
        controller.channel(first.credentials())).renew(io.homefleet.proto.v1.RenewRequest.getDefaultInstance())),
        "the superseded certificate");
    assertThat(controller.openSession(second.credentials()).helloAndAwaitWelcome().getHostName()).isEqualTo("web1");
  }
}
