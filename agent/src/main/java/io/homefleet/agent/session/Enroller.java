package io.homefleet.agent.session;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.homefleet.agent.config.AgentConfig;
import io.homefleet.agent.identity.IdentityException;
import io.homefleet.agent.identity.IdentityStore;
import io.homefleet.pki.CsrBuilder;
import io.homefleet.pki.Keys;
import io.homefleet.pki.Pem;
import io.homefleet.pki.PinnedServerTrustManager;
import io.homefleet.pki.PkiException;
import io.homefleet.proto.v1.EnrollRequest;
import io.homefleet.proto.v1.EnrollResponse;
import io.homefleet.proto.v1.EnrollmentGrpc;
import java.io.IOException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** First-boot enrollment: a local P-256 key, a CSR and the token in; a certificate out. */
public final class Enroller {
  private static final Logger log = LoggerFactory.getLogger(Enroller.class);

  private final AgentConfig config;
  private final IdentityStore identities;
  private final Channels channels;
  private final Clock clock;

  public Enroller(AgentConfig config, IdentityStore identities, Channels channels, Clock clock) {
    this.config = config;
    this.identities = identities;
    this.channels = channels;
    this.clock = clock;
  }

  /** One enrollment attempt. */
  public void enrollOnce() throws IdentityException {
    String token = config.token().orElseThrow(() -> new IdentityException(IdentityException.Kind.LOCAL,
        "this agent has no identity yet and " + config.source() + " has no token: mint one with "
            + "'homefleet token create --host " + config.hostName() + " --role ROLE' and write it as 'token:' into "
            + config.enrollFile() + " (or set 'token:' or 'token_file:' in " + config.source() + ")"));
    KeyPair keys;
    PinnedServerTrustManager trust;
    try {
      keys = identities.enrollmentKey();
      trust = new PinnedServerTrustManager(config.caFingerprint(), clock);
    } catch (IOException | PkiException e) {
      throw new IdentityException(IdentityException.Kind.LOCAL, "cannot prepare an enrollment key in "
          + config.stateDir() + ": " + e.getMessage(), e);
    }
    byte[] csr;
    try {
      csr = CsrBuilder.forThisJvm().create(keys, config.hostName());
    } catch (PkiException e) {
      throw new IdentityException(IdentityException.Kind.LOCAL, "cannot build the enrollment CSR: " + e.getMessage(), e);
    }
    ManagedChannel channel;
    try {
      channel = channels.enrollment(trust);
    } catch (SSLException e) {
      throw new IdentityException(IdentityException.Kind.LOCAL, "cannot set up TLS: " + e.getMessage(), e);
    }
    try {
      EnrollResponse r = EnrollmentGrpc.newBlockingStub(channel).withDeadlineAfter(15, TimeUnit.SECONDS)
          .enroll(EnrollRequest.newBuilder().setToken(token).setHostName(config.hostName())
              .setCsrDer(ByteString.copyFrom(csr)).build());
      X509Certificate cert = Pem.certificateFromDer(r.getCertificateDer().toByteArray());
      if (r.getCaChainDerCount() == 0) {
        throw new IdentityException(IdentityException.Kind.REFUSED, "the controller sent no CA certificate");
      }
      X509Certificate ca = Pem.certificateFromDer(r.getCaChainDer(r.getCaChainDerCount() - 1).toByteArray());
      if (!Keys.fingerprint(ca).equals(config.caFingerprint())) {
        throw new IdentityException(IdentityException.Kind.REFUSED, "the CA the controller sent (" + Keys.fingerprint(ca)
            + ") does not match the pinned fingerprint " + config.caFingerprint());
      }
      if (!cert.getPublicKey().equals(keys.getPublic())) {
        throw new IdentityException(IdentityException.Kind.REFUSED, "the issued certificate is not for this agent's key");
      }
      identities.saveEnrolled(keys.getPrivate(), cert, ca);
      log.info("enrolled as {} (role {}); certificate valid until {}", r.getHostName(), r.getRole(),
          cert.getNotAfter().toInstant());
      // The token decides the role (the host cannot choose it); a different one in the enroll file is a mistake to show.
      config.role().filter(expected -> !expected.equals(r.getRole())).ifPresent(expected -> log.warn(
          "{} expects role '{}' but the controller assigned '{}' (the token's role, which holds); to change it, revoke"
              + " this host and enroll it with a token minted with --role {}", config.enrollFile(), expected,
          r.getRole(), expected));
    } catch (StatusRuntimeException e) {
      throw classify(e);
    } catch (PkiException e) {
      throw new IdentityException(IdentityException.Kind.REFUSED, "the controller's answer is unusable: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new IdentityException(IdentityException.Kind.LOCAL, "cannot store the identity in " + config.stateDir()
          + ": " + e.getMessage(), e);
    } finally {
      channel.shutdownNow();
    }
  }

  private IdentityException classify(StatusRuntimeException e) {
    Status s = e.getStatus();
    String d = s.getDescription() == null ? "" : s.getDescription();
    return switch (s.getCode()) {
      case UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED -> {
        String cause = s.getCause() == null ? d : rootMessage(s.getCause());
        if (cause.contains("pinned fingerprint") || cause.contains("not trusted")) {
          yield new IdentityException(IdentityException.Kind.REFUSED, "refusing the controller at "
              + config.controller() + ": " + cause, e);
        }
        yield new IdentityException(IdentityException.Kind.UNREACHABLE, "cannot reach the controller at "
            + config.controller() + ": " + (cause.isEmpty() ? s.getCode().toString() : cause), e);
      }
      default -> new IdentityException(IdentityException.Kind.REFUSED, "the controller refused enrollment of '"
          + config.hostName() + "': " + d, e);
    };
  }

  static String rootMessage(Throwable t) {
    Throwable c = t;
    String msg = String.valueOf(t.getMessage());
    while (c != null) {
      if (c.getMessage() != null) {
        msg = c.getMessage();
      }
      c = c.getCause();
    }
    return msg;
  }
}
