package io.homefleet.playbook.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaultTest {
  private static final VaultSecret PW = VaultSecret.of("default", "hunter2");
  private static final VaultSecret DEV = VaultSecret.of("dev", "dev-pass");

  @TempDir
  Path dir;

  private Path file(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content);
  }

  @Test
  void decrypt_fileAnsibleVaultEncrypted11_givesThePlaintext() throws Exception {
    file("pw", "hunter2\n");
    file("vars.yml", "db_password: s3cr3t\n");
    assertThat(AnsibleVaultCli.run(dir, "", "encrypt", "--vault-password-file", "pw", "vars.yml").exit()).isZero();
    String text = Files.readString(dir.resolve("vars.yml"));
    assertThat(text).startsWith("$ANSIBLE_VAULT;1.1;AES256\n");

    Vault.Decrypted d = new Vault(List.of(PW)).decrypt(text, "vars.yml");

    assertThat(new String(d.plaintext(), StandardCharsets.UTF_8)).isEqualTo("db_password: s3cr3t\n");
    assertThat(d.headerId()).isEqualTo("default");
  }

  @Test
  void decrypt_format12WithVaultId_picksTheSecretOfThatId() throws Exception {
    file("devpw", "dev-pass");
    file("f", "only dev can read this");
    assertThat(AnsibleVaultCli.run(dir, "", "encrypt", "--vault-id", "dev@devpw", "f").exit()).isZero();
    String text = Files.readString(dir.resolve("f"));
    assertThat(text).startsWith("$ANSIBLE_VAULT;1.2;AES256;dev\n");

    Vault.Decrypted d = new Vault(List.of(PW, DEV)).decrypt(text, "f");

    assertThat(new String(d.plaintext(), StandardCharsets.UTF_8)).isEqualTo("only dev can read this");
    assertThat(d.secret().id()).isEqualTo("dev");
  }

  @Test
  void encrypt_isReadByAnsibleVaultDecrypt_bothFormats() throws Exception {
    file("pw", "hunter2\n");
    file("devpw", "dev-pass\n");
    byte[] binary = {0, 1, 2, (byte) 0xff, 'x', '\n'};
    Files.writeString(dir.resolve("a.yml"), VaultCipher.encrypt("a: 1\nb: ünï\n".getBytes(StandardCharsets.UTF_8), PW));
    Files.writeString(dir.resolve("b.bin"), VaultCipher.encrypt(binary, DEV));
    assertThat(Files.readString(dir.resolve("b.bin"))).startsWith("$ANSIBLE_VAULT;1.2;AES256;dev\n");

    AnsibleVaultCli.Result a = AnsibleVaultCli.run(dir, "", "decrypt", "--vault-password-file", "pw", "a.yml",
        "--output", "-");
    AnsibleVaultCli.Result b = AnsibleVaultCli.run(dir, "", "decrypt", "--vault-id", "dev@devpw", "b.bin");

    assertThat(a.exit()).as(a.err()).isZero();
    assertThat(a.out()).isEqualTo("a: 1\nb: ünï\n");
    assertThat(b.exit()).as(b.err()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("b.bin"))).isEqualTo(binary);
  }

  @Test
  void encrypt_ofEveryLengthAroundABlock_roundTrips() throws Exception {
    Vault vault = new Vault(List.of(PW));
    for (int n = 0; n <= 33; n++) {
      byte[] plain = "x".repeat(n).getBytes(StandardCharsets.US_ASCII);
      String text = VaultCipher.encrypt(plain, PW);
      assertThat(text.lines().skip(1)).allMatch(l -> l.length() <= 80);
      assertThat(vault.decrypt(text, "n" + n).plaintext()).isEqualTo(plain);
    }
  }

  @Test
  void decrypt_wrongPassword_failsNamingTheFile() throws Exception {
    String text = VaultCipher.encrypt("x".getBytes(StandardCharsets.UTF_8), PW);

    assertThatThrownBy(() -> new Vault(List.of(VaultSecret.of("default", "nope"))).decrypt(text, "group_vars/all.yml"))
        .isInstanceOf(VaultException.class)
        .hasMessage("Decryption failed (no vault secrets were found that could decrypt) on group_vars/all.yml");
  }

  @Test
  void decrypt_noSecrets_saysSo() {
    String text = VaultCipher.encrypt("x".getBytes(StandardCharsets.UTF_8), PW);

    assertThatThrownBy(() -> Vault.none().decrypt(text, "f"))
        .hasMessage("Attempting to decrypt but no vault secrets found");
  }

  @Test
  void decrypt_tamperedHmac_isRefused() throws Exception {
    String text = VaultCipher.encrypt("pay me".getBytes(StandardCharsets.UTF_8), PW);
    VaultCipher.Envelope env = VaultCipher.envelope(text, "f");
    String inner = new String(java.util.HexFormat.of().parseHex(env.body()), StandardCharsets.US_ASCII);
    String[] parts = inner.split("\n", 3);
    char last = parts[1].charAt(parts[1].length() - 1);
    parts[1] = parts[1].substring(0, parts[1].length() - 1) + (last == '0' ? '1' : '0');
    String tampered = "$ANSIBLE_VAULT;1.1;AES256\n"
        + java.util.HexFormat.of().formatHex(String.join("\n", parts).getBytes(StandardCharsets.US_ASCII)) + "\n";

    assertThatThrownBy(() -> new Vault(List.of(PW)).decrypt(tampered, "f"))
        .hasMessageStartingWith("Decryption failed");
    assertThat(new Vault(List.of(PW)).decrypt(text, "f").plaintext()).isEqualTo("pay me".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void decrypt_badHeader_isAFormatError() {
    assertThatThrownBy(() -> new Vault(List.of(PW)).decrypt("$ANSIBLE_VAULT;9.9;AES256\n6162\n", "f"))
        .hasMessageContaining("Vault envelope format error in f");
    assertThatThrownBy(() -> new Vault(List.of(PW)).decrypt("$ANSIBLE_VAULT;1.1;AES\n6162\n", "f"))
        .hasMessageContaining("AES cipher could not be found");
    assertThatThrownBy(() -> new Vault(List.of(PW)).decrypt("$ANSIBLE_VAULT;1.1;AES256\nzz\n", "f"))
        .hasMessageContaining("unhexlify error");
  }

  @Test
  void passwordFile_isStrippedAsAnsibleDoes() throws Exception {
    file("pw", "  hunter2 \r\n");

    VaultSecret s = VaultPasswords.fromFile("default", dir.resolve("pw"), VaultPasswords.Mode.ANY);

    assertThat(new String(s.password(), StandardCharsets.UTF_8)).isEqualTo("hunter2");
  }

  @Test
  void passwordScript_isRunAndClientScriptGetsItsVaultId() throws Exception {
    Path script = file("pass.sh", "#!/bin/sh\necho from-script\n");
    Path client = file("pass-client.sh", "#!/bin/sh\necho \"$1 $2\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(client, PosixFilePermissions.fromString("rwx------"));

    List<VaultSecret> s = VaultPasswords.load(List.of(script), List.of("prod@" + client), VaultPasswords.Mode.ANY);

    assertThat(new String(s.get(0).password(), StandardCharsets.UTF_8)).isEqualTo("from-script");
    assertThat(s.get(1).id()).isEqualTo("prod");
    assertThat(new String(s.get(1).password(), StandardCharsets.UTF_8)).isEqualTo("--vault-id prod");
  }

  @Test
  void passwordFile_readableByOthers_isRefusedForTheController() throws Exception {
    Path pw = file("pw", "hunter2");
    Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> VaultPasswords.fromFile("default", pw, VaultPasswords.Mode.OWNER_ONLY))
        .hasMessageContaining(pw.toString()).hasMessageContaining("0644").hasMessageContaining("chmod 600 " + pw);
    Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
    assertThat(VaultPasswords.fromFile("default", pw, VaultPasswords.Mode.OWNER_ONLY).id()).isEqualTo("default");
  }

  @Test
  void vaultId_prompt_isRefusedClearly() {
    assertThatThrownBy(() -> VaultPasswords.fromVaultId("dev@prompt", VaultPasswords.Mode.ANY))
        .hasMessageContaining("does not prompt");
  }
}
