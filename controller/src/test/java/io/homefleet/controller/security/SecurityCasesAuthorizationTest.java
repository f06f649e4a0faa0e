package io.homefleet.controller.security;

import static io.homefleet.controller.testing.ControllerHarness.agentSession;
import static io.homefleet.controller.testing.ControllerHarness.operator;
import static io.homefleet.controller.testing.ControllerHarness.statusOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.Status.Code;
import io.grpc.stub.MetadataUtils;
import io.homefleet.controller.testing.ControllerHarness;
import io.homefleet.controller.testing.ControllerHarness.EnrolledAgent;
import io.homefleet.controller.testing.LogCapture;
import io.homefleet.controller.testing.SessionStream;
import io.homefleet.pki.Csr;
import io.homefleet.pki.Identity;
import io.homefleet.pki.KeyMaterial;
import io.homefleet.pki.Keys;
import io.homefleet.pki.Pem;
import io.homefleet.proto.v1.AdhocRequest;
import io.homefleet.proto.v1.AgentSessionGrpc;
import io.homefleet.proto.v1.CreateTokenRequest;
import io.homefleet.proto.v1.GetHostRequest;
import io.homefleet.proto.v1.ListHostsRequest;
import io.homefleet.proto.v1.OperatorGrpc;
import io.homefleet.proto.v1.Presence;
import io.homefleet.proto.v1.RenewRequest;
import io.homefleet.proto.v1.RevokeRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Security cases 12, 13 and 15 of SECURITY-AND-FAULTS.md: a valid certificate only buys what
 * its identity kind may do, identity comes from the certificate and nowhere else, and one
 * identity holds at most one session.
 */
