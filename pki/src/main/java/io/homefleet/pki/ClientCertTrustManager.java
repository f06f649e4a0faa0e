package io.homefleet.pki;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The controller's trust manager for client certificates: applies {@link CertificateRules} and
 * a revocation check during the handshake. Calls are checked again per call by the server's
 * interceptor, so a revocation after the handshake still takes effect.
 */
public final class ClientCertTrustManager extends X509ExtendedTrustManager {
  private final X509Certificate ca;
  private final Clock clock;
  private final Predicate<X509Certificate> revoked;
  private final BiConsumer<X509Certificate, String> onReject;
  private final BiFunction<X509Certificate, String, CertificateException> refusal;

  public ClientCertTrustManager(X509Certificate ca, Clock clock, Predicate<X509Certificate> revoked) {
    this(ca, clock, revoked, (cert, why) -> { });
  }

  /**
   * As above; {@code onReject} hears of every refused certificate (the certificate, or null when
   * none was sent, and the reason), so the controller can log handshakes it turned away.
   */
  public ClientCertTrustManager(X509Certificate ca, Clock clock, Predicate<X509Certificate> revoked,
      BiConsumer<X509Certificate, String> onReject) {
    this(ca, clock, revoked, onReject, (cert, why) -> new CertificateException(why));
  }

  /**
   * As above; {@code refusal} makes the exception thrown for a refused certificate (the
   * certificate, or null, and the reason). Its type is what a TLS engine turns into the alert
   * the client sees, so a provider that needs its own exception types can supply them.
   */
  public ClientCertTrustManager(X509Certificate ca, Clock clock, Predicate<X509Certificate> revoked,
      BiConsumer<X509Certificate, String> onReject, BiFunction<X509Certificate, String, CertificateException> refusal) {
    this.ca = ca;
    this.clock = clock;
    this.revoked = revoked;
    this.onReject = onReject;
    this.refusal = refusal;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw reject(null, "no client certificate");
    }
    try {
      CertificateRules.checkClient(chain[0], ca, clock.instant());
    } catch (PkiException e) {
      throw reject(chain[0], e.getMessage());
    }
    if (revoked.test(chain[0])) {
      throw reject(chain[0], "client certificate " + Certificates.serialHex(chain[0]) + " is revoked");
    }
  }

  private CertificateException reject(X509Certificate cert, String why) {
    try {
      onReject.accept(cert, why);
    } catch (RuntimeException ignored) {
      // A listener must never change the verdict.
    }
    return refusal.apply(cert, why);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("this trust manager only checks clients");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[] {ca};
  }
}
