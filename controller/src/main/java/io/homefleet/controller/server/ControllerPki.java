package io.homefleet.controller.server;

import io.homefleet.controller.store.Records.IssuedCertificate;
import io.homefleet.controller.store.Store;
import io.homefleet.pki.CertificateAuthority;
import io.homefleet.pki.Certificates;
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
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The controller's key material on disk: {@code <data>/pki/ca.{crt,key}} and
 * {@code <data>/pki/server.{crt,key}}, plus operator credentials written to an operator's
 * {@code HOMEFLEET_HOME}.
 */
public final class ControllerPki {
  public static final String SERVER = "server";
  public static final String OPERATOR = "operator";
  public static final Duration CA_LIFETIME = Duration.ofDays(3650);
  public static final Duration SERVER_LIFETIME = Duration.ofDays(825);
  public static final Duration OPERATOR_LIFETIME = Duration.ofDays(365);

  private ControllerPki() {}

  /** True when {@code pkiDir} already holds a CA. */
  public static boolean exists(Path pkiDir) {
    return Files.exists(pkiDir.resolve(CertificateAuthority.CA_KEY));
  }

  /** Creates the CA and the server certificate. Refuses to overwrite an existing CA. */
  public static CertificateAuthority initCa(Path pkiDir, String controllerName, List<String> serverNames)
      throws IOException, PkiException {
    if (exists(pkiDir)) {
      throw new PkiException(pkiDir.resolve(CertificateAuthority.CA_KEY) + " already exists: this controller already has a CA."
          + " Back it up and remove the data dir to start over; never replace a CA agents already trust.");
    }
    Files.createDirectories(pkiDir);
    Files.setPosixFilePermissions(pkiDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    CertificateAuthority ca = CertificateAuthority.create("homefleet CA " + controllerName, CA_LIFETIME);
    ca.save(pkiDir);
    issueServer(ca, pkiDir, controllerName, serverNames);
    return ca;
  }

  public static KeyMaterial issueServer(CertificateAuthority ca, Path pkiDir, String controllerName, List<String> names)
      throws IOException, PkiException {
    KeyPair kp = Keys.generateP256();
    X509Certificate cert = ca.issueServer(kp.getPublic(), controllerName, names, SERVER_LIFETIME);
    KeyMaterial km = new KeyMaterial(kp.getPrivate(), List.of(cert, ca.certificate()));
    km.save(pkiDir, SERVER);
    return km;
  }

  /**
   * Issues an operator certificate for {@code name} and writes {@code operator.key},
   * {@code operator.crt}, {@code ca.crt} and {@code config.yaml} into {@code home}.
   */
  public static X509Certificate writeOperatorHome(CertificateAuthority ca, Store store, Path home, String name,
      String controllerAddress, Optional<Path> controlSocket) throws IOException, PkiException {
    KeyPair kp = Keys.generateP256();
    X509Certificate cert = ca.issueClient(kp.getPublic(), Identity.operator(name), OPERATOR_LIFETIME);
    Files.createDirectories(home);
    new KeyMaterial(kp.getPrivate(), List.of(cert, ca.certificate())).save(home, OPERATOR);
    SecureFiles.writePublic(home.resolve("ca.crt"), Pem.certificate(ca.certificate()));
    SecureFiles.writePublic(home.resolve("config.yaml"), "# homefleet CLI settings (written by 'homefleet ca init')\n"
        + "controller: " + controllerAddress + "\n"
        + "ca_fingerprint: \"" + ca.fingerprint() + "\"\n"
        + controlSocket.map(p -> "# the controller's local socket: used instead of TLS when this user may open it\n"
            + "socket: " + p + "\n").orElse(""));
    store.enrollment().insertCertificate(new IssuedCertificate(Certificates.serialHex(cert), Identity.operator(name).toString(),
        Optional.empty(), Keys.publicKeyHash(kp.getPublic()), cert.getNotBefore().getTime(), cert.getNotAfter().getTime(),
        Pem.certificate(cert), System.currentTimeMillis()));
    return cert;
  }
}
