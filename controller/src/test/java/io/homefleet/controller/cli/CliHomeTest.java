package io.homefleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliHomeTest {
  @TempDir
  Path dir;

  @Test
  void load_configWrittenByCaInit_readsAddressAndFingerprint() throws Exception {
    Files.writeString(dir.resolve("config.yaml"), "# homefleet CLI settings (written by 'homefleet ca init')\n"
        + "controller: 198.18.0.1:7443\nca_fingerprint: \"sha256:AB:CD\"\n");
    CliHome home = CliHome.load(dir, "127.0.0.1:9");
    assertThat(home.caFingerprint()).isEqualTo("sha256:AB:CD");
    assertThat(home.controller()).isEqualTo("127.0.0.1:9");
    assertThat(home.dir()).isEqualTo(dir);
  }

  @Test
  void load_missingOrNullSetting_namesTheFileAndWhatItNeeds() throws Exception {
    Files.writeString(dir.resolve("config.yaml"), "controller: ~\nca_fingerprint: \"sha256:AB\"\n");
    assertThatThrownBy(() -> CliHome.load(dir, null)).isInstanceOf(CliException.class)
        .hasMessageContaining("config.yaml: needs 'controller: HOST:PORT'");
  }

  @Test
  void load_invalidYaml_namesTheFile() throws Exception {
    Files.writeString(dir.resolve("config.yaml"), "controller: [unclosed\n");
    assertThatThrownBy(() -> CliHome.load(dir, null)).isInstanceOf(CliException.class)
        .hasMessageContaining("config.yaml");
  }
}