@Timeout(60)
class SecurityCasesAuthorizationTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension
  final ControllerHarness controller = new ControllerHarness();

  @Test
  void case12_agentCertificateCallingOperatorRpcs_andOperatorPosingAsAgent_permissionDenied() throws Exception {
    EnrolledAgent web1 = controller.enrollAgent("web1");
    controller.enrollAgent("web2");
    ManagedChannel agent = controller.channel(web1.credentials());
    OperatorGrpc.OperatorBlockingStub asAgent = operator(agent);

    Map<String, ThrowingCallable> operatorCalls = Map.of(
        "ListHosts", () -> operator(agent).listHosts(ListHostsRequest.getDefaultInstance()),
        "GetHost", () -> operator(agent).getHost(GetHostRequest.newBuilder().setName("web2").build()),
        "CreateToken", () -> operator(agent).createToken(CreateTokenRequest.newBuilder().setHostName("evil")
            .setRole("web").build()),
        "Revoke", () -> operator(agent).revoke(RevokeRequest.newBuilder().setHostName("web2").build()),
        // Server streaming: the refusal arrives when the iterator is read.
        "RunAdhoc (play)", () -> asAgent.runAdhoc(AdhocRequest.newBuilder().setTarget("all").setModule("command")
            .setRawArgs("id").build()).hasNext());
    for (var c : operatorCalls.entrySet()) {
      Status s = statusOf(c.getValue());
      assertThat(s.getCode()).as("agent://web1 calling Operator.%s", c.getKey()).isEqualTo(Code.PERMISSION_DENIED);
      assertThat(s.getDescription()).as("Operator.%s", c.getKey()).isEqualTo("agent://web1 may not call operator methods");
    }
    assertThat(controller.host("web2").getPresence()).as("the refused Revoke had no effect")
        .isEqualTo(Presence.NEVER_CONNECTED);
    assertThat(controller.operator().listRuns(io.homefleet.proto.v1.ListRunsRequest.getDefaultInstance())
        .getRunsList()).as("the refused RunAdhoc started nothing").isEmpty();

    // An operator certificate, even one named like an enrolled host, cannot pose as that agent.
    for (KeyMaterial op : new KeyMaterial[] {controller.operatorCredentials(), controller.issue(Identity.operator("web1"))}) {
      String who = op.leaf().getSubjectX500Principal().getName();
      ManagedChannel ch = controller.channel(op);
      SessionStream session = controller.openSession(ch);
      session.hello();
      Status connect = session.awaitEnd(WAIT);
      assertThat(connect.getCode()).as("%s calling AgentSession.Connect", who).isEqualTo(Code.PERMISSION_DENIED);
      assertThat(connect.getDescription()).contains("may not call the agent session");
      assertThat(session.received()).isEmpty();

      Status renew = statusOf(() -> agentSession(ch).renew(RenewRequest.newBuilder()
          .setCsrDer(ByteString.copyFrom(Csr.create(Keys.generateP256(), "web1"))).build()));
      assertThat(renew.getCode()).as("%s calling AgentSession.Renew", who).isEqualTo(Code.PERMISSION_DENIED);
    }
    assertThat(controller.server().sessions().size()).isZero();
    assertThat(controller.host("web1").getLastSeenUnixMillis()).isZero();
  }

  @Test
  void case13_forgedIdentityMetadataHeaders_ignored() throws Exception {
    EnrolledAgent web1 = controller.enrollAgent("web1");
    String operatorPem = Pem.certificate(controller.operatorCredentials().leaf());
    Metadata forged = new Metadata();
    forged.put(key("x-homefleet-identity"), "operator://admin");
    forged.put(key("x-forwarded-client-cert"), "By=operator://admin;URI=operator://admin;Cert=\""
        + URLEncoder.encode(operatorPem, StandardCharsets.UTF_8) + "\"");
    forged.put(key("x-ssl-client-cert"), URLEncoder.encode(operatorPem, StandardCharsets.UTF_8));
    forged.put(key("x-client-identity"), "operator://admin");
    forged.put(key("x-homefleet-serial"), "1");
    var attach = MetadataUtils.newAttachHeadersInterceptor(forged);

    // An agent certificate with headers claiming to be the operator.
    ManagedChannel agent = controller.channel(web1.credentials());
    Status asAgent = statusOf(() -> OperatorGrpc.newBlockingStub(agent).withInterceptors(attach)
        .withDeadlineAfter(15, TimeUnit.SECONDS).listHosts(ListHostsRequest.getDefaultInstance()));
    assertThat(asAgent.getCode()).isEqualTo(Code.PERMISSION_DENIED);
    assertThat(asAgent.getDescription()).isEqualTo("agent://web1 may not call operator methods");

    // No certificate at all, same headers.
    Status anonymous = statusOf(() -> OperatorGrpc.newBlockingStub(controller.anonymousChannel()).withInterceptors(attach)
        .withDeadlineAfter(15, TimeUnit.SECONDS).listHosts(ListHostsRequest.getDefaultInstance()));
    assertThat(anonymous.getCode()).isEqualTo(Code.UNAUTHENTICATED);
    assertThat(anonymous.getDescription()).contains("client certificate is required");

    // An operator certificate with headers claiming to be agent web1.
    Metadata asWeb1 = new Metadata();
    asWeb1.put(key("x-homefleet-identity"), "agent://web1");
    asWeb1.put(key("x-forwarded-client-cert"), "URI=agent://web1");
    Status posing = statusOf(() -> AgentSessionGrpc.newBlockingStub(controller.channel(controller.operatorCredentials()))
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(asWeb1)).withDeadlineAfter(15, TimeUnit.SECONDS)
        .renew(RenewRequest.newBuilder().setCsrDer(ByteString.copyFrom(Csr.create(Keys.generateP256(), "web1"))).build()));
    assertThat(posing.getCode()).isEqualTo(Code.PERMISSION_DENIED);
    assertThat(posing.getDescription()).isEqualTo("operator://admin may not call the agent session");

    // Control: the same headers on a genuine operator call change nothing either.
    assertThat(OperatorGrpc.newBlockingStub(controller.channel(controller.operatorCredentials())).withInterceptors(attach)
        .withDeadlineAfter(15, TimeUnit.SECONDS).listHosts(ListHostsRequest.getDefaultInstance()).getHostsList())
        .extracting(h -> h.getName()).containsExactly("web1");
  }

  @Test
  void case15_sameAgentIdentityConnectingTwice_secondRefused_firstStaysAlive() throws Exception {
    EnrolledAgent web1 = controller.enrollAgent("web1");
    SessionStream first = controller.openSession(web1.credentials());
    first.helloAndAwaitWelcome();
    await().atMost(WAIT).until(() -> controller.server().sessions().isOnline("web1"));
    long connectedSince = controller.server().sessions().connectedSince("web1").orElseThrow();

    // A clone: same certificate and key, another connection.
    Status second;
    String log;
    try (LogCapture capture = new LogCapture()) {
      SessionStream clone = controller.openSession(web1.credentials());
      clone.hello();
      second = clone.awaitEnd(WAIT);
      assertThat(clone.received()).as("the clone gets no welcome").isEmpty();
      log = capture.text();
    }
    assertThat(second.getCode()).isEqualTo(Code.ALREADY_EXISTS);
    assertThat(second.getDescription()).contains("agent://web1").contains("already open");
    assertThat(log).contains("ALERT: refused a second concurrent session for agent://web1");

    // The first session is untouched: still registered, still the same stream, and still heard.
    assertThat(first.isEnded()).isFalse();
    assertThat(controller.server().sessions().connectedSince("web1")).contains(connectedSince);
    long seenBefore = controller.host("web1").getLastSeenUnixMillis();
    Thread.sleep(5); // last_seen has millisecond resolution
    first.heartbeat();
    await().atMost(WAIT).until(() -> controller.host("web1").getLastSeenUnixMillis() > seenBefore);
    assertThat(first.isEnded()).isFalse();
    assertThat(first.received()).hasSize(1); // only the welcome

    // Bonus: once the first session ends, the identity may connect again.
    first.complete();
    assertThat(first.awaitEnd(WAIT).isOk()).isTrue();
    await().atMost(WAIT).until(() -> !controller.server().sessions().isOnline("web1"));
    SessionStream next = controller.openSession(web1.credentials());
    assertThat(next.helloAndAwaitWelcome().getHostName()).isEqualTo("web1");
    assertThat(controller.server().sessions().isOnline("web1")).isTrue();
  }

  private static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }
}
