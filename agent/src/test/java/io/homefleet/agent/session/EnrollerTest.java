package io.homefleet.agent.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.homefleet.agent.config.AgentConfig;
import io.homefleet.agent.identity.IdentityException;
import io.homefleet.agent.identity.IdentityStore;
import io.homefleet.pki.CertificateAuthority;
import io.homefleet.pki.Csr;
import io.homefleet.pki.Identity;
import io.homefleet.pki.KeyMaterial;
import io.homefleet.pki.Keys;
import io.homefleet.proto.v1.EnrollRequest;
import io.homefleet.proto.v1.EnrollResponse;
import io.homefleet.proto.v1.EnrollmentGrpc;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent side of enrollment against a fake controller (a subclass of the generated service)
 * over real TLS on loopback: security cases 3 (the agent refuses a controller it cannot pin)
 * and 16 (private keys stay on the host, in 0600 files written atomically).
 */
class EnrollerTest {
  static final String TOKEN = "hf1." + "t".repeat(43);

  /** A fake controller: real TLS with a certificate from {@code ca}; records what agents send. */
  static final class FakeController extends EnrollmentGrpc.EnrollmentImplBase {
    final CertificateAuthority ca;
    final List<EnrollRequest> requests = new CopyOnWriteArrayList<>();
    volatile boolean loseResponse;
    Server server;

    FakeController(CertificateAuthority ca) {
      this.ca = ca;
    }

    /** Serves with a leaf from {@code leafIssuer} and a chain ending in {@code presentedCa}. */
    FakeController start(CertificateAuthority leafIssuer, X509Certificate presentedCa) throws Exception {
      KeyPair kp = Keys.generateP256();
      X509Certificate leaf = leafIssuer.issueServer(kp.getPublic(), "controller", List.of("localhost", "127.0.0.1"),
          Duration.ofDays(1));
      var ssl = GrpcSslContexts.configure(SslContextBuilder.forServer(kp.getPrivate(), leaf, presentedCa), SslProvider.JDK)
          .build();
      server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).sslContext(ssl).addService(this)
          .build().start();
      return this;
    }

