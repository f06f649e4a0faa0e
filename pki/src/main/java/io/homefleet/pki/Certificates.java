package io.homefleet.pki;

import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * Facts about issued certificates that both sides need, kept apart from
 * {@link CertificateAuthority} so that reading them never loads Bouncy Castle: its signed jars
 * cost the resident agent megabytes of heap for their manifests the moment one class is loaded.
 */
public final class Certificates {
  /** Issued certificates start this far in the past so small clock skew does not reject them. */
  public static final Duration BACKDATE = Duration.ofMinutes(5);

  private Certificates() {}

  /** The serial number as lower-case hex, as the store and the logs show it. */
  public static String serialHex(X509Certificate cert) {
    return cert.getSerialNumber().toString(16);
  }
}
