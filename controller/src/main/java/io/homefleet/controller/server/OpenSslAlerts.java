package io.homefleet.controller.server;

import io.homefleet.pki.CertificateRules;
import io.netty.handler.ssl.OpenSslCertificateException;
import io.netty.internal.tcnative.CertificateVerifier;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * Gives a refused client certificate its proper TLS alert under BoringSSL. Netty's OpenSSL
 * engine turns a plain {@link CertificateException} from a trust manager into
 * {@code internal_error}, which tells the client nothing (and looks like a server fault it
 * should retry); the JDK's engine sends {@code certificate_unknown}. Used as the trust manager's
 * refusal (it never decides whether to refuse, only how to say it): {@code certificate_expired},
 * {@code certificate_revoked}, or {@code bad_certificate} for every other refusal.
 */
final class OpenSslAlerts implements BiFunction<X509Certificate, String, CertificateException> {
  private final Clock clock;
  private final Predicate<X509Certificate> revoked;

  OpenSslAlerts(Clock clock, Predicate<X509Certificate> revoked) {
    this.clock = clock;
    this.revoked = revoked;
  }

  @Override
  public CertificateException apply(X509Certificate leaf, String why) {
    int code = CertificateVerifier.X509_V_ERR_CERT_REJECTED; // bad_certificate
    if (leaf != null) {
      Instant now = clock.instant();
      if (now.minus(CertificateRules.ALLOWED_SKEW).isAfter(leaf.getNotAfter().toInstant())) {
        code = CertificateVerifier.X509_V_ERR_CERT_HAS_EXPIRED; // certificate_expired
      } else if (now.plus(CertificateRules.ALLOWED_SKEW).isBefore(leaf.getNotBefore().toInstant())) {
        code = CertificateVerifier.X509_V_ERR_CERT_NOT_YET_VALID; // bad_certificate
      } else if (revoked.test(leaf)) {
        code = CertificateVerifier.X509_V_ERR_CERT_REVOKED; // certificate_revoked
      }
    }
    return new OpenSslCertificateException(why, code);
  }
}
