package io.homefleet.playbook.vault;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The vault secrets of one load (a playbook run, a state version's checkout) and every value it
 * decrypted with them. Decrypted values become plain strings in the variables, so the rest of the
 * engine needs nothing new; {@link #revealed()} is how the plan compiler knows which variables are
 * secret (to send them only where used) and what the runner masks in its events.
 */
public final class Vault {
  private final List<VaultSecret> secrets;
  private final Set<String> revealed = ConcurrentHashMap.newKeySet();

  public Vault(List<VaultSecret> secrets) {
    this.secrets = List.copyOf(secrets);
  }

  /** No secrets: vault data is an error where it is met. */
  public static Vault none() {
    return new Vault(List.of());
  }

  public boolean hasSecrets() {
    return !secrets.isEmpty();
  }

  public List<VaultSecret> secrets() {
    return secrets;
  }

  /**
   * Decrypts vault text, as {@code VaultLib.decrypt}: the secret of the envelope's vault id first,
   * then every other.
   *
   * @param where the file (or file:line:column) it came from, for the messages
   * @throws VaultException "Attempting to decrypt but no vault secrets found", "Decryption failed
   *     (no vault secrets were found that could decrypt) on WHERE", or a format error
   */
  public Decrypted decrypt(String vaulttext, String where) throws VaultException {
    VaultCipher.Envelope env = VaultCipher.envelope(vaulttext, where);
    if (secrets.isEmpty()) {
      throw new VaultException("Attempting to decrypt but no vault secrets found");
    }
    for (VaultSecret s : VaultCipher.candidates(env, secrets)) {
      Optional<byte[]> plain = VaultCipher.decrypt(env, s.password(), where);
      if (plain.isPresent()) {
        return new Decrypted(plain.get(), s, env.vaultId());
      }
    }
    throw new VaultException("Decryption failed (no vault secrets were found that could decrypt) on " + where);
  }

  /** Decrypts vault text to a string and remembers it as a secret value ({@link #reveal}). */
  public String decryptString(String vaulttext, String where) throws VaultException {
    String text = new String(decrypt(vaulttext, where).plaintext(), StandardCharsets.UTF_8);
    reveal(text);
    return text;
  }

  /** Records a value as secret: kept out of plans that do not use it, masked in events. */
  public void reveal(String value) {
    if (!value.isEmpty()) {
      revealed.add(value);
    }
  }

  /** Every secret value decrypted so far. */
  public Set<String> revealed() {
    return Set.copyOf(revealed);
  }

  /**
   * The result of a decryption.
   *
   * @param plaintext the bytes
   * @param secret the secret that decrypted them
   * @param headerId the vault id the envelope names ({@code default} for format 1.1)
   */
  public record Decrypted(byte[] plaintext, VaultSecret secret, String headerId) {}
}
