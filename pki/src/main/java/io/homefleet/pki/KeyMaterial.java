package io.homefleet.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A private key with its certificate chain (leaf first), stored as {@code NAME.key} (0600) and
 * {@code NAME.crt} (leaf then CA) in one directory. The key is written before the certificate,
 * so a certificate on disk always has its key beside it.
 */
public record KeyMaterial(PrivateKey key, List<X509Certificate> chain) {
  public KeyMaterial {
    if (chain == null || chain.isEmpty()) {
      throw new IllegalArgumentException("certificate chain is empty");
    }
    chain = List.copyOf(chain);
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  public void save(Path dir, String name) throws IOException {
    SecureFiles.writePrivate(dir.resolve(name + ".key"), Pem.privateKey(key));
    SecureFiles.writePublic(dir.resolve(name + ".crt"), Pem.certificates(chain));
  }

  /**
   * Writes key and chain into one file (0600) in a single atomic rename, so a crash can never
   * leave a certificate beside the wrong key.
   */
  public void saveBundle(Path file) throws IOException {
    SecureFiles.writePrivate(file, Pem.privateKey(key) + Pem.certificates(chain));
  }

  /** Reads a file written by {@link #saveBundle(Path)}. */
  public static KeyMaterial loadBundle(Path file) throws IOException, PkiException {
    String text = Files.readString(file);
    try {
      return new KeyMaterial(Pem.parsePrivateKey(text), Pem.parseCertificates(text));
    } catch (PkiException e) {
      throw new PkiException(file + ": " + e.getMessage());
    }
  }

  public static boolean exists(Path dir, String name) {
    return Files.exists(dir.resolve(name + ".key")) && Files.exists(dir.resolve(name + ".crt"));
  }

  public static KeyMaterial load(Path dir, String name) throws IOException, PkiException {
    Path keyFile = dir.resolve(name + ".key");
    Path certFile = dir.resolve(name + ".crt");
    PrivateKey key;
    try {
      key = Pem.parsePrivateKey(Files.readString(keyFile));
    } catch (PkiException e) {
      throw new PkiException(keyFile + ": " + e.getMessage());
    }
    try {
      return new KeyMaterial(key, Pem.parseCertificates(Files.readString(certFile)));
    } catch (PkiException e) {
      throw new PkiException(certFile + ": " + e.getMessage());
    }
  }
}
