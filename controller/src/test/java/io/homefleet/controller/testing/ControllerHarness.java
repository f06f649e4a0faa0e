package io.homefleet.controller.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.homefleet.controller.config.ControllerConfig;
import io.homefleet.controller.server.ControllerPki;
import io.homefleet.controller.server.ControllerServer;
import io.homefleet.pki.CertificateAuthority;
import io.homefleet.pki.Certificates;
import io.homefleet.pki.Csr;
import io.homefleet.pki.Identity;
import io.homefleet.pki.KeyMaterial;
import io.homefleet.pki.Keys;
import io.homefleet.pki.Pem;
import io.homefleet.pki.PinnedServerTrustManager;
import io.homefleet.pki.StaticKeyManager;
import io.homefleet.proto.v1.AgentSessionGrpc;
import io.homefleet.proto.v1.CreateTokenRequest;
import io.homefleet.proto.v1.CreateTokenResponse;
import io.homefleet.proto.v1.EnrollRequest;
import io.homefleet.proto.v1.EnrollResponse;
import io.homefleet.proto.v1.EnrollmentGrpc;
import io.homefleet.proto.v1.HostSummary;
import io.homefleet.proto.v1.ListHostsRequest;
import io.homefleet.proto.v1.OperatorGrpc;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real controller for one test: CA and SQLite store in a fresh temp dir, mutual TLS on a
 * loopback port chosen by the kernel, and helpers that play agent and operator over real
 * Netty/TLS channels with the generated stubs. Everything it opens is closed after the test.
 *
 * <p>Use as an instance field: {@code @RegisterExtension final ControllerHarness controller =
 * new ControllerHarness();}
 */
public final class ControllerHarness implements BeforeEachCallback, AfterEachCallback {
  /** Deadline of every unary call the helpers make; generous because a loaded CI machine is slow to hand-shake. */
  public static final Duration CALL_DEADLINE = Duration.ofSeconds(15);
  public static final String OPERATOR_NAME = "admin";

  private final Clock clock = Clock.systemUTC();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<SessionStream> streams = new ArrayList<>();
  private Path dir;
  private ControllerConfig config;
  private ControllerServer server;
  private CertificateAuthority ca;
  private PrivateKey caKey;
  private KeyMaterial operatorCredentials;
  private ManagedChannel operatorChannel;
  private ManagedChannel anonymousChannel;

