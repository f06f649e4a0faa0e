package io.homefleet.pki;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** PEM encoding of certificates and PKCS#8 private keys, with the JDK only. */
public final class Pem {
  private Pem() {}

  public static String encode(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  public static String certificate(X509Certificate cert) {
    try {
      return encode("CERTIFICATE", cert.getEncoded());
    } catch (CertificateException e) {
      throw new IllegalStateException("certificate cannot be encoded", e);
    }
  }

  public static String certificates(List<X509Certificate> certs) {
    StringBuilder sb = new StringBuilder();
    certs.forEach(c -> sb.append(certificate(c)));
    return sb.toString();
  }

  public static String privateKey(PrivateKey key) {
    return encode("PRIVATE KEY", key.getEncoded());
  }

  /** All blocks of {@code type} in {@code pem}, decoded. */
  public static List<byte[]> blocks(String pem, String type) {
    List<byte[]> out = new ArrayList<>();
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = 0;
    while (true) {
      int b = pem.indexOf(begin, from);
      if (b < 0) {
        return out;
      }
      int e = pem.indexOf(end, b);
      if (e < 0) {
        return out;
      }
      out.add(Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e)));
      from = e + end.length();
    }
  }

  public static List<X509Certificate> parseCertificates(String pem) throws PkiException {
    List<X509Certificate> certs = new ArrayList<>();
    for (byte[] der : blocks(pem, "CERTIFICATE")) {
      certs.add(certificateFromDer(der));
    }
    if (certs.isEmpty()) {
      throw new PkiException("no PEM CERTIFICATE block found");
    }
    return certs;
  }

  public static X509Certificate certificateFromDer(byte[] der) throws PkiException {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new PkiException("not a valid X.509 certificate: " + e.getMessage(), e);
    }
  }

  public static PrivateKey parsePrivateKey(String pem) throws PkiException {
    List<byte[]> blocks = blocks(pem, "PRIVATE KEY");
    if (blocks.size() != 1) {
      throw new PkiException("expected exactly one PEM PRIVATE KEY (PKCS#8) block, found " + blocks.size());
    }
    try {
      return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(blocks.get(0)));
    } catch (GeneralSecurityException e) {
      throw new PkiException("not a valid EC PKCS#8 private key: " + e.getMessage(), e);
    }
  }
}
