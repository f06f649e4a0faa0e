package io.homefleet.pki;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The agent's and the CLI's trust manager for the controller. Before enrollment the agent knows
 * only the CA's SHA-256 fingerprint: the server must present the CA in its chain, the CA must
 * match the pin, and the server certificate must meet {@link CertificateRules#checkServer}.
 * After enrollment the stored CA certificate (itself checked against the pin) is the anchor.
 *
 * <p>No host name check is made: the controller is recognised by a serverAuth certificate with a
 * controller:// identity from the pinned private CA, which nothing else is issued.
 */
public final class PinnedServerTrustManager extends X509ExtendedTrustManager {
  private final String pinnedFingerprint;
  private final Clock clock;
  private final AtomicReference<X509Certificate> anchor = new AtomicReference<>();

  /** Trust the CA whose fingerprint is {@code fingerprint} (any accepted spelling). */
  public PinnedServerTrustManager(String fingerprint, Clock clock) throws PkiException {
    this.pinnedFingerprint = Keys.normaliseFingerprint(fingerprint);
    this.clock = clock;
  }

  /** Trust {@code ca}, which must match {@code fingerprint}. */
  public PinnedServerTrustManager(X509Certificate ca, String fingerprint, Clock clock) throws PkiException {
    this(fingerprint, clock);
    if (!Keys.fingerprint(ca).equals(pinnedFingerprint)) {
      throw new PkiException("the stored CA certificate has fingerprint " + Keys.fingerprint(ca)
          + " but the configuration pins " + pinnedFingerprint);
    }
    anchor.set(ca);
  }

  /** The CA seen in a successful handshake (or given at construction). */
  public Optional<X509Certificate> trustedCa() {
    return Optional.ofNullable(anchor.get());
  }

  public String pinnedFingerprint() {
    return pinnedFingerprint;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the controller presented no certificate");
    }
    X509Certificate ca = anchor.get();
    if (ca == null) {
      for (X509Certificate c : chain) {
        if (Keys.fingerprint(c).equals(pinnedFingerprint)) {
          ca = c;
          break;
        }
      }
      if (ca == null) {
        throw new CertificateException("the controller's CA does not match the pinned fingerprint "
            + pinnedFingerprint + " (check ca_fingerprint in the agent config; 'homefleet token create' prints it)");
      }
    }
    try {
      CertificateRules.checkServer(chain[0], ca, clock.instant());
    } catch (PkiException e) {
      throw new CertificateException("the controller's certificate is not trusted: " + e.getMessage());
    }
    anchor.compareAndSet(null, ca);
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
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("this trust manager only checks the controller");
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
  public X509Certificate[] getAcceptedIssuers() {
    X509Certificate ca = anchor.get();
    return ca == null ? new X509Certificate[0] : new X509Certificate[] {ca};
  }
}
