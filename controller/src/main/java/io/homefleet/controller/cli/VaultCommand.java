package io.homefleet.controller.cli;

import io.homefleet.playbook.vault.Vault;
import io.homefleet.playbook.vault.VaultCipher;
import io.homefleet.playbook.vault.VaultException;
import io.homefleet.playbook.vault.VaultSecret;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code homefleet vault}: ansible-vault's commands, writing and reading the same bytes, so files
 * move between the two tools either way. Errors are printed as {@code ERROR! message} with
 * ansible-vault's exit codes: 5 for a usage error (no password, more than one to encrypt with), 1
 * for any other.
 */
@Command(name = "vault", description = {"Encrypt and decrypt Ansible vault files and strings, like ansible-vault.",
    "Exit code: 0 ok, 1 error, 5 usage error (no vault password, ambiguous --encrypt-vault-id)."},
    subcommands = {VaultCommand.Encrypt.class, VaultCommand.Decrypt.class, VaultCommand.View.class,
        VaultCommand.Edit.class, VaultCommand.Create.class, VaultCommand.EncryptString.class})
final class VaultCommand {
  static final int USAGE = 5;
  static final int ERROR = 1;

  private VaultCommand() {}

  /** A failure ansible-vault would report as {@code ERROR! ...}. */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;
    final int code;

