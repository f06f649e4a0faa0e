package io.homefleet.playbook.vault;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Vault secrets from where ansible-playbook takes them: {@code --vault-password-file FILE} and
 * {@code --vault-id [LABEL@]FILE}. A file holds the password (surrounding whitespace stripped); an
 * executable file is run and its standard output is the password; one named {@code *-client} or
 * {@code *-client.EXT} is a client script and gets {@code --vault-id LABEL}. Prompting
 * ({@code @prompt}, {@code --ask-vault-pass}) is refused: plays run unattended, on the controller.
 */
public final class VaultPasswords {
  private static final Pattern CLIENT_SCRIPT = Pattern.compile(".+-client(\\.[^.]+)?$");
  private static final long SCRIPT_TIMEOUT_SECONDS = 60;

  private VaultPasswords() {}

  /** How strict to be about a password file's mode. */
  public enum Mode {
    /** As ansible-playbook: any readable file. */
    ANY,
    /** The controller's own: a file other users can read is refused (it holds every secret). */
    OWNER_ONLY
  }

  /**
   * The secrets, password files first, then vault ids, in the order given (the order they are
   * tried in).
   *
   * @param passwordFiles {@code --vault-password-file} values
   * @param vaultIds {@code --vault-id} values
   */
  public static List<VaultSecret> load(List<Path> passwordFiles, List<String> vaultIds, Mode mode)
      throws VaultException {
    List<VaultSecret> out = new ArrayList<>();
    for (Path f : passwordFiles) {
      out.add(fromFile(VaultSecret.DEFAULT_ID, f, mode));
    }
    for (String spec : vaultIds) {
      out.add(fromVaultId(spec, mode));
    }
    return out;
  }

  /** One {@code --vault-id [LABEL@]SOURCE}. */
  public static VaultSecret fromVaultId(String spec, Mode mode) throws VaultException {
    int at = spec.indexOf('@');
    String label = at < 0 ? VaultSecret.DEFAULT_ID : spec.substring(0, at);
    String source = at < 0 ? spec : spec.substring(at + 1);
    if (label.contains(";")) {
      throw new VaultException("'" + label + "' is not a valid vault id. The character ';' is not allowed in vault ids");
    }
    if (label.isEmpty() || source.isEmpty()) {
      throw new VaultException("--vault-id " + spec + ": expected LABEL@FILE or FILE");
    }
    if (source.equals("prompt")) {
      throw new VaultException("--vault-id " + spec + ": homefleet does not prompt for vault passwords"
          + " (put the password in a file of mode 0600 and give --vault-id " + label + "@FILE)");
    }
    return fromFile(label, Path.of(source), mode);
  }

  /** A password file or script, for {@code label}. */
  public static VaultSecret fromFile(String label, Path file, Mode mode) throws VaultException {
    if (!Files.exists(file)) {
      throw new VaultException("The vault password file " + file.toAbsolutePath() + " was not found");
    }
    Set<PosixFilePermission> perms = permissions(file);
    if (mode == Mode.OWNER_ONLY && (perms.contains(PosixFilePermission.GROUP_READ)
        || perms.contains(PosixFilePermission.OTHERS_READ))) {
      throw new VaultException("the vault password file " + file + " can be read by other users (mode "
          + octal(perms) + "); make it the controller user's alone: chmod 600 " + file);
    }
    byte[] password;
    if (perms.contains(PosixFilePermission.OWNER_EXECUTE) || perms.contains(PosixFilePermission.GROUP_EXECUTE)
        || perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
      password = strip(run(file, label), "\r\n");
    } else {
      try {
        password = strip(strip(Files.readAllBytes(file), " \t\n\r\u000b\f"), "\r\n");
      } catch (IOException e) {
        throw new VaultException("Could not read vault password file " + file + ": " + e.getMessage(), e);
      }
    }
    if (password.length == 0) {
      throw new VaultException("Invalid vault password was provided from file (" + file + ")");
    }
    return new VaultSecret(label, password);
  }

  private static byte[] run(Path script, String label) throws VaultException {
    List<String> cmd = new ArrayList<>(List.of(script.toAbsolutePath().toString()));
    boolean client = CLIENT_SCRIPT.matcher(script.getFileName().toString()).matches();
    if (client) {
      cmd.addAll(List.of("--vault-id", label));
    }
    try {
      Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.INHERIT).start();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread errReader = new Thread(() -> copy(p.getErrorStream(), err), "vault-script-stderr");
      errReader.start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new VaultException("Vault password script " + script + " did not finish within "
            + SCRIPT_TIMEOUT_SECONDS + " s");
      }
      errReader.join();
      if (p.exitValue() != 0) {
        String stderr = err.toString(StandardCharsets.UTF_8).strip();
        throw new VaultException(client
            ? "Vault password client script " + script + " returned non-zero (" + p.exitValue()
                + ") when getting secret for vault-id=" + label + ": " + stderr
            : "Vault password script " + script + " returned non-zero (" + p.exitValue() + "): " + stderr);
      }
      return out;
    } catch (IOException e) {
      throw new VaultException("Problem running vault password script " + script + " (" + e.getMessage()
          + "). If this is not a script, remove the executable bit from the file.", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VaultException("interrupted while running vault password script " + script, e);
    }
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    try {
      in.transferTo(out);
    } catch (IOException e) {
      // the script's stderr is only for the message
    }
  }

  private static Set<PosixFilePermission> permissions(Path file) throws VaultException {
    try {
      return Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException e) {
      return EnumSet.noneOf(PosixFilePermission.class);
    } catch (IOException e) {
      throw new VaultException("Could not read vault password file " + file + ": " + e.getMessage(), e);
    }
  }

  private static String octal(Set<PosixFilePermission> perms) {
    int mode = 0;
    for (PosixFilePermission p : perms) {
      mode |= 1 << (8 - p.ordinal());
    }
    return String.format("%04o", mode);
  }

  /** Python's {@code bytes.strip(chars)}. */
  private static byte[] strip(byte[] b, String chars) {
    int start = 0;
    int end = b.length;
    while (start < end && chars.indexOf(b[start]) >= 0) {
      start++;
    }
    while (end > start && chars.indexOf(b[end - 1]) >= 0) {
      end--;
    }
    return Arrays.copyOfRange(b, start, end);
  }
}
