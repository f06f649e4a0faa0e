package io.homefleet.controller.security;

import static io.homefleet.controller.testing.ControllerHarness.agentSession;
import static io.homefleet.controller.testing.ControllerHarness.assertCertificateRefused;
import static io.homefleet.controller.testing.ControllerHarness.operator;
import static io.homefleet.controller.testing.ControllerHarness.statusOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.Status.Code;
import io.homefleet.controller.testing.ControllerHarness;
import io.homefleet.controller.testing.ControllerHarness.EnrolledAgent;
import io.homefleet.controller.testing.Forgery;
import io.homefleet.controller.testing.Forgery.CertSpec;
import io.homefleet.controller.testing.SessionStream;
import io.homefleet.pki.CertificateAuthority;
import io.homefleet.pki.Certificates;
import io.homefleet.pki.Csr;
import io.homefleet.pki.Identity;
import io.homefleet.pki.KeyMaterial;
import io.homefleet.pki.Keys;
import io.homefleet.proto.v1.ControllerMessage;
import io.homefleet.proto.v1.HostSummary;
import io.homefleet.proto.v1.ListHostsRequest;
import io.homefleet.proto.v1.Presence;
import io.homefleet.proto.v1.RenewRequest;
import io.homefleet.proto.v1.RevokeRequest;
import io.homefleet.proto.v1.RevokeResponse;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Security cases 1, 2, 4, 5, 6 and 7 of SECURITY-AND-FAULTS.md: who may talk to the controller
 * at all, and when a certificate stops being enough. Real controller, real mutual TLS on
 * loopback, real SQLite; the tests play agent and operator with the generated stubs.
 *
 * <p>Where a rejection may happen either in the TLS handshake (the client sees UNAVAILABLE) or
 * in the per-call check (UNAUTHENTICATED), both are accepted; what matters is that no call
 * gets through.
 */