  /** An agent that enrolled through the Enroll RPC. */
  public record EnrolledAgent(String host, KeyPair keys, X509Certificate certificate, KeyMaterial credentials) {
    public String serial() {
      return Certificates.serialHex(certificate);
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("homefleet-security-");
    ControllerPki.initCa(dir.resolve("pki"), "controller", List.of("localhost", "127.0.0.1"));
    config = ControllerConfig.defaults(dir, "127.0.0.1:0", "off");
    server = new ControllerServer(config, clock).start();
    ca = CertificateAuthority.load(config.pkiDir());
    // The CA exposes no accessor for its key; tests that forge certificates read it like an attacker with disk access would.
    caKey = Pem.parsePrivateKey(Files.readString(config.pkiDir().resolve(CertificateAuthority.CA_KEY)));
    operatorCredentials = issue(Identity.operator(OPERATOR_NAME));
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    streams.forEach(SessionStream::close);
    for (ManagedChannel ch : channels) {
      ch.shutdownNow();
    }
    for (ManagedChannel ch : channels) {
      ch.awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close();
    }
    if (dir != null) {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> {
          try {
            Files.deleteIfExists(p);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      }
    }
  }

  // ---------------------------------------------------------------- the controller

  public ControllerServer server() {
    return server;
  }

  public int port() {
    return server.port();
  }

  public Path dataDir() {
    return dir;
  }

  public CertificateAuthority ca() {
    return ca;
  }

  /** The CA's private key, read from {@code pki/ca.key}. */
  public PrivateKey caKey() {
    return caKey;
  }

  // ---------------------------------------------------------------- credentials

  /** A fresh P-256 key and a certificate for {@code id} issued by the controller's CA, valid for a day. */
  public KeyMaterial issue(Identity id) throws Exception {
    return issue(id, Instant.now(), Duration.ofDays(1));
  }

  /** As {@link #issue(Identity)} with an explicit issuing time (the CA backdates it by {@link Certificates#BACKDATE}). */
  public KeyMaterial issue(Identity id, Instant now, Duration lifetime) throws Exception {
    KeyPair kp = Keys.generateP256();
    X509Certificate cert = ca.issueClient(kp.getPublic(), id, now, lifetime);
    return new KeyMaterial(kp.getPrivate(), List.of(cert, ca.certificate()));
  }

  public KeyMaterial operatorCredentials() {
    return operatorCredentials;
  }

  // ---------------------------------------------------------------- channels

  /** A TLS channel that presents no client certificate. */
  public ManagedChannel anonymousChannel() throws Exception {
    if (anonymousChannel == null) {
      anonymousChannel = newChannel(null);
    }
    return anonymousChannel;
  }

  /** A new TLS channel (its own connection) presenting {@code credentials}. */
  public ManagedChannel channel(KeyMaterial credentials) throws Exception {
    return newChannel(credentials);
  }

  /** A new TLS channel presenting {@code key} with {@code chain}, whatever the chain holds. */
  public ManagedChannel channel(PrivateKey key, X509Certificate... chain) throws Exception {
    return newChannel(new KeyMaterial(key, List.of(chain)));
  }

  /** A new TLS channel presenting {@code credentials}, its builder first adjusted by {@code tune}. */
  public ManagedChannel channel(KeyMaterial credentials, UnaryOperator<NettyChannelBuilder> tune) throws Exception {
    return newChannel(credentials, tune);
  }

  private ManagedChannel newChannel(KeyMaterial credentials) throws Exception {
    return newChannel(credentials, UnaryOperator.identity());
  }

  private ManagedChannel newChannel(KeyMaterial credentials, UnaryOperator<NettyChannelBuilder> tune)
      throws Exception {
    SslContextBuilder b = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
        .trustManager(new PinnedServerTrustManager(ca.certificate(), ca.fingerprint(), clock));
    if (credentials != null) {
      b.keyManager(new StaticKeyManager(credentials.key(), credentials.chain()));
    }
    SslContext ssl = b.build();
    ManagedChannel ch = tune.apply(NettyChannelBuilder.forAddress("127.0.0.1", port())
        .sslContext(ssl)
        .overrideAuthority("localhost"))
        .build();
    synchronized (channels) {
      channels.add(ch);
    }
    return ch;
  }

  // ---------------------------------------------------------------- stubs (fresh deadline per call)

  public OperatorGrpc.OperatorBlockingStub operator() throws Exception {
    if (operatorChannel == null) {
      operatorChannel = channel(operatorCredentials);
    }
    return operator(operatorChannel);
  }

  public static OperatorGrpc.OperatorBlockingStub operator(ManagedChannel ch) {
    return OperatorGrpc.newBlockingStub(ch).withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  public static AgentSessionGrpc.AgentSessionBlockingStub agentSession(ManagedChannel ch) {
    return AgentSessionGrpc.newBlockingStub(ch).withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  public EnrollmentGrpc.EnrollmentBlockingStub enrollment() throws Exception {
    return EnrollmentGrpc.newBlockingStub(anonymousChannel())
        .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  // ---------------------------------------------------------------- operator helpers

  public CreateTokenResponse createToken(String host, int ttlSeconds) throws Exception {
    return operator().createToken(CreateTokenRequest.newBuilder().setHostName(host).setRole("web")
        .setTtlSeconds(ttlSeconds).build());
  }

  /** A one-hour enrollment token bound to {@code host}, minted through the operator API. */
  public String mintToken(String host) throws Exception {
    return createToken(host, 3600).getToken();
  }

  /** The operator's view of {@code host}. */
  public HostSummary host(String name) throws Exception {
    List<HostSummary> hosts = operator().listHosts(ListHostsRequest.newBuilder().setTarget(name).build()).getHostsList();
    assertThat(hosts).as("hosts named %s", name).hasSize(1);
    return hosts.get(0);
  }

  // ---------------------------------------------------------------- agent helpers

  public EnrollResponse enroll(String token, String host, byte[] csrDer) throws Exception {
    return enrollment().enroll(EnrollRequest.newBuilder().setToken(token).setHostName(host)
        .setCsrDer(ByteString.copyFrom(csrDer)).build());
  }

  /** Mints a token for {@code host} and enrolls a fresh P-256 key with it, as the agent does. */
  public EnrolledAgent enrollAgent(String host) throws Exception {
    return enrollAgent(host, mintToken(host), Keys.generateP256());
  }

  public EnrolledAgent enrollAgent(String host, String token, KeyPair keys) throws Exception {
    EnrollResponse r = enroll(token, host, Csr.create(keys, host));
    X509Certificate cert = Pem.certificateFromDer(r.getCertificateDer().toByteArray());
    return new EnrolledAgent(host, keys, cert, new KeyMaterial(keys.getPrivate(), List.of(cert, ca.certificate())));
  }

  /** Opens a session stream on a new connection presenting {@code credentials}. */
  public SessionStream openSession(KeyMaterial credentials) throws Exception {
    return openSession(channel(credentials));
  }

  public SessionStream openSession(ManagedChannel channel) {
    SessionStream s = new SessionStream(channel);
    synchronized (streams) {
      streams.add(s);
    }
    return s;
  }

  // ---------------------------------------------------------------- assertions

  /** The status of a call that must fail; fails the test if it succeeds or fails without a gRPC status. */
  public static Status statusOf(ThrowingCallable call) {
    Throwable t = catchThrowable(call);
    assertThat(t).as("the call must be refused").isInstanceOf(StatusRuntimeException.class);
    return ((StatusRuntimeException) t).getStatus();
  }

  /**
   * Asserts that the controller refused the client certificate the call presented: either in
   * the TLS handshake (the client sees UNAVAILABLE caused by the server's certificate alert, not
   * by some other transport failure) or in the per-call check (UNAUTHENTICATED).
   */
  public static void assertCertificateRefused(Status status, String what) {
    if (status.getCode() == Status.Code.UNAUTHENTICATED) {
      assertThat(status.getDescription()).as("%s: refusal reason", what).startsWith("client certificate");
      return;
    }
    assertThat(status.getCode()).as("%s: %s", what, status).isEqualTo(Status.Code.UNAVAILABLE);
    Throwable handshake = status.getCause();
    while (handshake != null && !(handshake instanceof SSLHandshakeException)) {
      handshake = handshake.getCause();
    }
    assertThat(handshake).as("%s: UNAVAILABLE must come from a TLS handshake failure: %s", what, status).isNotNull();
    assertThat(handshake.getMessage()).as("%s: the server's TLS alert", what)
        .containsAnyOf("certificate_unknown", "bad_certificate", "certificate_expired", "certificate_revoked");
  }
}
