package io.homefleet.controller.cli;

import io.homefleet.playbook.vault.VaultException;
import io.homefleet.playbook.vault.VaultPasswords;
import io.homefleet.playbook.vault.VaultSecret;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The vault options ansible-playbook and ansible-vault share, for {@code play} and {@code vault}. */
final class VaultOptions {
  @Option(names = {"--vault-password-file", "--vault-pass-file"}, paramLabel = "FILE",
      description = "Vault password file (an executable one is run and its output is the password); repeatable.")
  List<Path> passwordFiles = new ArrayList<>();

  @Option(names = "--vault-id", paramLabel = "[LABEL@]FILE", description = "A vault identity and its password file;"
      + " repeatable. LABEL@prompt is not supported.")
  List<String> vaultIds = new ArrayList<>();

  @Option(names = {"-J", "--ask-vault-password", "--ask-vault-pass"}, hidden = true)
  boolean ask;

  /** The secrets, in the order given; {@link CliException} (exit {@code code}) when one cannot be read. */
  List<VaultSecret> secrets(int code) {
    if (ask) {
      throw new CliException(code, "--ask-vault-pass: homefleet does not prompt for vault passwords"
          + " (put the password in a file of mode 0600 and give --vault-password-file FILE)");
    }
    try {
      return VaultPasswords.load(passwordFiles, vaultIds, VaultPasswords.Mode.ANY);
    } catch (VaultException e) {
      throw new CliException(code, e.getMessage());
    }
  }

  boolean given() {
    return ask || !passwordFiles.isEmpty() || !vaultIds.isEmpty();
  }
}
