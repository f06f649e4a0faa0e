package io.homefleet.pki;

/** A certificate, key or CSR could not be created, read or accepted; the message says which and why. */
public class PkiException extends Exception {
  public PkiException(String message) {
    super(message);
  }

  public PkiException(String message, Throwable cause) {
    super(message, cause);
  }
}
