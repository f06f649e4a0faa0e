package io.homefleet.agent.session;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.homefleet.agent.config.AgentConfig;
import io.homefleet.agent.identity.IdentityStore;
import io.homefleet.pki.Certificates;
import io.homefleet.pki.CsrBuilder;
import io.homefleet.pki.KeyMaterial;
import io.homefleet.pki.Keys;
import io.homefleet.pki.Pem;
import io.homefleet.pki.PkiException;
import io.homefleet.proto.v1.AgentSessionGrpc;
import io.homefleet.proto.v1.RenewRequest;
import io.homefleet.proto.v1.RenewResponse;
import java.io.IOException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the agent's certificate over the live session at about two thirds of its lifetime, with
 * a new key, and retries every 30 s while that fails; the session's end stops it, and the next
 * session starts it again for the certificate it connected with.
 */
final class Renewal {
  private static final Logger log = LoggerFactory.getLogger(Renewal.class);
  static final Duration RETRY = Duration.ofSeconds(30);

  private final AgentConfig config;
  private final IdentityStore identities;
  private final Clock clock;
  private final ScheduledExecutorService timer;
  private final Runnable renewed;
  private ScheduledFuture<?> next; // guarded by this
  private ManagedChannel channel; // guarded by this; null when stopped
  private volatile boolean done;

  /** @param renewed runs after each renewal that was stored, on the timer */
  Renewal(AgentConfig config, IdentityStore identities, Clock clock, ScheduledExecutorService timer, Runnable renewed) {
    this.config = config;
    this.identities = identities;
    this.clock = clock;
    this.timer = timer;
    this.renewed = renewed;
  }

  /** When {@code leaf} is due: two thirds into its validity, counted from its backdated start. */
  static Instant dueAt(X509Certificate leaf) {
    Instant notBefore = leaf.getNotBefore().toInstant().plus(Certificates.BACKDATE);
    Instant notAfter = leaf.getNotAfter().toInstant();
    return notBefore.plus(Duration.between(notBefore, notAfter).multipliedBy(2).dividedBy(3));
  }

  /** A session on {@code channel} with {@code km} has started: schedules its renewal. */
  synchronized void start(KeyMaterial km, ManagedChannel channel) {
    stop();
    this.channel = channel;
    done = false;
    Instant at = dueAt(km.leaf());
    log.debug("certificate {} renews at {}", Certificates.serialHex(km.leaf()), at);
    next = timer.schedule(this::renew, Math.max(0, Duration.between(clock.instant(), at).toMillis()), TimeUnit.MILLISECONDS);
  }

  /** The session ended: no renewal runs on its channel any more. */
  synchronized void stop() {
    channel = null;
    if (next != null) {
      next.cancel(false);
      next = null;
    }
  }

  /** True once a renewal of this session's certificate was stored: the session should reconnect with it. */
  boolean renewed() {
    return done;
  }

  private void renew() {
    ManagedChannel ch;
    synchronized (this) {
      ch = channel;
    }
    if (ch == null) {
      return;
    }
    try {
      KeyPair kp = Keys.generateP256();
      byte[] csr = CsrBuilder.forThisJvm().create(kp, config.hostName());
      RenewResponse r = AgentSessionGrpc.newBlockingStub(ch).withDeadlineAfter(15, TimeUnit.SECONDS)
          .renew(RenewRequest.newBuilder().setCsrDer(ByteString.copyFrom(csr)).build());
      X509Certificate cert = Pem.certificateFromDer(r.getCertificateDer().toByteArray());
      X509Certificate ca = identities.ca();
      if (!cert.getPublicKey().equals(kp.getPublic())) {
        throw new PkiException("the renewed certificate is not for the new key");
      }
      identities.saveRenewed(new KeyMaterial(kp.getPrivate(), List.of(cert, ca)));
      log.info("certificate renewed: serial {} valid until {}", Certificates.serialHex(cert),
          cert.getNotAfter().toInstant());
      done = true;
      renewed.run();
    } catch (StatusRuntimeException | PkiException | IOException e) {
      log.warn("certificate renewal failed, retrying in {} s: {}", RETRY.toSeconds(), e.getMessage());
      synchronized (this) {
        if (channel == ch) {
          next = timer.schedule(this::renew, RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    } catch (RuntimeException e) {
      log.error("certificate renewal failed", e);
    }
  }
}
