package io.homefleet.controller.testing;

import io.homefleet.pki.CertificateAuthority;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Hand-built certificates and CSRs that homefleet itself would never produce: what an attacker
 * (or a buggy client) could send. Built with Bouncy Castle directly, not with our own PKI code,
 * so a bug there cannot hide here.
 */
public final class Forgery {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Forgery() {}

  /**
   * What a forged client certificate carries. {@link #valid(String)} describes one that our CA
   * would issue; each {@code with...} changes one property.
   *
   * @param ekus extended key usages, or null to leave the extension out
   */
  public record CertSpec(boolean ca, List<KeyPurposeId> ekus, List<GeneralName> sans, Instant notBefore,
      Instant notAfter) {
    /** A certificate equivalent to what the CA issues for {@code identityUri} (e.g. operator://admin). */
    public static CertSpec valid(String identityUri) {
      Instant now = Instant.now();
      return new CertSpec(false, List.of(KeyPurposeId.id_kp_clientAuth),
          List.of(new GeneralName(GeneralName.uniformResourceIdentifier, identityUri)),
          now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(1)));
    }

    public CertSpec withCa(boolean isCa) {
      return new CertSpec(isCa, ekus, sans, notBefore, notAfter);
    }

    public CertSpec withEkus(List<KeyPurposeId> e) {
      return new CertSpec(ca, e, sans, notBefore, notAfter);
    }

    public CertSpec withSans(List<GeneralName> s) {
      return new CertSpec(ca, ekus, s, notBefore, notAfter);
    }
  }

  /** A certificate for {@code subject} with the properties of {@code spec}, signed by {@code issuer}'s key. */
  public static X509Certificate certificate(X509Certificate issuer, PrivateKey issuerKey, PublicKey subject, CertSpec spec)
      throws Exception {
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(128, RANDOM).setBit(127),
        Date.from(spec.notBefore()), Date.from(spec.notAfter()), new X500Name("CN=forged,O=homefleet"), subject);
    b.addExtension(Extension.basicConstraints, true, spec.ca() ? new BasicConstraints(0) : new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true, spec.ca()
        ? new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign)
        : new KeyUsage(KeyUsage.digitalSignature));
    if (spec.ekus() != null) {
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(spec.ekus().toArray(KeyPurposeId[]::new)));
    }
    if (!spec.sans().isEmpty()) {
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(spec.sans().toArray(GeneralName[]::new)));
    }
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
  }

  /** As {@link #certificate} signed by {@code ca}. */
  public static X509Certificate certificate(CertificateAuthority ca, PrivateKey caKey, PublicKey subject, CertSpec spec)
      throws Exception {
    return certificate(ca.certificate(), caKey, subject, spec);
  }

  /** A CSR for {@code keys} that also asks for {@code requested} extensions (PKCS#9 extensionRequest). */
  public static byte[] csrRequesting(KeyPair keys, String commonName, Extensions requested) throws Exception {
    return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + commonName), keys.getPublic())
        .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, requested)
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
        .getEncoded();
  }

  /** A CSR that claims {@code claimed} but is signed with {@code signer}: the signature cannot verify. */
  public static byte[] csrWithForeignSignature(PublicKey claimed, PrivateKey signer, String commonName) throws Exception {
    return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + commonName), claimed)
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer))
        .getEncoded();
  }

  /** A correctly self-signed CSR for {@code keys}, signed with {@code signatureAlgorithm}. */
  public static byte[] csr(KeyPair keys, String commonName, String signatureAlgorithm) throws Exception {
    return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + commonName), keys.getPublic())
        .build(new JcaContentSignerBuilder(signatureAlgorithm).build(keys.getPrivate()))
        .getEncoded();
  }

  public static KeyPair rsa(int bits) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(bits);
    return g.generateKeyPair();
  }

  public static KeyPair ec(String curve) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec(curve));
    return g.generateKeyPair();
  }

  public static KeyPair ed25519() throws Exception {
    return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
  }

  /** OID of an extended key usage, as {@link X509Certificate#getExtendedKeyUsage()} lists it. */
  public static String oid(KeyPurposeId id) {
    return ((ASN1ObjectIdentifier) id.toASN1Primitive()).getId();
  }
}
