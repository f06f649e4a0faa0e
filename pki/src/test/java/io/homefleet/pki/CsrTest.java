package io.homefleet.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

class CsrTest {

  private static KeyPair generate(String algorithm, Object params) throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance(algorithm);
    if (params instanceof Integer bits) {
      gen.initialize(bits);
    } else if (params instanceof ECGenParameterSpec spec) {
      gen.initialize(spec);
    }
    return gen.generateKeyPair();
  }

  /** A CSR carrying {@code subjectKey}, signed by {@code signingKey} (which need not match). */
  private static byte[] csr(PublicKey subjectKey, PrivateKey signingKey, String signatureAlgorithm) throws Exception {
    return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=web-1"), subjectKey)
        .build(new JcaContentSignerBuilder(signatureAlgorithm).build(signingKey))
        .getEncoded();
  }

  @Test
  void verifiedPublicKey_whenValidP256Csr_returnsItsKey() throws Exception {
    KeyPair kp = Keys.generateP256();

    PublicKey key = Csr.verifiedPublicKey(Csr.create(kp, "web-1"));

    assertThat(key.getEncoded()).isEqualTo(kp.getPublic().getEncoded());
  }

  @Test
  void verifiedPublicKey_whenSignedByAnotherKey_rejects() throws Exception {
    KeyPair a = Keys.generateP256();
    KeyPair b = Keys.generateP256();
    byte[] der = csr(a.getPublic(), b.getPrivate(), Keys.SIGNATURE_ALGORITHM);

    assertThatThrownBy(() -> Csr.verifiedPublicKey(der))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("signature");
  }

  @Test
  void verifiedPublicKey_whenSignatureByteTampered_rejects() throws Exception {
    byte[] der = Csr.create(Keys.generateP256(), "web-1");
    // The signature BIT STRING is the last element of the DER; its final byte is the end of s.
    der[der.length - 1] ^= 0x01;

    assertThatThrownBy(() -> Csr.verifiedPublicKey(der))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("signature");
  }

  @Test
  void verifiedPublicKey_whenSubjectTamperedAfterSigning_rejects() throws Exception {
    byte[] der = Csr.create(Keys.generateP256(), "web-1");
    byte[] tampered = replace(der, "web-1", "web-2");

    assertThatThrownBy(() -> Csr.verifiedPublicKey(tampered))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("signature does not match");
  }

  @Test
  void verifiedPublicKey_whenRsa1024_rejectsNamingP256() throws Exception {
    KeyPair rsa = generate("RSA", 1024);
    byte[] der = csr(rsa.getPublic(), rsa.getPrivate(), "SHA256withRSA");

    assertThatThrownBy(() -> Csr.verifiedPublicKey(der))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("RSA")
        .hasMessageContaining("1024")
        .hasMessageContaining("P-256");
  }

  @Test
  void verifiedPublicKey_whenRsa2048_rejectsNamingP256() throws Exception {
    KeyPair rsa = generate("RSA", 2048);
    byte[] der = csr(rsa.getPublic(), rsa.getPrivate(), "SHA256withRSA");

    assertThatThrownBy(() -> Csr.verifiedPublicKey(der))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("RSA")
        .hasMessageContaining("P-256");
  }

  @Test
  void verifiedPublicKey_whenEcP384_rejectsNamingP256() throws Exception {
    KeyPair p384 = generate("EC", new ECGenParameterSpec("secp384r1"));
    byte[] der = csr(p384.getPublic(), p384.getPrivate(), "SHA384withECDSA");

    assertThatThrownBy(() -> Csr.verifiedPublicKey(der))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("P-256");
  }

  @Test
  void verifiedPublicKey_whenEd25519_rejects() throws Exception {
    KeyPair ed = generate("Ed25519", null);
    byte[] der = csr(ed.getPublic(), ed.getPrivate(), "Ed25519");

    assertThatThrownBy(() -> Csr.verifiedPublicKey(der)).isInstanceOf(PkiException.class);
  }

  @Test
  void verifiedPublicKey_whenGarbage_rejects() {
    byte[] garbage = "this is not a certificate signing request".getBytes(StandardCharsets.US_ASCII);

    assertThatThrownBy(() -> Csr.verifiedPublicKey(garbage))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("not a valid PKCS#10 request");
  }

  @Test
  void verifiedPublicKey_whenTruncated_rejects() {
    byte[] der = Csr.create(Keys.generateP256(), "web-1");
    byte[] truncated = Arrays.copyOf(der, der.length / 2);

    assertThatThrownBy(() -> Csr.verifiedPublicKey(truncated))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("not a valid PKCS#10 request");
  }

  @Test
  void verifiedPublicKey_whenCertificateInsteadOfCsr_rejects() throws Exception {
    byte[] der = TestPki.newCa("homefleet-ca").certificate().getEncoded();

    assertThatThrownBy(() -> Csr.verifiedPublicKey(der))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("not a valid PKCS#10 request");
  }

  @Test
  void verifiedPublicKey_whenEmpty_rejects() {
    assertThatThrownBy(() -> Csr.verifiedPublicKey(new byte[0]))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void verifiedPublicKey_whenNull_rejects() {
    assertThatThrownBy(() -> Csr.verifiedPublicKey(null))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("empty");
  }

  private static byte[] replace(byte[] haystack, String from, String to) {
    byte[] f = from.getBytes(StandardCharsets.US_ASCII);
    byte[] t = to.getBytes(StandardCharsets.US_ASCII);
    byte[] out = haystack.clone();
    for (int i = 0; i + f.length <= out.length; i++) {
      if (Arrays.equals(out, i, i + f.length, f, 0, f.length)) {
        System.arraycopy(t, 0, out, i, t.length);
        return out;
      }
    }
    throw new AssertionError("'" + from + "' not found in the DER");
  }
}
