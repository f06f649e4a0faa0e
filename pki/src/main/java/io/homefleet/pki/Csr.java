package io.homefleet.pki;

import java.io.IOException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * PKCS#10 certificate signing requests. The agent creates one; the controller parses it and
 * takes only its public key (after checking the signature): every other field of the issued
 * certificate is the controller's choice.
 */
public final class Csr {
  private Csr() {}

  /** A DER-encoded CSR for {@code keys}, signed with SHA256withECDSA. */
  public static byte[] create(KeyPair keys, String commonName) {
    try {
      ContentSigner signer = new JcaContentSignerBuilder(Keys.SIGNATURE_ALGORITHM).build(keys.getPrivate());
      return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + commonName), keys.getPublic())
          .build(signer)
          .getEncoded();
    } catch (OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot build a CSR", e);
    }
  }

  /**
   * Parses {@code der}, checks that its signature matches its own public key and that the key is
   * P-256, and returns that key.
   */
  public static PublicKey verifiedPublicKey(byte[] der) throws PkiException {
    if (der == null || der.length == 0) {
      throw new PkiException("the CSR is empty");
    }
    JcaPKCS10CertificationRequest csr;
    PublicKey key;
    try {
      csr = new JcaPKCS10CertificationRequest(new PKCS10CertificationRequest(der));
      key = csr.getPublicKey();
    } catch (IOException | RuntimeException | java.security.GeneralSecurityException e) {
      throw new PkiException("the CSR is not a valid PKCS#10 request: " + e.getMessage());
    }
    if (key instanceof RSAPublicKey rsa) {
      throw new PkiException("the CSR's RSA key (" + rsa.getModulus().bitLength()
          + " bits) is not accepted: homefleet issues certificates for ECDSA P-256 keys only");
    }
    if (!Keys.isP256(key)) {
      throw new PkiException("the CSR's key algorithm " + key.getAlgorithm()
          + " is not accepted: homefleet issues certificates for ECDSA P-256 keys only");
    }
    try {
      if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
        throw new PkiException("the CSR's signature does not match its public key");
      }
    } catch (OperatorCreationException | PKCSException | RuntimeException e) {
      throw new PkiException("the CSR's signature cannot be verified: " + e.getMessage());
    }
    return key;
  }
}
