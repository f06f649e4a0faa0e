package io.homefleet.agent.identity;

import io.homefleet.agent.config.AgentConfig;
import io.homefleet.agent.config.StateDir;
import io.homefleet.pki.CertificateRules;
import io.homefleet.pki.Identity;
import io.homefleet.pki.KeyMaterial;
import io.homefleet.pki.Keys;
import io.homefleet.pki.Pem;
import io.homefleet.pki.PkiException;
import io.homefleet.pki.SecureFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The agent's identity in its state dir: {@code identity.pem} (private key and certificate
 * chain in one 0600 file, replaced atomically), {@code ca.crt} (the pinned CA), and while an
 * enrollment is in progress {@code enroll.key}, so a retry after a lost response uses the same
 * key and gets the same certificate back. All three are 0600, as everything in the state dir is
 * ({@link StateDir}).
 */
public final class IdentityStore {
  private final AgentConfig config;

  public IdentityStore(AgentConfig config) {
    this.config = config;
  }

  public boolean hasIdentity() {
    return Files.exists(config.identityFile()) && Files.exists(config.caFile());
  }

  /** The stored identity, with its CA checked against the configured pin. */
  public KeyMaterial load() throws IdentityException {
    try {
      KeyMaterial km = KeyMaterial.loadBundle(config.identityFile());
      X509Certificate ca = ca();
      if (!Keys.fingerprint(ca).equals(config.caFingerprint())) {
        throw new IdentityException(IdentityException.Kind.LOCAL, config.caFile() + " has fingerprint "
            + Keys.fingerprint(ca) + " but " + config.source() + " pins " + config.caFingerprint()
            + "; the state dir belongs to another controller: remove " + config.stateDir() + " and enroll with a new token");
      }
      return km;
    } catch (IOException | PkiException e) {
      throw new IdentityException(IdentityException.Kind.LOCAL, "cannot read the agent identity in " + config.stateDir()
          + ": " + e.getMessage(), e);
    }
  }

  public X509Certificate ca() throws IOException, PkiException {
    return Pem.parseCertificates(Files.readString(config.caFile())).get(0);
  }

  /** The host name in the stored certificate. */
  public static String hostOf(KeyMaterial km) throws IdentityException {
    try {
      Identity id = CertificateRules.identityOf(km.leaf());
      return id.name();
    } catch (PkiException e) {
      throw new IdentityException(IdentityException.Kind.LOCAL, "stored certificate: " + e.getMessage());
    }
  }

  public static boolean expired(KeyMaterial km, Instant now) {
    return now.isAfter(km.leaf().getNotAfter().toInstant());
  }

  /** The key to enroll with: the pending one from an earlier attempt, or a new one saved first. */
  public KeyPair enrollmentKey() throws IOException, PkiException {
    Path pending = config.stateDir().resolve("enroll.key");
    StateDir.create(config.stateDir());
    if (Files.exists(pending)) {
      String pem = Files.readString(pending);
      return new KeyPair(publicOf(pem), Pem.parsePrivateKey(pem));
    }
    KeyPair kp = Keys.generateP256();
    SecureFiles.writePrivate(pending, Pem.privateKey(kp.getPrivate()) + Pem.encode("PUBLIC KEY", kp.getPublic().getEncoded()));
    return kp;
  }

  /** Stores the enrolled identity (CA first, then the bundle), then drops the pending key. */
  public void saveEnrolled(PrivateKey key, X509Certificate cert, X509Certificate ca) throws IOException {
    SecureFiles.writePrivate(config.caFile(), Pem.certificate(ca));
    new KeyMaterial(key, List.of(cert, ca)).saveBundle(config.identityFile());
    Files.deleteIfExists(config.stateDir().resolve("enroll.key"));
  }

  /** Replaces the identity after a renewal; one atomic rename. */
  public void saveRenewed(KeyMaterial km) throws IOException {
    km.saveBundle(config.identityFile());
  }

  public Optional<Path> pendingKey() {
    Path p = config.stateDir().resolve("enroll.key");
    return Files.exists(p) ? Optional.of(p) : Optional.empty();
  }

  private static java.security.PublicKey publicOf(String pem) throws PkiException {
    List<byte[]> blocks = Pem.blocks(pem, "PUBLIC KEY");
    if (blocks.size() != 1) {
      throw new PkiException("pending enrollment key file has no PUBLIC KEY block");
    }
    try {
      return java.security.KeyFactory.getInstance("EC").generatePublic(new java.security.spec.X509EncodedKeySpec(blocks.get(0)));
    } catch (java.security.GeneralSecurityException e) {
      throw new PkiException("pending enrollment key file has an invalid public key", e);
    }
  }
}
