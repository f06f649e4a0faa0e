package io.homefleet.controller.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControllerConfigControlSocketTest {
  @TempDir
  Path dir;

  private ControllerConfig load(String yaml) throws Exception {
    return ControllerConfig.load(Files.writeString(dir.resolve("controller.yaml"), yaml));
  }

  @Test
  void controlSocket_absent_isControlSockInTheDataDir() throws Exception {
    ControllerConfig c = load("listen: 127.0.0.1:7443\ndata_dir: data\n");
    assertThat(c.controlSocket()).contains(dir.resolve("data/control.sock").toAbsolutePath().normalize());
  }

  @Test
  void controlSocket_off_servesNone() throws Exception {
    assertThat(load("control_socket: off\n").controlSocket()).isEmpty();
  }

  @Test
  void controlSocket_relativePath_isFromTheConfigFilesDirectory() throws Exception {
    assertThat(load("control_socket: run/hf.sock\n").controlSocket())
        .contains(dir.resolve("run/hf.sock").toAbsolutePath().normalize());
  }

  @Test
  void controlSocket_tooLongForAUnixSocket_namesTheFieldAndTheLimit() {
    assertThatThrownBy(() -> load("control_socket: /tmp/" + "x".repeat(120) + ".sock\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("control_socket: '/tmp/xxx")
        .hasMessageContaining("a Unix socket path holds 107 at most (choose a shorter path, or off)");
  }

  @Test
  void controlSocket_directoryOrBlank_namesTheFieldAndAnExample() {
    assertThatThrownBy(() -> load("control_socket: /run/homefleet/\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("control_socket: '/run/homefleet/' is not a file path (example:");
    assertThatThrownBy(() -> load("control_socket: \"  \"\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("control_socket:");
  }
}
