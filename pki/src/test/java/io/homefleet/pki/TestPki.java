package io.homefleet.pki;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Real keys and certificates for tests. {@link TestCa} keeps the CA's private key so a test can
 * sign certificates the production {@link CertificateAuthority} would never issue (CA:true, no
 * EKU, no identity SAN) and show that {@link CertificateRules} rejects them.
 */
final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(1000);

  private TestPki() {}

  /** A CA whose private key the test holds, wrapped by the real {@link CertificateAuthority}. */
  record TestCa(CertificateAuthority authority, X509Certificate certificate, PrivateKey key) {
    /** Starts a hand-built leaf that is, until changed, a valid agent client certificate. */
    LeafBuilder leaf(String host) {
      return new LeafBuilder(this, Identity.agent(host));
    }
  }

  /**
   * A self-signed P-256 CA with subject {@code CN=<commonName>,O=homefleet}, the same DN
   * {@link CertificateAuthority#create} uses: two CAs made with the same name are
   * indistinguishable by name and differ only by key.
   */
  static TestCa newCa(String commonName) {
    KeyPair kp = Keys.generateP256();
    X500Name name = new X500Name("CN=" + commonName + ",O=homefleet");
    Instant now = Instant.now();
    try {
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, nextSerial(),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(365))), name, kp.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate cert = sign(b, kp.getPrivate());
      return new TestCa(new CertificateAuthority(cert, kp.getPrivate()), cert, kp.getPrivate());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A valid agent certificate issued by the real issuing code. */
  static X509Certificate agentCert(TestCa ca, String host) throws PkiException {
    return ca.authority().issueClient(Keys.generateP256().getPublic(), Identity.agent(host), Duration.ofHours(24));
  }

  /** A valid controller server certificate issued by the real issuing code. */
  static X509Certificate serverCert(TestCa ca, String name) throws PkiException {
    return ca.authority().issueServer(Keys.generateP256().getPublic(), name, List.of("localhost", "127.0.0.1"),
        Duration.ofHours(24));
  }

  static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws Exception {
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder(Keys.SIGNATURE_ALGORITHM).build(key)));
  }

  private static BigInteger nextSerial() {
    return BigInteger.valueOf(SERIAL.incrementAndGet());
  }

  /**
   * Builds a leaf signed by a {@link TestCa}'s key. The defaults mirror what the CA issues for an
   * agent (CA:false, clientAuth, one agent:// URI SAN); each setter changes one thing.
   */
  static final class LeafBuilder {
    private final TestCa ca;
    private final Identity identity;
    private PublicKey subjectKey = Keys.generateP256().getPublic();
    private BasicConstraints basicConstraints = new BasicConstraints(false);
    private List<KeyPurposeId> ekus = new ArrayList<>(List.of(KeyPurposeId.id_kp_clientAuth));
    private List<GeneralName> sans;

    private LeafBuilder(TestCa ca, Identity identity) {
      this.ca = ca;
      this.identity = identity;
      this.sans = new ArrayList<>(List.of(new GeneralName(GeneralName.uniformResourceIdentifier, identity.uri().toString())));
    }

    LeafBuilder basicConstraints(BasicConstraints bc) {
      this.basicConstraints = bc;
      return this;
    }

    LeafBuilder ekus(KeyPurposeId... ekus) {
      this.ekus = List.of(ekus);
      return this;
    }

    LeafBuilder sans(GeneralName... sans) {
      this.sans = List.of(sans);
      return this;
    }

    X509Certificate build() throws Exception {
      Instant now = Instant.now();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.certificate(), nextSerial(),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofHours(24))),
          new X500Name("CN=" + identity.name() + ",O=homefleet"), subjectKey)
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      if (basicConstraints != null) {
        b.addExtension(Extension.basicConstraints, true, basicConstraints);
      }
      if (!ekus.isEmpty()) {
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(ekus.toArray(KeyPurposeId[]::new)));
      }
      if (!sans.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
      }
      return sign(b, ca.key());
    }
  }
}
