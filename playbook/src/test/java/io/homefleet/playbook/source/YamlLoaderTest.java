package io.homefleet.playbook.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.playbook.vault.Vault;
import io.homefleet.playbook.vault.VaultCipher;
import io.homefleet.playbook.vault.VaultSecret;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class YamlLoaderTest {

  private final List<Diagnostic> problems = new ArrayList<>();

  private YamlNode load(String text) {
    return YamlLoader.load("p.yml", text, problems).orElseThrow();
  }

  @Test
  void load_keepsLineAndColumnOfEveryNode() {
    YamlNode.Sequence root = (YamlNode.Sequence) load("- hosts: all\n  tasks:\n    - debug: msg=hi\n");
    YamlNode.Mapping play = (YamlNode.Mapping) root.items().get(0);
    YamlNode.Sequence tasks = (YamlNode.Sequence) play.get("tasks").orElseThrow();
    assertThat(play.entry("tasks").orElseThrow().keyLocation()).hasToString("p.yml:2:3");
    assertThat(tasks.items().get(0).location()).hasToString("p.yml:3:7");
    assertThat(problems).isEmpty();
  }

  @Test
  void load_doubleQuotedEscapes_asPyYamlReadsThem() throws Exception {
    String doc = "a: \"x\\/y\"\nb: \"tab\\\there\"\nc: \"\\x41\\u00e9\\N\\_\\0\\e\"\nd: \"one\\\n  two\"\n";
    Process py = new ProcessBuilder("/usr/bin/python3", "-c",
        "import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read()), sort_keys=True))").start();
    py.getOutputStream().write(doc.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    py.getOutputStream().close();
    String pyJson = new String(py.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
    assertThat(py.waitFor()).as(new String(py.getErrorStream().readAllBytes())).isZero();
    Object ours = load(doc).toPlain();
    assertThat(problems).isEmpty();
    assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readValue(pyJson, Map.class)).isEqualTo(ours);
    assertThat(ours).isEqualTo(mapOf("a", "x/y", "b", "tab\there", "c", "A\u00e9\u0085\u00a0\u0000\u001b", "d",
        "onetwo"));
  }

  @Test
  void load_yaml11Scalars_likeAnsible() {
    YamlNode.Mapping m = (YamlNode.Mapping) load("a: yes\nb: 0644\nc: '0644'\nd: ~\ne: 1.5\nf: off\n");
    assertThat(m.toPlain()).isEqualTo(mapOf("a", true, "b", 420, "c", "0644", "d", null, "e", 1.5, "f", false));
  }

  @Test
  void load_duplicateKey_isAnErrorWithBothLines() {
    load("name: a\nwhen: x\nname: b\n");
    assertThat(problems).extracting(Diagnostic::toString)
        .containsExactly("p.yml:3:1: duplicate key 'name' (first at line 1; remove one of them)");
  }

  @Test
  void load_vaultTagWithoutSecrets_isAnErrorAtItsPlace() {
    load("password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6135\n");
    assertThat(problems).singleElement().asString()
        .startsWith("p.yml:1:11: Attempting to decrypt but no vault secrets found (give the vault password");
  }

  @Test
  void load_vaultTag_isDecryptedAndRecordedAsSecret() {
    Vault vault = new Vault(List.of(VaultSecret.of("default", "pw")));
    String enc = VaultCipher.encrypt("s3cr3t".getBytes(StandardCharsets.UTF_8), VaultSecret.of("default", "pw"));
    String text = "a: 1\npassword: !vault |\n" + enc.indent(2) + "list:\n  - !vault-encrypted |\n" + enc.indent(6);

    YamlNode.Mapping m = (YamlNode.Mapping) YamlLoader.load("p.yml", text, problems, vault).orElseThrow();

    assertThat(problems).isEmpty();
    assertThat(m.toPlain()).isEqualTo(mapOf("a", 1, "password", "s3cr3t", "list", List.of("s3cr3t")));
    assertThat(vault.revealed()).containsExactly("s3cr3t");
  }

  @Test
  void load_vaultTagWrongPassword_namesLineAndColumn() {
    Vault vault = new Vault(List.of(VaultSecret.of("default", "other")));
    String enc = VaultCipher.encrypt("s3cr3t".getBytes(StandardCharsets.UTF_8), VaultSecret.of("default", "pw"));

    YamlLoader.load("vars.yml", "a: 1\nb:\n  c: !vault |\n" + enc.indent(4), problems, vault);

    assertThat(problems).extracting(Diagnostic::toString).containsExactly(
        "vars.yml:3:6: Decryption failed (no vault secrets were found that could decrypt) on vars.yml");
  }

  @Test
  void loadFile_encryptedWholeFile_isDecryptedAndEveryStringIsSecret() {
    VaultSecret pw = VaultSecret.of("default", "pw");
    Vault vault = new Vault(List.of(pw));
    String enc = VaultCipher.encrypt("user: admin\nport: 5432\n".getBytes(StandardCharsets.UTF_8), pw);

    YamlNode m = YamlLoader.loadFile("v.yml", enc, problems, vault).orElseThrow();

    assertThat(m.toPlain()).isEqualTo(mapOf("user", "admin", "port", 5432));
    assertThat(vault.revealed()).containsExactly("admin");
    assertThat(YamlLoader.loadFile("v.yml", enc, problems, Vault.none())).isEmpty();
    assertThat(problems).extracting(Diagnostic::toString).singleElement().asString()
        .startsWith("v.yml: Attempting to decrypt but no vault secrets found");
  }

  @Test
  void load_unsafeTag_keepsTheStringUntemplated() {
    YamlNode.Mapping m = (YamlNode.Mapping) load("x: !unsafe '{{ not a template }}'\n");
    assertThat(m.toPlain()).isEqualTo(Map.of("x", new Unsafe("{{ not a template }}")));
    assertThat(problems).isEmpty();
  }

  @Test
  void load_syntaxError_reportsFileLineColumn() {
    assertThat(YamlLoader.load("p.yml", "- hosts: all\n  tasks: [a\n", problems)).isEmpty();
    assertThat(problems).singleElement().asString().matches("p\\.yml:3:1: YAML syntax error: .*");
  }

  @Test
  void load_mergeKeys_explicitKeysWin() {
    YamlNode.Mapping m = (YamlNode.Mapping) load("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n");
    assertThat(m.toPlain()).isEqualTo(Map.of("base", Map.of("x", 1, "y", 2), "use", Map.of("x", 1, "y", 3)));
  }

  private static Map<String, Object> mapOf(Object... kv) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
