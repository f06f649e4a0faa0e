package io.homefleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code homefleet vault} in process, held to Debian's ansible-vault run as a process. */
class VaultCommandTest {
  @TempDir
  Path dir;

  private StringWriter out;
  private StringWriter err;

  @BeforeEach
  void passwordFiles() throws IOException {
    Files.writeString(dir.resolve("pw"), "hunter2\n");
    Files.writeString(dir.resolve("devpw"), "dev-pass\n");
  }

  private int vault(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    String[] all = new String[args.length + 1];
    all[0] = "vault";
    System.arraycopy(args, 0, all, 1, args.length);
    return HomefleetMain.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
  }

  private String p(String name) {
    return dir.resolve(name).toString();
  }

  private String ansibleVault(String stdin, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ansible-vault"));
    cmd.addAll(List.of(args));
    return tool(stdin, cmd);
  }

  private String tool(String stdin, List<String> cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().put("HOME", dir.toString());
    pb.environment().put("ANSIBLE_LOCAL_TEMP", dir.resolve(".tmp").toString());
    Process proc = pb.start();
    proc.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    proc.getOutputStream().close();
    String o = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String e = new String(proc.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(proc.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(proc.exitValue()).as(e).isZero();
    return o;
  }

  @Test
  void encrypt_thenAnsibleVaultDecrypts_andDecryptReadsAnsibleVaults() throws Exception {
    Files.writeString(dir.resolve("a.yml"), "db_password: s3cr3t\n");
    assertThat(vault("encrypt", "--vault-password-file", p("pw"), p("a.yml"))).as(err.toString()).isZero();
    assertThat(Files.readString(dir.resolve("a.yml"))).startsWith("$ANSIBLE_VAULT;1.1;AES256\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a.yml")))).isEqualTo("rw-------");
    assertThat(ansibleVault("", "view", "--vault-password-file", "pw", "a.yml")).isEqualTo("db_password: s3cr3t\n");

    Files.writeString(dir.resolve("b.yml"), "x: 1\n");
    ansibleVault("", "encrypt", "--vault-id", "dev@devpw", "b.yml");
    assertThat(vault("decrypt", "--vault-id", "dev@" + p("devpw"), p("b.yml"), "--output", "-")).isZero();
    assertThat(out.toString()).isEqualTo("x: 1\n");
    assertThat(vault("view", "--vault-id", "dev@" + p("devpw"), p("b.yml"))).isZero();
    assertThat(out.toString()).isEqualTo("x: 1\n");
  }

  @Test
  void encryptString_formatsAsAnsibleVault_andBothToolsReadEachOthers() throws Exception {
    assertThat(vault("encrypt_string", "--vault-id", "dev@" + p("devpw"), "--name", "db_password", "s3cr3t")).isZero();
    String ours = out.toString();
    String theirs = ansibleVault("", "encrypt_string", "--vault-id", "dev@devpw", "--name", "db_password", "s3cr3t");

    assertThat(ours).startsWith("db_password: !vault |\n          $ANSIBLE_VAULT;1.2;AES256;dev\n");
    assertThat(ours.lines().count()).isEqualTo(theirs.lines().count());
    assertThat(ours.lines().skip(1)).allMatch(l -> l.startsWith("          ") && l.length() <= 90);
    assertThat(ours).doesNotEndWith("\n");
    // Each tool reads the other's as a vars file.
    Files.writeString(dir.resolve("ours.yml"), ours + "\n");
    String shown = tool("", List.of("ansible", "localhost", "-c", "local", "-i", "localhost,", "-m", "debug", "-a",
        "var=db_password", "-e", "@ours.yml", "--vault-id", "dev@devpw"));
    assertThat(shown).contains("\"db_password\": \"s3cr3t\"");
    List<io.homefleet.playbook.source.Diagnostic> problems = new ArrayList<>();
    Object read = io.homefleet.playbook.source.YamlLoader.load("theirs.yml", theirs, problems,
        new io.homefleet.playbook.vault.Vault(List.of(io.homefleet.playbook.vault.VaultSecret.of("dev", "dev-pass"))))
        .orElseThrow().toPlain();
    assertThat(problems).isEmpty();
    assertThat(read).isEqualTo(java.util.Map.of("db_password", "s3cr3t"));
  }

  @Test
  void encryptString_fromStdinWithoutName_isABareVaultBlock() throws Exception {
    System.setIn(new java.io.ByteArrayInputStream("from stdin".getBytes(StandardCharsets.UTF_8)));
    try {
      assertThat(vault("encrypt_string", "--vault-password-file", p("pw"))).isZero();
    } finally {
      System.setIn(new java.io.FileInputStream(java.io.FileDescriptor.in));
    }
    assertThat(out.toString()).startsWith("!vault |\n          $ANSIBLE_VAULT;1.1;AES256\n");
    Files.writeString(dir.resolve("v.yml"), "v: " + out + "\n");
    assertThat(tool("", List.of("ansible", "localhost", "-c", "local", "-i", "localhost,", "-m", "debug", "-a",
        "var=v", "-e", "@v.yml", "--vault-password-file", "pw"))).contains("\"v\": \"from stdin\"");
  }

  @Test
  void decrypt_wrongPassword_isAnErrorNamingTheFile_exit1() throws Exception {
    Files.writeString(dir.resolve("other"), "nope\n");
    Files.writeString(dir.resolve("a.yml"), "a: 1\n");
    ansibleVault("", "encrypt", "--vault-password-file", "pw", "a.yml");

    assertThat(vault("decrypt", "--vault-password-file", p("other"), p("a.yml"))).isEqualTo(1);

    assertThat(err.toString()).isEqualTo("ERROR! Decryption failed (no vault secrets were found that could decrypt) on "
        + p("a.yml") + " for " + p("a.yml") + "\n");
    assertThat(Files.readString(dir.resolve("a.yml"))).startsWith("$ANSIBLE_VAULT");
  }

  @Test
  void noPassword_isAUsageError_exit5() {
    assertThat(vault("view", p("pw"))).isEqualTo(5);
    assertThat(err.toString()).contains("ERROR! A vault password is required to use Ansible's Vault");
    assertThat(vault("encrypt_string", "--vault-password-file", p("pw"), "--vault-id", "dev@" + p("devpw"), "x"))
        .isEqualTo(5);
    assertThat(err.toString()).contains("The vault-ids default,dev are available to encrypt");
  }

  @Test
  void edit_runsTheEditorAndKeepsTheVaultId() throws Exception {
    Files.writeString(dir.resolve("s.yml"), "a: 1\n");
    ansibleVault("", "encrypt", "--vault-id", "dev@devpw", "s.yml");
    Path editor = Files.writeString(dir.resolve("ed.sh"), "#!/bin/sh\necho 'b: 2' >> \"$1\"\n");
    Files.setPosixFilePermissions(editor, PosixFilePermissions.fromString("rwx------"));
    VaultCommand.editInTempFile(p("s.yml"), "a: 1\n".getBytes(StandardCharsets.UTF_8),
        new io.homefleet.playbook.vault.VaultSecret("dev", "dev-pass".getBytes(StandardCharsets.UTF_8)), false,
        new PrintWriter(new StringWriter()), editor.toString());

    assertThat(Files.readString(dir.resolve("s.yml"))).startsWith("$ANSIBLE_VAULT;1.2;AES256;dev\n");
    assertThat(ansibleVault("", "view", "--vault-id", "dev@devpw", "s.yml")).isEqualTo("a: 1\nb: 2\n");
  }
}
