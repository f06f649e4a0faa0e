package io.homefleet.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.HexFormat;
import java.util.Locale;

/** ECDSA P-256 keys and SHA-256 fingerprints. */
public final class Keys {
  public static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  private static final String FINGERPRINT_PREFIX = "sha256:";

  private Keys() {}

  /** A fresh P-256 key pair from the JDK's provider. */
  public static KeyPair generateP256() {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"));
      return gen.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no P-256 support", e);
    }
  }

  /** True for an EC key on P-256 (the only key type homefleet issues certificates for). */
  public static boolean isP256(PublicKey key) {
    return key instanceof ECPublicKey ec && ec.getParams().getCurve().getField().getFieldSize() == 256
        && ec.getParams().getOrder().bitLength() == 256;
  }

  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Hex SHA-256 of the encoded public key; used to recognise a retried CSR. */
  public static String publicKeyHash(PublicKey key) {
    return HexFormat.of().formatHex(sha256(key.getEncoded()));
  }

  /** The CA fingerprint as printed to operators: {@code sha256:AB:CD:...}. */
  public static String fingerprint(X509Certificate cert) {
    try {
      return FINGERPRINT_PREFIX + HexFormat.ofDelimiter(":").withUpperCase().formatHex(sha256(cert.getEncoded()));
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Normalises a fingerprint typed by a person (with or without {@code sha256:}, colons, any case)
   * to the canonical form; throws {@link PkiException} when it is not 32 bytes of hex.
   */
  public static String normaliseFingerprint(String text) throws PkiException {
    if (text == null) {
      throw new PkiException("CA fingerprint is missing");
    }
    String t = text.trim();
    if (t.toLowerCase(Locale.ROOT).startsWith(FINGERPRINT_PREFIX)) {
      t = t.substring(FINGERPRINT_PREFIX.length());
    }
    t = t.replace(":", "").replace(" ", "");
    if (!t.matches("[0-9a-fA-F]{64}")) {
      throw new PkiException("CA fingerprint '" + text + "' is not a SHA-256 fingerprint"
          + " (expected 'sha256:' and 32 hex bytes, as printed by 'homefleet token create')");
    }
    return FINGERPRINT_PREFIX + HexFormat.ofDelimiter(":").withUpperCase().formatHex(HexFormat.of().parseHex(t));
  }
}
