package io.homefleet.controller.enroll;

import io.homefleet.controller.store.Records.IssuedCertificate;
import io.homefleet.controller.store.Records.Token;
import io.homefleet.controller.store.Store;
import io.homefleet.pki.CertificateAuthority;
import io.homefleet.pki.Certificates;
import io.homefleet.pki.Csr;
import io.homefleet.pki.EnrollmentTokens;
import io.homefleet.pki.Identity;
import io.homefleet.pki.Keys;
import io.homefleet.pki.Pem;
import io.homefleet.pki.PkiException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mints enrollment tokens and turns a token plus a CSR into a client certificate, following the
 * rules of SECURITY-AND-FAULTS.md: single use, bound to one host, hashed at rest, consumed in the
 * same transaction that records the certificate, idempotent for a retry with the same key.
 */
public final class EnrollmentAuthority {
  private static final Logger log = LoggerFactory.getLogger(EnrollmentAuthority.class);

  /** An issued certificate and what the agent needs with it. */
  public record Issued(X509Certificate certificate, X509Certificate ca, String host, String role) {}

  /** A freshly minted token; the plain text exists only here and in the operator's terminal. */
  public record MintedToken(String token, String host, String role, long expiresAtMillis, String caFingerprint) {}

  private final Store store;
  private final CertificateAuthority ca;
  private final Clock clock;
  private final Duration certLifetime;
  private final FailureLimiter limiter;
  private volatile BiConsumer<String, List<String>> onSuperseded = (host, serials) -> { };

  public EnrollmentAuthority(Store store, CertificateAuthority ca, Clock clock, Duration certLifetime) {
    this.store = store;
    this.ca = ca;
    this.clock = clock;
    this.certLifetime = certLifetime;
    this.limiter = new FailureLimiter(10, Duration.ofMinutes(1), clock);
  }

  /** Called after a host enrolls again, with the serials of the identities it replaced. */
  public void onSuperseded(BiConsumer<String, List<String>> listener) {
    this.onSuperseded = listener;
  }

  public Duration certLifetime() {
    return certLifetime;
  }

