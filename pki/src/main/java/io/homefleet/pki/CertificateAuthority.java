package io.homefleet.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The controller's root CA: an ECDSA P-256 key and a self-signed certificate. It issues the
 * controller's server certificate and client certificates for agents and operators; it decides
 * every field of what it issues.
 */
public final class CertificateAuthority {
  private static final Duration BACKDATE = Certificates.BACKDATE;

  public static final String CA_CERT = "ca.crt";
  public static final String CA_KEY = "ca.key";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey key;

  public CertificateAuthority(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** Creates a new root CA valid for {@code lifetime}. */
  public static CertificateAuthority create(String commonName, Duration lifetime) {
    KeyPair kp = Keys.generateP256();
    Instant now = Instant.now();
    X500Name name = new X500Name("CN=" + commonName + ",O=homefleet");
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, newSerial(),
          Date.from(now.minus(BACKDATE)), Date.from(now.plus(lifetime)), name, kp.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
      return new CertificateAuthority(sign(b, kp.getPrivate()), kp.getPrivate());
    } catch (CertIOException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot build the CA certificate", e);
    }
  }

  /** Loads {@code dir/ca.crt} and {@code dir/ca.key}. */
  public static CertificateAuthority load(Path dir) throws PkiException, IOException {
    X509Certificate cert = Pem.parseCertificates(Files.readString(dir.resolve(CA_CERT))).get(0);
    PrivateKey key = Pem.parsePrivateKey(Files.readString(dir.resolve(CA_KEY)));
    return new CertificateAuthority(cert, key);
  }

  /** Writes {@code dir/ca.crt} (0644) and {@code dir/ca.key} (0600), each atomically. */
  public void save(Path dir) throws IOException {
    SecureFiles.writePrivate(dir.resolve(CA_KEY), Pem.privateKey(key));
    SecureFiles.writePublic(dir.resolve(CA_CERT), Pem.certificate(certificate));
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public String fingerprint() {
    return Keys.fingerprint(certificate);
  }

  /**
   * Issues the controller's TLS server certificate. {@code sans} are DNS names or IP literals;
   * the identity SAN {@code controller://<name>} is added.
   */
  public X509Certificate issueServer(PublicKey subjectKey, String name, List<String> sans, Duration lifetime)
      throws PkiException {
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.uniformResourceIdentifier, new Identity(Identity.Kind.CONTROLLER, name).uri().toString()));
    for (String san : sans) {
      names.add(isIpLiteral(san)
          ? new GeneralName(GeneralName.iPAddress, san)
          : new GeneralName(GeneralName.dNSName, san));
    }
    return issue(subjectKey, "CN=" + name + ",O=homefleet", names, KeyPurposeId.id_kp_serverAuth,
        Instant.now(), lifetime);
  }

  /** Issues a client certificate for {@code identity} (agent or operator), clientAuth only. */
  public X509Certificate issueClient(PublicKey subjectKey, Identity identity, Duration lifetime) throws PkiException {
    return issueClient(subjectKey, identity, Instant.now(), lifetime);
  }

  /** As {@link #issueClient(PublicKey, Identity, Duration)} with an explicit "now" (tests of expiry). */
  public X509Certificate issueClient(PublicKey subjectKey, Identity identity, Instant now, Duration lifetime)
      throws PkiException {
    if (identity.kind() == Identity.Kind.CONTROLLER) {
      throw new IllegalArgumentException("controller identities get server certificates");
    }
    List<GeneralName> names = List.of(new GeneralName(GeneralName.uniformResourceIdentifier, identity.uri().toString()));
    return issue(subjectKey, "CN=" + identity.name() + ",OU=" + identity.kind().scheme() + ",O=homefleet", names,
        KeyPurposeId.id_kp_clientAuth, now, lifetime);
  }

  private X509Certificate issue(PublicKey subjectKey, String subject, List<GeneralName> sans, KeyPurposeId usage,
      Instant now, Duration lifetime) throws PkiException {
    if (!Keys.isP256(subjectKey)) {
      throw new PkiException("only ECDSA P-256 keys are accepted, got " + subjectKey.getAlgorithm());
    }
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, newSerial(),
          Date.from(now.minus(BACKDATE)), Date.from(now.plus(lifetime)), new X500Name(subject), subjectKey)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usage))
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
      return sign(b, key);
    } catch (CertIOException | java.security.NoSuchAlgorithmException | CertificateException e) {
      throw new PkiException("cannot issue certificate for " + subject + ": " + e.getMessage(), e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signingKey) {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder(Keys.SIGNATURE_ALGORITHM).build(signingKey)));
    } catch (OperatorCreationException | CertificateException e) {
      throw new IllegalStateException("cannot sign certificate", e);
    }
  }

  private static BigInteger newSerial() {
    // 128 random bits, positive, never zero.
    return new BigInteger(128, RANDOM).setBit(127);
  }

  /** The serial as lower-case hex, the form used in the store and in revocations. */
  static boolean isIpLiteral(String s) {
    if (s.matches("[0-9.]+") || s.contains(":")) {
      try {
        InetAddress.getByName(s);
        return true;
      } catch (IOException e) {
        return false;
      }
    }
    return false;
  }
}