@Timeout(60)
class SecurityCasesAuthenticationTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension
  final ControllerHarness controller = new ControllerHarness();

  @Test
  void case01_noClientCertificate_onlyEnrollAllowed() throws Exception {
    ManagedChannel anonymous = controller.anonymousChannel();

    // Enrollment is the one service open without a certificate (the harness enrolls over the anonymous channel).
    EnrolledAgent web1 = controller.enrollAgent("web1");
    assertThat(web1.certificate().getSubjectX500Principal().getName()).contains("CN=web1");

    Status list = statusOf(() -> operator(anonymous).listHosts(ListHostsRequest.getDefaultInstance()));
    assertThat(list.getCode()).isEqualTo(Code.UNAUTHENTICATED);
    assertThat(list.getDescription()).contains("client certificate is required");

    // A handler with a side effect shows that nothing behind the interceptor ran.
    Status revoke = statusOf(() -> operator(anonymous).revoke(RevokeRequest.newBuilder().setHostName("web1").build()));
    assertThat(revoke.getCode()).isEqualTo(Code.UNAUTHENTICATED);

    Status renew = statusOf(() -> agentSession(anonymous).renew(RenewRequest.newBuilder()
        .setCsrDer(ByteString.copyFrom(Csr.create(Keys.generateP256(), "web1"))).build()));
    assertThat(renew.getCode()).isEqualTo(Code.UNAUTHENTICATED);

    SessionStream session = controller.openSession(anonymous);
    session.hello();
    Status connect = session.awaitEnd(WAIT);
    assertThat(connect.getCode()).isEqualTo(Code.UNAUTHENTICATED);
    assertThat(connect.getDescription()).contains("client certificate is required");
    assertThat(session.received()).as("messages sent to a caller without a certificate").isEmpty();

    assertThat(controller.server().sessions().isOnline("web1")).isFalse();
    assertThat(controller.server().sessions().size()).isZero();
    HostSummary host = controller.host("web1");
    assertThat(host.getPresence()).as("not decommissioned by the refused Revoke, never connected")
        .isEqualTo(Presence.NEVER_CONNECTED);
    assertThat(host.getLastSeenUnixMillis()).as("last_seen untouched by the refused Connect/Hello").isZero();
    assertThat(host.getAgentVersion()).as("the refused hello was not recorded").isEmpty();
  }

  @Test
  void case02_clientCertificateFromForeignCa_rejected() throws Exception {
    controller.enrollAgent("web1");
    X509Certificate ourCa = controller.ca().certificate();
    // Same subject name as our CA, so only the signature can tell them apart.
    CertificateAuthority foreign = CertificateAuthority.create("homefleet CA controller", Duration.ofDays(1));
    assertThat(foreign.certificate().getSubjectX500Principal()).isEqualTo(ourCa.getSubjectX500Principal());

    KeyPair opKeys = Keys.generateP256();
    X509Certificate op = foreign.issueClient(opKeys.getPublic(), Identity.operator(ControllerHarness.OPERATOR_NAME),
        Duration.ofDays(1));
    ManagedChannel opChannel = controller.channel(opKeys.getPrivate(), op, foreign.certificate());
    Status list = statusOf(() -> operator(opChannel).listHosts(ListHostsRequest.getDefaultInstance()));
    assertCertificateRefused(list, "an operator certificate from a foreign CA");

    // The foreign chain may even carry our own CA certificate: the signature still does not verify.
    KeyPair agentKeys = Keys.generateP256();
    X509Certificate agent = foreign.issueClient(agentKeys.getPublic(), Identity.agent("web1"), Duration.ofDays(1));
    SessionStream session = controller.openSession(controller.channel(agentKeys.getPrivate(), agent, ourCa));
    session.hello();
    assertCertificateRefused(session.awaitEnd(WAIT), "an agent certificate from a foreign CA");
    assertThat(session.received()).isEmpty();
    assertThat(controller.server().sessions().isOnline("web1")).isFalse();
    assertThat(controller.host("web1").getLastSeenUnixMillis()).isZero();
  }

  @Test
  void case04_expiredOrNotYetValidCertificate_rejected_twoMinutesSkew_accepted() throws Exception {
    Identity admin = Identity.operator(ControllerHarness.OPERATOR_NAME);
    Instant now = Instant.now();

    KeyMaterial expired = controller.issue(admin, now.minus(Duration.ofDays(3)), Duration.ofDays(1));
    assertThat(expired.leaf().getNotAfter().toInstant()).isBefore(now.minus(Duration.ofDays(1)));
    Status e = statusOf(() -> operator(controller.channel(expired)).listHosts(ListHostsRequest.getDefaultInstance()));
    assertCertificateRefused(e, "a certificate that expired two days ago");

    // issueClient backdates notBefore by 5 minutes: issuing "at" now+65min puts notBefore one hour ahead.
    KeyMaterial future = controller.issue(admin, now.plus(Duration.ofMinutes(65)), Duration.ofDays(1));
    assertThat(future.leaf().getNotBefore().toInstant()).isAfter(now.plus(Duration.ofMinutes(59)));
    Status f = statusOf(() -> operator(controller.channel(future)).listHosts(ListHostsRequest.getDefaultInstance()));
    assertCertificateRefused(f, "a certificate valid only in an hour");

    // A controller clock two minutes behind the CA's: notBefore two minutes in the future.
    KeyMaterial aheadBy2 = controller.issue(admin, now.plus(Duration.ofMinutes(7)), Duration.ofDays(1));
    assertThat(aheadBy2.leaf().getNotBefore().toInstant()).isAfter(Instant.now().plus(Duration.ofSeconds(90)));
    assertThat(operator(controller.channel(aheadBy2)).listHosts(ListHostsRequest.getDefaultInstance()).getHostsList())
        .isEmpty();

    // The tolerance is symmetric: expired two minutes ago is still accepted.
    KeyMaterial expiredBy2 = controller.issue(admin, now.minus(Duration.ofHours(1)).minus(Duration.ofMinutes(2)),
        Duration.ofHours(1));
    assertThat(expiredBy2.leaf().getNotAfter().toInstant()).isBefore(Instant.now().minus(Duration.ofSeconds(90)));
    assertThat(operator(controller.channel(expiredBy2)).listHosts(ListHostsRequest.getDefaultInstance()).getHostsList())
        .isEmpty();
  }

  @Test
  void case05_revokedSerial_openStreamClosedWithinSeconds_newConnectionsRejected() throws Exception {
    EnrolledAgent web1 = controller.enrollAgent("web1");
    ManagedChannel agentChannel = controller.channel(web1.credentials());
    SessionStream session = controller.openSession(agentChannel);
    assertThat(session.helloAndAwaitWelcome().getHostName()).isEqualTo("web1");
    await().atMost(WAIT).until(() -> controller.server().sessions().isOnline("web1"));

    long start = System.nanoTime();
    RevokeResponse revoked = controller.operator().revoke(RevokeRequest.newBuilder().setHostName("web1")
        .setReason("laptop stolen").build());
    Status end = session.awaitEnd(Duration.ofSeconds(5));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(revoked.getRevokedSerialsList()).containsExactly(web1.serial());
    assertThat(revoked.getStreamClosed()).isTrue();
    assertThat(took).as("time from Revoke to the stream's end").isLessThan(Duration.ofSeconds(5));
    assertThat(end.getCode()).isEqualTo(Code.PERMISSION_DENIED);
    assertThat(end.getDescription()).contains("revoked").contains("laptop stolen");
    List<ControllerMessage> got = session.received();
    assertThat(got.get(got.size() - 1).getGoodbye().getReason()).contains("revoked");
    assertThat(controller.server().sessions().isOnline("web1")).isFalse();

    // The TLS connection the stream ran on is still up: the per-call check must refuse it (SPIRE PR #711).
    Status reused = statusOf(() -> agentSession(agentChannel).renew(RenewRequest.newBuilder()
        .setCsrDer(ByteString.copyFrom(Csr.create(Keys.generateP256(), "web1"))).build()));
    assertThat(reused.getCode()).isEqualTo(Code.UNAUTHENTICATED);
    assertThat(reused.getDescription()).contains(web1.serial()).contains("revoked");
    SessionStream again = controller.openSession(agentChannel);
    again.hello();
    assertThat(again.awaitEnd(WAIT).getCode()).isEqualTo(Code.UNAUTHENTICATED);

    // A fresh connection with the same certificate.
    SessionStream fresh = controller.openSession(web1.credentials());
    fresh.hello();
    assertCertificateRefused(fresh.awaitEnd(WAIT), "a revoked certificate on a new connection");
    assertThat(fresh.received()).isEmpty();
    assertThat(controller.server().sessions().isOnline("web1")).isFalse();
  }

  /**
   * Revocation and decommissioning are two separate checks, but the only operation that
   * decommissions ({@code Operator.Revoke}) also revokes every certificate the store knows for
   * the host. The decommission check therefore only decides for a certificate of the host that
   * the store does not list: here one issued out of band by the same CA (in production: a
   * renewal that raced the revocation). Case 5 covers the revoked serial.
   */
  @Test
  void case06_decommissionedHostWithStillValidCertificate_permissionDeniedEverywhere() throws Exception {
    EnrolledAgent web1 = controller.enrollAgent("web1");
    KeyMaterial unlisted = controller.issue(Identity.agent("web1"));
    String unlistedSerial = Certificates.serialHex(unlisted.leaf());

    // Control: while the host is active, the unlisted certificate is a perfectly good agent certificate.
    SessionStream before = controller.openSession(unlisted);
    before.helloAndAwaitWelcome();
    before.complete();
    assertThat(before.awaitEnd(WAIT).isOk()).isTrue();
    await().atMost(WAIT).until(() -> !controller.server().sessions().isOnline("web1"));

    RevokeResponse revoked = controller.operator().revoke(RevokeRequest.newBuilder().setHostName("web1").build());
    assertThat(revoked.getRevokedSerialsList()).containsExactly(web1.serial()).doesNotContain(unlistedSerial);
    assertThat(controller.host("web1").getPresence()).isEqualTo(Presence.DECOMMISSIONED);

    ManagedChannel ch = controller.channel(unlisted);
    SessionStream session = controller.openSession(ch);
    session.hello();
    Status connect = session.awaitEnd(WAIT);
    assertThat(connect.getCode()).isEqualTo(Code.PERMISSION_DENIED);
    assertThat(connect.getDescription()).contains("web1").contains("decommissioned");
    assertThat(session.received()).isEmpty();

    Status renew = statusOf(() -> agentSession(ch).renew(RenewRequest.newBuilder()
        .setCsrDer(ByteString.copyFrom(Csr.create(Keys.generateP256(), "web1"))).build()));
    assertThat(renew.getCode()).isEqualTo(Code.PERMISSION_DENIED);
    assertThat(renew.getDescription()).contains("decommissioned");
    assertThat(controller.server().sessions().isOnline("web1")).isFalse();

    // A valid certificate for a host that was never enrolled is treated the same way.
    Status ghost = statusOf(() -> agentSession(controller.channel(controller.issue(Identity.agent("ghost"))))
        .renew(RenewRequest.newBuilder().setCsrDer(ByteString.copyFrom(Csr.create(Keys.generateP256(), "ghost"))).build()));
    assertThat(ghost.getCode()).isEqualTo(Code.PERMISSION_DENIED);
  }

  @Test
  void case07_certificateWithCaTrueOrWithoutClientAuthOrWithoutIdentitySan_rejected() throws Exception {
    KeyPair keys = Keys.generateP256();
    X509Certificate ca = controller.ca().certificate();
    CertSpec valid = CertSpec.valid("operator://" + ControllerHarness.OPERATOR_NAME);

    // Control: the forging code itself produces certificates the controller accepts.
    X509Certificate good = Forgery.certificate(controller.ca(), controller.caKey(), keys.getPublic(), valid);
    assertThat(operator(controller.channel(keys.getPrivate(), good, ca)).listHosts(ListHostsRequest.getDefaultInstance())
        .getHostsList()).isEmpty();

    Map<String, CertSpec> bad = new LinkedHashMap<>();
    bad.put("CA:true", valid.withCa(true));
    bad.put("EKU serverAuth only", valid.withEkus(List.of(KeyPurposeId.id_kp_serverAuth)));
    bad.put("EKU codeSigning only", valid.withEkus(List.of(KeyPurposeId.id_kp_codeSigning)));
    bad.put("no EKU extension", valid.withEkus(null));
    bad.put("no SAN", valid.withSans(List.of()));
    bad.put("DNS SAN only", valid.withSans(List.of(new GeneralName(GeneralName.dNSName, "admin"))));
    bad.put("foreign URI SAN", valid.withSans(List.of(new GeneralName(GeneralName.uniformResourceIdentifier,
        "spiffe://homefleet/admin"))));
    bad.put("two identity SANs", valid.withSans(List.of(
        new GeneralName(GeneralName.uniformResourceIdentifier, "agent://web1"),
        new GeneralName(GeneralName.uniformResourceIdentifier, "operator://admin"))));
    bad.put("controller identity", valid.withSans(List.of(
        new GeneralName(GeneralName.uniformResourceIdentifier, "controller://controller"))));

    for (Map.Entry<String, CertSpec> c : bad.entrySet()) {
      X509Certificate cert = Forgery.certificate(controller.ca(), controller.caKey(), keys.getPublic(), c.getValue());
      ManagedChannel ch = controller.channel(keys.getPrivate(), cert, ca);
      Status s = statusOf(() -> operator(ch).listHosts(ListHostsRequest.getDefaultInstance()));
      assertCertificateRefused(s, "a certificate with " + c.getKey());
      ch.shutdownNow();
    }
  }
}
