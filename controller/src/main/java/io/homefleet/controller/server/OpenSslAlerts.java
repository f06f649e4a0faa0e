package io.homefleet.controller.server;

import io.homefleet.pki.CertificateRules;
import io.netty.handler.ssl.OpenSslCertificateException;
import io.netty.internal.tcnative.CertificateVerifier;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Predicate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Gives a refused client certificate its proper TLS alert under BoringSSL. Netty's OpenSSL
 * engine turns a plain {@link CertificateException} from a trust manager into
 * {@code internal_error}, which tells the client nothing (and looks like a server fault it
 * should retry); the JDK's engine sends {@code certificate_unknown}. This wrapper keeps the
 * verdict of the trust manager it wraps and only picks the alert: {@code certificate_expired},
 * {@code certificate_revoked}, or {@code bad_certificate} for every other refusal.
 */
final class OpenSslAlerts extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager delegate;
  private final Clock clock;
  private final Predicate<X509Certificate> revoked;

  OpenSslAlerts(X509ExtendedTrustManager delegate, Clock clock, Predicate<X509Certificate> revoked) {
    this.delegate = delegate;
    this.clock = clock;
    this.revoked = revoked;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    try {
      delegate.checkClientTrusted(chain, authType);
    } catch (CertificateException e) {
      throw withAlert(chain, e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  private CertificateException withAlert(X509Certificate[] chain, CertificateException refused) {
    int code = CertificateVerifier.X509_V_ERR_CERT_REJECTED; // bad_certificate
    if (chain != null && chain.length > 0) {
      X509Certificate leaf = chain[0];
      Instant now = clock.instant();
      if (now.minus(CertificateRules.ALLOWED_SKEW).isAfter(leaf.getNotAfter().toInstant())) {
        code = CertificateVerifier.X509_V_ERR_CERT_HAS_EXPIRED; // certificate_expired
      } else if (now.plus(CertificateRules.ALLOWED_SKEW).isBefore(leaf.getNotBefore().toInstant())) {
        code = CertificateVerifier.X509_V_ERR_CERT_NOT_YET_VALID; // bad_certificate
      } else if (revoked.test(leaf)) {
        code = CertificateVerifier.X509_V_ERR_CERT_REVOKED; // certificate_revoked
      }
    }
    OpenSslCertificateException e = new OpenSslCertificateException(refused.getMessage(), code);
    e.initCause(refused);
    return e;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate.checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    delegate.checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    delegate.checkServerTrusted(chain, authType, engine);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }
}
