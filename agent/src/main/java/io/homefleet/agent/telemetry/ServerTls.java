package io.homefleet.agent.telemetry;

import io.homefleet.pki.ClientCertTrustManager;
import io.homefleet.pki.KeyMaterial;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * TLS for {@code /metrics} on a non-loopback address: the agent presents its own certificate
 * (the current one: renewals are picked up at the next handshake) and requires a client
 * certificate issued by the fleet's CA that passes the same rules the controller applies
 * (clientAuth, a homefleet identity, in its validity period).
 */
final class ServerTls {
  private ServerTls() {}

  static SSLContext context(Supplier<KeyMaterial> identity, X509Certificate ca, Clock clock)
      throws GeneralSecurityException {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(new KeyManager[] {new CurrentIdentity(identity)},
        new TrustManager[] {new ClientCertTrustManager(ca, clock, cert -> false)}, null);
    return ctx;
  }

  /** Serves whatever identity the supplier returns now. */
  private static final class CurrentIdentity extends X509ExtendedKeyManager {
    private static final String ALIAS = "agent";
    private final Supplier<KeyMaterial> identity;

    CurrentIdentity(Supplier<KeyMaterial> identity) {
      this.identity = identity;
    }

    private String alias(String keyType) {
      KeyMaterial km = identity.get();
      return km != null && km.key().getAlgorithm().equals(keyType) ? ALIAS : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return alias(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return alias(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      String a = alias(keyType);
      return a == null ? null : new String[] {a};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      KeyMaterial km = identity.get();
      return km == null ? null : km.chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      KeyMaterial km = identity.get();
      return km == null ? null : km.key();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }
}
