package io.homefleet.controller.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.controller.config.ControllerConfig;
import io.homefleet.controller.store.Store;
import io.homefleet.playbook.vault.VaultCipher;
import io.homefleet.playbook.vault.VaultException;
import io.homefleet.playbook.vault.VaultSecret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state directory's vault: passwords from controller.yaml, its file's mode, what the store keeps. */
class StateVaultTest {
  @TempDir
  Path tmp;

  private Path config(String passwordMode) throws Exception {
    Path pw = Files.writeString(tmp.resolve("vault.pass"), "hunter2\n");
    Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString(passwordMode));
    return Files.writeString(tmp.resolve("controller.yaml"), "listen: 127.0.0.1:0\nvault_password_file: vault.pass\n");
  }

  private static StateTree tree(String site, String secrets) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("site.yml", site.getBytes(StandardCharsets.UTF_8));
    m.put("secrets.yml", secrets.getBytes(StandardCharsets.UTF_8));
    return new StateTree(m);
  }

  @Test
  void passwordFileReadableByOthers_isRefusedNamingTheFix() throws Exception {
    ControllerConfig c = ControllerConfig.load(config("rw-r-----"));

    assertThatThrownBy(c::vaultSecrets).isInstanceOf(VaultException.class)
        .hasMessageContaining(tmp.resolve("vault.pass").toString()).hasMessageContaining("chmod 600");
  }

  @Test
  void apply_decryptsWithTheConfigsPassword_andStoresOnlyCiphertext() throws Exception {
    ControllerConfig c = ControllerConfig.load(config("rw-------"));
    assertThat(c.vaultSecrets()).extracting(VaultSecret::id).containsExactly("default");
    String secrets = VaultCipher.encrypt("api_token: tok-3f9a1c\n".getBytes(StandardCharsets.UTF_8),
        VaultSecret.of("default", "hunter2"));
    String site = "- hosts: all\n  gather_facts: false\n  vars_files: [secrets.yml]\n  tasks:\n"
        + "    - debug: msg=\"{{ api_token }}\"\n";
    Path data = tmp.resolve("data");
    try (Store store = Store.open(data)) {
      DesiredState none = new DesiredState(store, data.resolve("state0"), Clock.systemUTC());
      assertThatThrownBy(() -> none.apply(tree(site, secrets), "alice", ""))
          .isInstanceOf(InvalidStateException.class)
          .satisfies(e -> assertThat(((InvalidStateException) e).errors()).anyMatch(
              m -> m.contains("secrets.yml: Attempting to decrypt but no vault secrets found")));

      DesiredState state = new DesiredState(store, data.resolve("state"), Clock.systemUTC(), c::vaultSecrets);
      state.apply(tree(site, secrets), "alice", "");
      assertThat(state.current()).isPresent();
    }
    try (var files = Files.walk(data)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString())
            .doesNotContain("tok-3f9a1c");
      }
    }
  }
}
