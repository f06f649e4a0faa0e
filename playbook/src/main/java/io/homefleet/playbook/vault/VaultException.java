package io.homefleet.playbook.vault;

/**
 * A vault operation that failed: no secrets, no secret that decrypts, a malformed envelope, a
 * password file that cannot be used. The message names the file (or file:line:column) it concerns,
 * in the words ansible-vault uses, so that users can search for it.
 */
public final class VaultException extends Exception {
  private static final long serialVersionUID = 1L;

  public VaultException(String message) {
    super(message);
  }

  public VaultException(String message, Throwable cause) {
    super(message, cause);
  }
}
