package io.homefleet.controller.auth;

import io.homefleet.pki.Certificates;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Revoked certificate serials, in memory for the per-call check; the store is the record. */
public final class RevocationList {
  private final Set<String> serials = ConcurrentHashMap.newKeySet();

  public RevocationList(Collection<String> initial) {
    serials.addAll(initial);
  }

  public void addAll(Collection<String> revoked) {
    serials.addAll(revoked);
  }

  public boolean isRevoked(String serialHex) {
    return serials.contains(serialHex);
  }

  public boolean isRevoked(X509Certificate cert) {
    return isRevoked(Certificates.serialHex(cert));
  }
}