    Failure(int code, String message) {
      super(message);
      this.code = code;
    }
  }

  /** What every subcommand shares: the secrets, stdin and stdout, the error format. */
  abstract static class Base implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VaultOptions vault = new VaultOptions();

    @Override
    public final Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      try {
        run(spec.commandLine().getOut(), err);
        spec.commandLine().getOut().flush();
        return 0;
      } catch (Failure e) {
        err.println("ERROR! " + e.getMessage());
        err.flush();
        return e.code;
      } catch (CliException e) {
        err.println("ERROR! " + e.getMessage());
        err.flush();
        return e.exitCode();
      }
    }

    abstract void run(PrintWriter out, PrintWriter err) throws Failure;

    /** The secrets, for reading: at least one. */
    Vault readVault() throws Failure {
      List<VaultSecret> secrets = vault.secrets(ERROR);
      if (secrets.isEmpty()) {
        throw new Failure(USAGE, "A vault password is required to use Ansible's Vault");
      }
      return new Vault(secrets);
    }

    /** The one secret to encrypt with, chosen as ansible-vault chooses it. */
    static VaultSecret encryptSecret(List<VaultSecret> secrets, String encryptVaultId) throws Failure {
      if (secrets.isEmpty()) {
        throw new Failure(USAGE, "A vault password is required to use Ansible's Vault");
      }
      if (encryptVaultId == null) {
        if (secrets.size() > 1) {
          throw new Failure(USAGE, "The vault-ids " + String.join(",", secrets.stream().map(VaultSecret::id).toList())
              + " are available to encrypt. Specify the vault-id to encrypt with --encrypt-vault-id");
        }
        return secrets.get(0);
      }
      return secrets.stream().filter(s -> s.id().equals(encryptVaultId)).findFirst().orElseThrow(() -> new Failure(
          ERROR, "Did not find a match for --encrypt-vault-id=" + encryptVaultId + " in the known vault-ids "
              + secrets.stream().map(s -> "'" + s.id() + "'").toList()));
    }

    static byte[] read(String file) throws Failure {
      try {
        return file.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
      } catch (IOException e) {
        throw new Failure(ERROR, "Unable to read source file (" + Path.of(file).toAbsolutePath() + "): " + e);
      }
    }

    /** As ansible-vault's write_data: stdout for '-', else a new file of mode 0600 in place of the old. */
    void write(byte[] data, String file, PrintWriter out) throws Failure {
      if (file.equals("-")) {
        out.print(new String(data, StandardCharsets.UTF_8));
        out.flush();
        return;
      }
      Path p = Path.of(file);
      try {
        Files.deleteIfExists(p);
        try (SeekableByteChannel ch = Files.newByteChannel(p, java.util.Set.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
          Channels.newOutputStream(ch).write(data);
        }
      } catch (IOException e) {
        throw new Failure(ERROR, "Problem creating temporary vault file: " + e.getMessage());
      }
    }

    /** A file's plaintext, with ansible-vault's "... for FILE" on a failure. */
    static Vault.Decrypted decrypted(Vault v, String file) throws Failure {
      byte[] data = read(file);
      try {
        return v.decrypt(new String(data, StandardCharsets.UTF_8), display(file));
      } catch (VaultException e) {
        throw new Failure(ERROR, e.getMessage() + " for " + display(file));
      }
    }

    static String display(String file) {
      return file.equals("-") ? "-" : Path.of(file).toAbsolutePath().normalize().toString();
    }
  }

  /** encrypt and decrypt: files replaced in place, or one written to --output; standard input without files. */
  abstract static class InPlace extends Base {
    @Option(names = "--output", paramLabel = "FILE", description = "Write here instead; - for standard output.")
    String output;

    @Parameters(paramLabel = "FILE", arity = "0..*")
    List<String> files = new ArrayList<>();

    List<String> inputs() throws Failure {
      if (output != null && files.size() > 1) {
        throw new Failure(USAGE, "At most one input file may be used with the --output option");
      }
      return files.isEmpty() ? List.of("-") : files;
    }
  }

  @Command(name = "encrypt", description = "Encrypt files in place (or to --output), or standard input.")
  static final class Encrypt extends InPlace {
    @Option(names = "--encrypt-vault-id", paramLabel = "LABEL", description = "The vault id to encrypt with.")
    String encryptVaultId;

    @Override
    void run(PrintWriter out, PrintWriter err) throws Failure {
      VaultSecret secret = encryptSecret(vault.secrets(ERROR), encryptVaultId);
      for (String f : inputs()) {
        byte[] plain = read(f);
        if (VaultCipher.isEncrypted(new String(plain, StandardCharsets.ISO_8859_1))) {
          throw new Failure(ERROR, "input is already encrypted");
        }
        write(VaultCipher.encrypt(plain, secret).getBytes(StandardCharsets.US_ASCII), output != null ? output : f, out);
      }
      if (System.console() != null) {
        err.println("Encryption successful");
      }
    }
  }

  @Command(name = "decrypt", description = "Decrypt files in place (or to --output), or standard input.")
  static final class Decrypt extends InPlace {
    @Override
    void run(PrintWriter out, PrintWriter err) throws Failure {
      Vault v = readVault();
      for (String f : inputs()) {
        byte[] data = read(f);
        byte[] plain;
        try {
          plain = v.decrypt(new String(data, StandardCharsets.UTF_8), display(f)).plaintext();
        } catch (VaultException e) {
          String msg = VaultCipher.isEncrypted(new String(data, StandardCharsets.ISO_8859_1)) ? e.getMessage()
              : "input is not vault encrypted data. " + display(f) + " is not a vault encrypted file";
          throw new Failure(ERROR, msg + " for " + display(f));
        }
        write(plain, output != null ? output : f, out);
      }
      if (System.console() != null) {
        err.println("Decryption successful");
      }
    }
  }

  /** view and edit: one or more vault files to read. */
  abstract static class Reading extends Base {
    @Parameters(paramLabel = "FILE", arity = "1..*")
    List<String> files = new ArrayList<>();
  }

  @Command(name = "view", description = "Show the plaintext of vault files (through $PAGER on a terminal).")
  static final class View extends Reading {
    @Override
    void run(PrintWriter out, PrintWriter err) throws Failure {
      Vault v = readVault();
      for (String f : files) {
        String text = new String(decrypted(v, f).plaintext(), StandardCharsets.UTF_8);
        out.print(text.endsWith("\n") ? text : text + "\n");
        out.flush();
      }
    }
  }

  @Command(name = "edit", description = "Decrypt a vault file into a private temp file, run $EDITOR on it, encrypt it"
      + " again if it changed (same vault id).")
  static final class Edit extends Reading {
    @Option(names = "--encrypt-vault-id", paramLabel = "LABEL", hidden = true)
    String encryptVaultId;

    @Override
    void run(PrintWriter out, PrintWriter err) throws Failure {
      Vault v = readVault();
      for (String f : files) {
        Vault.Decrypted d = decrypted(v, f);
        // The same vault id as the header, with the secret that opened it, as ansible-vault keeps it.
        VaultSecret secret = new VaultSecret(d.headerId(), d.secret().password());
        editInTempFile(f, d.plaintext(), secret, false, out);
      }
    }
  }

  @Command(name = "create", description = "Create a new vault file with $EDITOR.")
  static final class Create extends Base {
    @Option(names = "--encrypt-vault-id", paramLabel = "LABEL", description = "The vault id to encrypt with.")
    String encryptVaultId;

    @Parameters(paramLabel = "FILE", arity = "1")
    String file;

    @Override
    void run(PrintWriter out, PrintWriter err) throws Failure {
      VaultSecret secret = encryptSecret(vault.secrets(ERROR), encryptVaultId);
      if (Files.isRegularFile(Path.of(file))) {
        throw new Failure(ERROR, file + " exists, please use 'edit' instead");
      }
      editInTempFile(file, null, secret, true, out);
    }
  }

  /** Runs $EDITOR (default vi) on a 0600 temp file and encrypts the result into {@code file} if it changed. */
  static void editInTempFile(String file, byte[] existing, VaultSecret secret, boolean create, PrintWriter out)
      throws Failure {
    editInTempFile(file, existing, secret, create, out, System.getenv().getOrDefault("EDITOR", "vi"));
  }

  static void editInTempFile(String file, byte[] existing, VaultSecret secret, boolean create, PrintWriter out,
      String editor) throws Failure {
    Path tmp = null;
    try {
      String name = Path.of(file).getFileName().toString();
      int dot = name.lastIndexOf('.');
      tmp = Files.createTempFile("homefleet-vault-", dot > 0 ? name.substring(dot) : "",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      if (existing != null) {
        Files.write(tmp, existing);
      }
      List<String> cmd = new ArrayList<>(List.of("sh", "-c", editor + " \"$0\"", tmp.toString()));
      int rc = new ProcessBuilder(cmd).inheritIO().start().waitFor();
      if (rc != 0) {
        throw new Failure(ERROR, "the editor (" + editor + ") exited with " + rc + "; " + file + " is unchanged");
      }
      byte[] edited = Files.readAllBytes(tmp);
      if (create || !java.util.Arrays.equals(existing, edited)) {
        Path target = Path.of(file);
        java.util.Set<java.nio.file.attribute.PosixFilePermission> mode = Files.exists(target)
            ? Files.getPosixFilePermissions(target) : null;
        if (target.toAbsolutePath().getParent() != null) {
          Files.createDirectories(target.toAbsolutePath().getParent());
        }
        byte[] enc = VaultCipher.encrypt(edited, secret).getBytes(StandardCharsets.US_ASCII);
        Path next = Files.createTempFile(target.toAbsolutePath().getParent(), ".homefleet-vault-", ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(next, enc);
        if (mode != null) {
          Files.setPosixFilePermissions(next, mode);
        }
        Files.move(next, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw new Failure(ERROR, "Unable to execute the editor on " + file + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure(ERROR, "interrupted while editing " + file);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          out.flush(); // nothing more to do: the temp file is 0600 in the temp dir
        }
      }
    }
  }

  @Command(name = "encrypt_string", aliases = "encrypt-string",
      description = "Encrypt strings as '!vault |' YAML values to paste into a playbook.")
  static final class EncryptString extends Base {
    @Option(names = "--output", paramLabel = "FILE", description = "Write here instead of standard output.")
    String output;

    @Option(names = "--encrypt-vault-id", paramLabel = "LABEL", description = "The vault id to encrypt with.")
    String encryptVaultId;

    @Option(names = {"-n", "--name"}, paramLabel = "NAME", description = "The variable name of each string, in order.")
    List<String> names = new ArrayList<>();

    @Option(names = "--stdin-name", paramLabel = "NAME", description = "The variable name for standard input.")
    String stdinName;

    @Option(names = {"-p", "--prompt"}, hidden = true)
    boolean prompt;

    @Option(names = "--show-input", hidden = true)
    boolean showInput;

    @Parameters(paramLabel = "STRING", arity = "0..*", description = "Strings to encrypt; - or none: standard input.")
    List<String> strings = new ArrayList<>();

    private record Plain(byte[] text, String source, String name) {}

    @Override
    void run(PrintWriter out, PrintWriter err) throws Failure {
      if (prompt) {
        throw new Failure(USAGE, "--prompt: homefleet does not prompt; give the string as an argument or on"
            + " standard input");
      }
      VaultSecret secret = encryptSecret(vault.secrets(ERROR), encryptVaultId);
      List<String> args = strings.stream().filter(s -> !s.equals("-")).toList();
      List<Plain> plains = new ArrayList<>();
      if (strings.contains("-") || strings.isEmpty() || stdinName != null) {
        byte[] in = read("-");
        if (in.length == 0) {
          throw new Failure(USAGE, "stdin was empty, not encrypting");
        }
        plains.add(new Plain(in, "stdin", stdinName));
      }
      if (!names.isEmpty() && args.size() > names.size()) {
        err.println("The number of --name options do not match the number of args.");
        err.println("The last named variable will be \"" + names.get(names.size() - 1) + "\". The rest will not have"
            + " names.");
      }
      for (int i = 0; i < args.size(); i++) {
        if (args.get(i).isEmpty()) {
          throw new Failure(USAGE, "The plaintext provided from the command line args was empty, not encrypting");
        }
        plains.add(new Plain(args.get(i).getBytes(StandardCharsets.UTF_8), "the command line args",
            i < names.size() ? names.get(i) : null));
      }
      List<String> blocks = new ArrayList<>();
      for (int i = 0; i < plains.size(); i++) {
        Plain p = plains.get(i);
        if (plains.size() > 1) {
          err.print(p.name != null
              ? "# The encrypted version of variable (\"" + p.name + "\", the string #" + (i + 1) + " from " + p.source
                  + ").\n"
              : "# The encrypted version of the string #" + (i + 1) + " from " + p.source + ".)\n");
          err.flush();
        }
        blocks.add(yaml(VaultCipher.encrypt(p.text, secret), p.name));
      }
      write(String.join("\n", blocks).getBytes(StandardCharsets.UTF_8), output != null ? output : "-", out);
      if (System.console() != null) {
        err.println("Encryption successful");
      }
    }

    /** ansible-vault's format_ciphertext_yaml: the header line, then the vault text indented by 10. */
    static String yaml(String vaulttext, String name) {
      StringBuilder sb = new StringBuilder(name != null ? name + ": " : "").append("!vault |");
      vaulttext.lines().forEach(l -> sb.append('\n').append(" ".repeat(10)).append(l));
      return sb.toString();
    }
  }
}
