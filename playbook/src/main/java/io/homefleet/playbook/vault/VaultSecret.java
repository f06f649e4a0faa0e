package io.homefleet.playbook.vault;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One vault password with its vault id ({@code default} when none was given), as
 * {@code --vault-id LABEL@FILE} or {@code --vault-password-file FILE} makes it.
 *
 * @param id the vault id; {@code default} writes format 1.1, any other 1.2 with the id in the header
 * @param password the password's bytes, already stripped as ansible-vault strips them
 */
public record VaultSecret(String id, byte[] password) {
  /** Ansible's vault id for a password given without a label. */
  public static final String DEFAULT_ID = "default";

  public VaultSecret {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(password, "password");
    if (id.isEmpty() || id.contains(";")) {
      throw new IllegalArgumentException("'" + id + "' is not a valid vault id. The character ';' is not allowed"
          + " in vault ids");
    }
    password = password.clone();
  }

  /** A secret from a password given as text (tests, the controller's config). */
  public static VaultSecret of(String id, String password) {
    return new VaultSecret(id, password.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public byte[] password() {
    return password.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VaultSecret s && s.id.equals(id) && Arrays.equals(s.password, password);
  }

  @Override
  public int hashCode() {
    return id.hashCode() * 31 + Arrays.hashCode(password);
  }

  /** Never the password: secrets end up in exceptions and logs by accident otherwise. */
  @Override
  public String toString() {
    return "VaultSecret[" + id + "]";
  }
}