    @Override
    public void enroll(EnrollRequest request, StreamObserver<EnrollResponse> out) {
      requests.add(request);
      if (loseResponse) {
        out.onError(Status.UNAVAILABLE.withDescription("connection reset").asRuntimeException());
        return;
      }
      try {
        PublicKey key = Csr.verifiedPublicKey(request.getCsrDer().toByteArray());
        X509Certificate cert = ca.issueClient(key, Identity.agent(request.getHostName()), Duration.ofHours(1));
        out.onNext(EnrollResponse.newBuilder().setCertificateDer(ByteString.copyFrom(cert.getEncoded()))
            .addCaChainDer(ByteString.copyFrom(ca.certificate().getEncoded())).setRole("dev")
            .setHostName(request.getHostName()).build());
        out.onCompleted();
      } catch (Exception e) {
        out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      }
    }
  }

  private FakeController controller;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private Channels channels;

  @AfterEach
  void tearDown() {
    if (controller != null) {
      controller.server.shutdownNow();
    }
    if (channels != null) {
      channels.close();
    }
    executor.shutdownNow();
  }

  private AgentConfig config(Path dir, String fingerprint) throws Exception {
    Path f = dir.resolve("agent.yaml");
    Files.writeString(f, "controller: 127.0.0.1:" + controller.server.getPort() + "\nhost: web-1\ntoken: " + TOKEN
        + "\nca_fingerprint: \"" + fingerprint + "\"\nstate_dir: ./state\n");
    return AgentConfig.load(f);
  }

  private Enroller enroller(AgentConfig cfg) {
    channels = new Channels(cfg, Clock.systemUTC(), executor);
    return new Enroller(cfg, new IdentityStore(cfg), channels, Clock.systemUTC());
  }

  @Test
  void case03_wrongFingerprintPinned_refusesToEnrollAndSendsNothing(@TempDir Path dir) throws Exception {
    CertificateAuthority real = CertificateAuthority.create("real", Duration.ofDays(1));
    CertificateAuthority other = CertificateAuthority.create("other", Duration.ofDays(1));
    controller = new FakeController(real).start(real, real.certificate());
    AgentConfig cfg = config(dir, other.fingerprint());
    assertThatThrownBy(() -> enroller(cfg).enrollOnce()).isInstanceOf(IdentityException.class)
        .hasMessageContaining("does not match the pinned fingerprint")
        .extracting(e -> ((IdentityException) e).kind()).isEqualTo(IdentityException.Kind.REFUSED);
    assertThat(controller.requests).isEmpty();
    assertThat(new IdentityStore(cfg).hasIdentity()).isFalse();
  }

  @Test
  void case03_serverCertFromForeignCa_behindThePinnedCa_isRefused(@TempDir Path dir) throws Exception {
    CertificateAuthority pinned = CertificateAuthority.create("lab", Duration.ofDays(1));
    CertificateAuthority foreign = CertificateAuthority.create("lab", Duration.ofDays(1));
    // The impostor presents the pinned CA certificate (public) but its leaf is signed by another key.
    controller = new FakeController(foreign).start(foreign, pinned.certificate());
    AgentConfig cfg = config(dir, pinned.fingerprint());
    assertThatThrownBy(() -> enroller(cfg).enrollOnce()).isInstanceOf(IdentityException.class)
        .hasMessageContaining("not trusted");
    assertThat(controller.requests).isEmpty();
  }

  @Test
  void case03_storedIdentity_sessionRefusesAControllerFromAnotherCa(@TempDir Path dir) throws Exception {
    CertificateAuthority real = CertificateAuthority.create("real", Duration.ofDays(1));
    controller = new FakeController(real).start(real, real.certificate());
    AgentConfig cfg = config(dir, real.fingerprint());
    enroller(cfg).enrollOnce();
    controller.server.shutdownNow();
    CertificateAuthority impostor = CertificateAuthority.create("real", Duration.ofDays(1));
    FakeController fake = new FakeController(impostor);
    KeyPair kp = Keys.generateP256();
    X509Certificate leaf = impostor.issueServer(kp.getPublic(), "controller", List.of("127.0.0.1"), Duration.ofDays(1));
    fake.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .sslContext(GrpcSslContexts.configure(SslContextBuilder.forServer(kp.getPrivate(), leaf, impostor.certificate()),
            SslProvider.JDK).build())
        .addService(new io.homefleet.proto.v1.AgentSessionGrpc.AgentSessionImplBase() {}).build().start();
    try {
      Files.writeString(cfg.source(), Files.readString(cfg.source()).replaceAll("127.0.0.1:\\d+", "127.0.0.1:" + fake.server.getPort()));
      AgentConfig moved = AgentConfig.load(cfg.source());
      IdentityStore ids = new IdentityStore(moved);
      var channel = new Channels(moved, Clock.systemUTC(), executor).session(ids.load(), ids.ca());
      try {
        assertThatThrownBy(() -> io.homefleet.proto.v1.AgentSessionGrpc.newBlockingStub(channel)
            .withDeadlineAfter(java.time.Duration.ofSeconds(10).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
            .renew(io.homefleet.proto.v1.RenewRequest.getDefaultInstance()))
            .isInstanceOf(io.grpc.StatusRuntimeException.class)
            .satisfies(e -> assertThat(((io.grpc.StatusRuntimeException) e).getStatus().getCode())
                .isEqualTo(Status.Code.UNAVAILABLE));
      } finally {
        channel.shutdownNow();
      }
    } finally {
      fake.server.shutdownNow();
    }
  }

  @Test
  void case16_privateKeyStaysLocal_filesAre0600_andWrittenWhole(@TempDir Path dir) throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("lab", Duration.ofDays(1));
    controller = new FakeController(ca).start(ca, ca.certificate());
    AgentConfig cfg = config(dir, ca.fingerprint());
    enroller(cfg).enrollOnce();

    IdentityStore ids = new IdentityStore(cfg);
    KeyMaterial km = ids.load();
    assertThat(Files.getPosixFilePermissions(cfg.identityFile())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    // The pinned CA is no secret, but nothing in the state dir is readable by other users.
    assertThat(Files.getPosixFilePermissions(cfg.caFile())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(cfg.stateDir())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(cfg.stateDir().resolve("enroll.key")).doesNotExist();
    try (var files = Files.list(cfg.stateDir())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("identity.pem", "ca.crt");
    }
    // Nothing the agent sent contains its private key, in PKCS#8 or as the raw scalar.
    byte[] sent = controller.requests.get(0).toByteArray();
    byte[] pkcs8 = km.key().getEncoded();
    byte[] scalar = ((ECPrivateKey) km.key()).getS().toByteArray();
    assertThat(indexOf(sent, pkcs8)).isNegative();
    assertThat(indexOf(sent, java.util.Arrays.copyOfRange(scalar, scalar.length - 32, scalar.length))).isNegative();
    assertThat(km.leaf().getPublicKey()).isEqualTo(
        java.security.KeyFactory.getInstance("EC").generatePublic(new java.security.spec.X509EncodedKeySpec(
            km.leaf().getPublicKey().getEncoded())));
    assertThat(IdentityStore.hostOf(km)).isEqualTo("web-1");
  }

  @Test
  void lostResponse_retryUsesTheSameKey(@TempDir Path dir) throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("lab", Duration.ofDays(1));
    controller = new FakeController(ca).start(ca, ca.certificate());
    controller.loseResponse = true;
    AgentConfig cfg = config(dir, ca.fingerprint());
    Enroller e = enroller(cfg);
    assertThatThrownBy(e::enrollOnce).isInstanceOf(IdentityException.class)
        .extracting(x -> ((IdentityException) x).kind()).isEqualTo(IdentityException.Kind.UNREACHABLE);
    Path pending = cfg.stateDir().resolve("enroll.key");
    assertThat(pending).exists();
    assertThat(Files.getPosixFilePermissions(pending)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    controller.loseResponse = false;
    e.enrollOnce();
    PublicKey first = Csr.verifiedPublicKey(controller.requests.get(0).getCsrDer().toByteArray());
    PublicKey second = Csr.verifiedPublicKey(controller.requests.get(1).getCsrDer().toByteArray());
    assertThat(second).isEqualTo(first);
    assertThat(new IdentityStore(cfg).load().leaf().getPublicKey()).isEqualTo(first);
  }

  @Test
  void noTokenAndNoIdentity_saysHowToGetOne(@TempDir Path dir) throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("lab", Duration.ofDays(1));
    controller = new FakeController(ca).start(ca, ca.certificate());
    Path f = dir.resolve("agent.yaml");
    Files.writeString(f, "controller: 127.0.0.1:" + controller.server.getPort() + "\nhost: web-1\nca_fingerprint: \""
        + ca.fingerprint() + "\"\nstate_dir: ./state\n");
    AgentConfig cfg = AgentConfig.load(f);
    assertThatThrownBy(() -> enroller(cfg).enrollOnce()).hasMessageContaining("homefleet token create --host web-1");
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
