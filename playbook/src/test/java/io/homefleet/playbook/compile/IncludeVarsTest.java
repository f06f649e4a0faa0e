package io.homefleet.playbook.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.playbook.inventory.Inventory;
import io.homefleet.playbook.vault.Vault;
import io.homefleet.playbook.vault.VaultCipher;
import io.homefleet.playbook.vault.VaultSecret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncludeVarsTest {
  private static final VaultSecret SECRET = new VaultSecret("default", "hunter2".getBytes(StandardCharsets.UTF_8));
  @TempDir Path tmp;

  private void write(String path, String text) throws IOException {
    Path p = tmp.resolve("book").resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  private IncludeVars.Result include(Map<String, Object> args, String roleDir) throws IOException {
    Files.createDirectories(tmp.resolve("book"));
    ControllerLookups tree = ControllerLookups.snapshot(tmp.resolve("book"), Inventory.empty(), tmp.resolve("data"));
    return new IncludeVars(tree, new Vault(List.of(SECRET))).include(args, roleDir);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> facts(IncludeVars.Result r) {
    return (Map<String, Object>) r.result().get("ansible_facts");
  }

  @Test
  void freeForm_readsVarsDirFirst_asAnsiblesSearch() throws IOException {
    write("vars/common.yml", "port: 80\n");
    write("common.yml", "port: 81\n");
    IncludeVars.Result r = include(Map.of("_raw_params", "common.yml"), "");
    assertThat(facts(r)).containsEntry("port", 80);
    assertThat(r.result()).containsEntry("ansible_included_var_files", List.of("vars/common.yml"))
        .doesNotContainKey("failed");
  }

  @Test
  void inARole_theRolesVarsComeFirst() throws IOException {
    write("roles/web/vars/os.yml", "pkg: nginx\n");
    write("vars/os.yml", "pkg: apache2\n");
    assertThat(facts(include(Map.of("file", "os.yml"), "roles/web"))).containsEntry("pkg", "nginx");
    assertThat(facts(include(Map.of("file", "os.yml"), ""))).containsEntry("pkg", "apache2");
  }

  @Test
  void name_putsTheValuesUnderIt() throws IOException {
    write("vars/a.yml", "x: 1\n");
    assertThat(facts(include(Map.of("file", "a.yml", "name", "conf", "hash_behaviour", "merge"), "")))
        .isEqualTo(Map.of("conf", Map.of("x", 1)));
  }

  @Test
  void dir_readsFilesSorted_withDepthMatchingAndIgnores() throws IOException {
    write("conf/a.yml", "v: a\nonly_a: 1\n");
    write("conf/b.yaml", "v: b\n");
    write("conf/skip.yml", "v: skipped\n");
    write("conf/README", "not yaml: [\n");
    write("conf/sub/c.json", "{\"v\": \"c\"}");
    Map<String, Object> args = new LinkedHashMap<>(Map.of("dir", "conf", "ignore_files", List.of("skip.yml"),
        "ignore_unknown_extensions", true));
    IncludeVars.Result r = include(args, "");
    assertThat(facts(r)).containsEntry("v", "c").containsEntry("only_a", 1);
    assertThat(r.result().get("ansible_included_var_files"))
        .isEqualTo(List.of("conf/a.yml", "conf/b.yaml", "conf/sub/c.json"));
    args.put("depth", 1);
    assertThat(facts(include(args, ""))).containsEntry("v", "b");
    assertThat(facts(include(Map.of("dir", "conf", "files_matching", "^a", "depth", 1), ""))).containsEntry("v", "a");
  }

  @Test
  void dir_withAnUnknownExtension_failsUnlessIgnored() throws IOException {
    write("conf/a.yml", "v: a\n");
    write("conf/notes.txt", "x\n");
    IncludeVars.Result r = include(Map.of("dir", "conf"), "");
    assertThat(r.result()).containsEntry("failed", true);
    assertThat(String.valueOf(r.result().get("message")))
        .isEqualTo("conf/notes.txt does not have a valid extension: yaml, yml, json");
  }

  @Test
  void aMissingFile_failsWithAnsiblesMessageKey() throws IOException {
    IncludeVars.Result r = include(Map.of("file", "nope.yml"), "");
    assertThat(r.result()).containsEntry("failed", true);
    assertThat(String.valueOf(r.result().get("message"))).startsWith("Could not find or access 'nope.yml'");
  }

  @Test
  void mixingFileAndDirArguments_fails() throws IOException {
    assertThat(include(Map.of("file", "a.yml", "depth", 1), "").result().get("message"))
        .isEqualTo("You are mixing file only and dir only arguments, these are incompatible");
  }

  @Test
  void yamlErrors_arePlacedAtFileLineColumn() throws IOException {
    write("vars/bad.yml", "a: 1\nb: [2\n");
    write("vars/list.yml", "- 1\n- 2\n");
    assertThat(String.valueOf(include(Map.of("file", "bad.yml"), "").result().get("message")))
        .matches("(?s)vars/bad\\.yml:\\d+:\\d+: YAML syntax error.*");
    assertThat(String.valueOf(include(Map.of("file", "list.yml"), "").result().get("message")))
        .startsWith("vars/list.yml:1:1: vars/list.yml must be stored as a dictionary/hash");
  }

  @Test
  void anEncryptedFile_isDecrypted_andItsValuesAreSecrets() throws IOException {
    write("vars/secret.yml", VaultCipher.encrypt("db_password: s3cr3t-value\n".getBytes(StandardCharsets.UTF_8),
        SECRET));
    IncludeVars.Result r = include(Map.of("file", "secret.yml"), "");
    assertThat(facts(r)).containsEntry("db_password", "s3cr3t-value");
    assertThat(r.secrets()).containsExactly("s3cr3t-value");
  }
}
