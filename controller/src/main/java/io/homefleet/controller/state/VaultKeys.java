package io.homefleet.controller.state;

import io.homefleet.playbook.vault.VaultException;
import io.homefleet.playbook.vault.VaultSecret;
import java.util.List;

/**
 * Where the state directory's vault passwords come from: the controller's config
 * ({@code vault_password_file}, {@code vault_ids}), read again at every use so that a changed
 * password file needs no restart.
 */
@FunctionalInterface
public interface VaultKeys {
  /** No vault passwords: vault data in the state is an error. */
  VaultKeys NONE = List::of;

  /** The secrets, in the order they are tried. */
  List<VaultSecret> secrets() throws VaultException;
}