  public MintedToken mint(String host, String role, Map<String, String> labels, Duration ttl) {
    if (!Identity.isValidName(host)) {
      throw new IllegalArgumentException("host name '" + host + "' is not valid: use lower-case letters, digits, '.', '_' "
          + "or '-', 1-63 characters, starting and ending with a letter or digit");
    }
    if (!Identity.isValidName(role)) {
      throw new IllegalArgumentException("role '" + role + "' is not valid: use lower-case letters, digits, '.', '_' or '-'");
    }
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofDays(30)) > 0) {
      throw new IllegalArgumentException("token TTL must be between 1 second and 30 days, got " + ttl);
    }
    String token = EnrollmentTokens.mint();
    long now = clock.millis();
    store.enrollment().insertToken(new Token(EnrollmentTokens.hash(token), host, role, labels, now, now + ttl.toMillis(),
        Optional.empty(), Optional.empty(), Optional.empty()));
    log.info("minted an enrollment token for host {} (role {}), valid until {}", host, role,
        java.time.Instant.ofEpochMilli(now + ttl.toMillis()));
    return new MintedToken(token, host, role, now + ttl.toMillis(), ca.fingerprint());
  }

  /**
   * Enrolls {@code hostName} with {@code token} and the CSR in {@code csrDer}.
   *
   * @param source the peer address, for rate limiting and the log
   */
  public Issued enroll(String token, String hostName, byte[] csrDer, String source) throws EnrollmentException {
    if (limiter.blocked(source)) {
      log.warn("enrollment from {} refused: too many failed attempts", source);
      throw new EnrollmentException(EnrollmentException.Reason.RATE_LIMITED,
          "too many failed enrollment attempts from this address; wait a minute");
    }
    try {
      return enroll0(token, hostName, csrDer, source);
    } catch (EnrollmentException e) {
      int n = limiter.fail(source);
      log.warn("enrollment of '{}' from {} refused ({} failure(s) this minute): {}", hostName, source, n, e.getMessage());
      throw e;
    }
  }

  private Issued enroll0(String token, String hostName, byte[] csrDer, String source) throws EnrollmentException {
    if (!EnrollmentTokens.wellFormed(token)) {
      throw new EnrollmentException(EnrollmentException.Reason.INVALID,
          "malformed enrollment token: expected 'hf1.' followed by 43 base64url characters, as printed by 'homefleet token create'");
    }
    if (!Identity.isValidName(hostName)) {
      throw new EnrollmentException(EnrollmentException.Reason.INVALID, "host name '" + hostName + "' is not valid");
    }
    PublicKey key;
    try {
      key = Csr.verifiedPublicKey(csrDer);
    } catch (PkiException e) {
      throw new EnrollmentException(EnrollmentException.Reason.INVALID, e.getMessage());
    }
    String keyHash = Keys.publicKeyHash(key);
    Token t = store.enrollment().token(EnrollmentTokens.hash(token)).orElseThrow(() ->
        new EnrollmentException(EnrollmentException.Reason.DENIED, "unknown enrollment token"));
    if (!t.host().equals(hostName)) {
      throw new EnrollmentException(EnrollmentException.Reason.DENIED,
          "this token is bound to another host, not '" + hostName + "'");
    }
    if (t.usedAt().isPresent()) {
      return reissueForRetry(t, keyHash);
    }
    long now = clock.millis();
    if (now > t.expiresAt()) {
      throw new EnrollmentException(EnrollmentException.Reason.DENIED,
          "enrollment token expired at " + java.time.Instant.ofEpochMilli(t.expiresAt()) + "; mint a new one with 'homefleet token create'");
    }
    X509Certificate cert = issue(key, hostName);
    IssuedCertificate rec = record(cert, hostName, keyHash, now);
    Optional<List<String>> superseded = store.enrollment().consumeTokenAndEnroll(t, keyHash, rec, now);
    if (superseded.isEmpty()) {
      // Lost a race with a concurrent use of the same token: treat it as a retry.
      return reissueForRetry(store.enrollment().token(t.hash()).orElseThrow(), keyHash);
    }
    if (!superseded.get().isEmpty()) {
      log.warn("host {} enrolled again: its {} earlier certificate(s) are revoked", hostName, superseded.get().size());
      onSuperseded.accept(hostName, superseded.get());
    }
    log.info("enrolled host {} (role {}) from {}, certificate {} valid until {}", hostName, t.role(), source,
        rec.serial(), cert.getNotAfter().toInstant());
    return new Issued(cert, ca.certificate(), hostName, t.role());
  }

  /** A used token presented again: the same key gets the same certificate back, any other key nothing. */
  private Issued reissueForRetry(Token t, String keyHash) throws EnrollmentException {
    if (t.publicKeyHash().isEmpty() || !t.publicKeyHash().get().equals(keyHash) || t.certSerial().isEmpty()) {
      throw new EnrollmentException(EnrollmentException.Reason.DENIED, "this enrollment token has already been used");
    }
    IssuedCertificate rec = store.enrollment().certificate(t.certSerial().get()).orElseThrow(() ->
        new EnrollmentException(EnrollmentException.Reason.DENIED, "this enrollment token has already been used"));
    if (store.enrollment().revokedSerials().contains(rec.serial())) {
      throw new EnrollmentException(EnrollmentException.Reason.DENIED, "the certificate issued for this token was revoked");
    }
    try {
      log.info("enrollment retry for host {} with the same key: returning certificate {}", t.host(), rec.serial());
      return new Issued(Pem.parseCertificates(rec.pem()).get(0), ca.certificate(), t.host(), t.role());
    } catch (PkiException e) {
      throw new IllegalStateException("stored certificate " + rec.serial() + " is corrupt", e);
    }
  }

  /**
   * Renewal over mTLS: a fresh key for an identity that already holds a valid certificate
   * ({@code callerSerial}). The new certificate is recorded only if, at that moment, the caller's
   * certificate is still the host's, unrevoked, and the host not decommissioned, so a renewal
   * racing a revocation or a re-enrollment cannot outlive it.
   */
  public Issued renew(String hostName, String callerSerial, byte[] csrDer) throws EnrollmentException {
    PublicKey key;
    try {
      key = Csr.verifiedPublicKey(csrDer);
    } catch (PkiException e) {
      throw new EnrollmentException(EnrollmentException.Reason.INVALID, e.getMessage());
    }
    var host = store.hosts().host(hostName).filter(h -> !h.decommissioned()).orElseThrow(() ->
        new EnrollmentException(EnrollmentException.Reason.DENIED, "host " + hostName + " is not enrolled"));
    long now = clock.millis();
    X509Certificate cert = issue(key, hostName);
    if (!store.enrollment().insertRenewal(record(cert, hostName, Keys.publicKeyHash(key), now), callerSerial)) {
      throw new EnrollmentException(EnrollmentException.Reason.DENIED,
          "certificate " + callerSerial + " of host " + hostName + " was revoked or superseded; enroll again");
    }
    log.info("renewed the certificate of host {}: serial {} valid until {}", hostName,
        Certificates.serialHex(cert), cert.getNotAfter().toInstant());
    return new Issued(cert, ca.certificate(), hostName, host.role());
  }

  private X509Certificate issue(PublicKey key, String hostName) throws EnrollmentException {
    try {
      return ca.issueClient(key, Identity.agent(hostName), clock.instant(), certLifetime);
    } catch (PkiException e) {
      throw new EnrollmentException(EnrollmentException.Reason.INVALID, e.getMessage());
    }
  }

  private static IssuedCertificate record(X509Certificate cert, String host, String keyHash, long now) {
    return new IssuedCertificate(Certificates.serialHex(cert), Identity.agent(host).toString(),
        Optional.of(host), keyHash, cert.getNotBefore().getTime(), cert.getNotAfter().getTime(), Pem.certificate(cert), now);
  }
}
