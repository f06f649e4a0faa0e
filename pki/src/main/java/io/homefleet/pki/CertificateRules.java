package io.homefleet.pki;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import javax.security.auth.x500.X500Principal;

/**
 * The rules a peer certificate must meet, applied by both sides of every TLS handshake: signed by
 * our CA, within its validity (with a tolerance for clock skew), not a CA, the right extended key
 * usage, and exactly one homefleet identity SAN of the expected kind.
 */
public final class CertificateRules {
  /** Clock skew tolerated on either end of a certificate's validity. */
  public static final Duration ALLOWED_SKEW = Duration.ofMinutes(5);

  static final String EKU_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  static final String EKU_SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final int SAN_URI = 6;

  private CertificateRules() {}

  /** Checks an agent or operator client certificate and returns its identity. */
  public static Identity checkClient(X509Certificate leaf, X509Certificate ca, Instant now) throws PkiException {
    checkCommon(leaf, ca, now);
    requireUsage(leaf, EKU_CLIENT_AUTH, "clientAuth");
    Identity id = identityOf(leaf);
    if (id.kind() == Identity.Kind.CONTROLLER) {
      throw new PkiException("a controller certificate cannot be used as a client certificate");
    }
    return id;
  }

  /** Checks the controller's server certificate and returns its identity. */
  public static Identity checkServer(X509Certificate leaf, X509Certificate ca, Instant now) throws PkiException {
    checkCommon(leaf, ca, now);
    requireUsage(leaf, EKU_SERVER_AUTH, "serverAuth");
    Identity id = identityOf(leaf);
    if (id.kind() != Identity.Kind.CONTROLLER) {
      throw new PkiException("the server certificate does not carry a controller:// identity (" + id + ")");
    }
    return id;
  }

  /** The single homefleet identity in the certificate's URI SANs. */
  public static Identity identityOf(X509Certificate cert) throws PkiException {
    Collection<List<?>> sans;
    try {
      sans = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      throw new PkiException("certificate SANs cannot be parsed: " + e.getMessage());
    }
    Identity found = null;
    if (sans != null) {
      for (List<?> san : sans) {
        if (((Integer) san.get(0)) == SAN_URI) {
          Identity id = Identity.fromUri(String.valueOf(san.get(1)));
          if (id != null) {
            if (found != null) {
              throw new PkiException("certificate carries more than one homefleet identity");
            }
            found = id;
          }
        }
      }
    }
    if (found == null) {
      throw new PkiException("certificate carries no homefleet identity SAN (agent://, operator:// or controller://)");
    }
    return found;
  }

  /**
   * {@link X500Principal#equals}, without its cost in the common case: equal encodings are equal
   * names (a CA's certificates carry its subject as issuer byte for byte), and only different
   * encodings go to the canonical comparison. That one normalises Unicode (NFKD), which loads the
   * JDK's ICU normaliser and its data: ~35 classes and their tables that an idle agent otherwise
   * never needs.
   */
  static boolean sameName(X500Principal a, X500Principal b) {
    return Arrays.equals(a.getEncoded(), b.getEncoded()) || a.equals(b);
  }

  private static void checkCommon(X509Certificate leaf, X509Certificate ca, Instant now) throws PkiException {
    if (!sameName(leaf.getIssuerX500Principal(), ca.getSubjectX500Principal())) {
      throw new PkiException("certificate was not issued by this homefleet CA (issuer " + leaf.getIssuerX500Principal() + ")");
    }
    try {
      leaf.verify(ca.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new PkiException("certificate signature does not verify against this homefleet CA");
    }
    Instant notBefore = leaf.getNotBefore().toInstant();
    Instant notAfter = leaf.getNotAfter().toInstant();
    if (now.plus(ALLOWED_SKEW).isBefore(notBefore)) {
      throw new PkiException("certificate is not valid yet (notBefore " + notBefore + ", now " + now + ")");
    }
    if (now.minus(ALLOWED_SKEW).isAfter(notAfter)) {
      throw new PkiException("certificate expired at " + notAfter);
    }
    if (leaf.getBasicConstraints() != -1) {
      throw new PkiException("a CA certificate cannot be used as a peer certificate");
    }
    if (leaf.equals(ca)) {
      throw new PkiException("the CA certificate itself cannot be used as a peer certificate");
    }
  }

  private static void requireUsage(X509Certificate leaf, String oid, String name) throws PkiException {
    List<String> eku;
    try {
      eku = leaf.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw new PkiException("certificate extended key usage cannot be parsed");
    }
    if (eku == null || !eku.contains(oid)) {
      throw new PkiException("certificate lacks the " + name + " extended key usage");
    }
  }
}
