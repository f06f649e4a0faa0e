package io.homefleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the CLI connects: the precedence between --controller, $HOMEFLEET_CONTROLLER and config.yaml. */
class CliHomeSocketTest {
  @TempDir
  Path dir;

  private Path socket() throws Exception {
    Path s = dir.resolve("control.sock");
    try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.bind(UnixDomainSocketAddress.of(s)); // the file stays after close, as a killed controller's does
    }
    return s;
  }

  private void config(String extra) throws Exception {
    Files.writeString(dir.resolve("config.yaml"), "controller: 198.18.0.1:7443\nca_fingerprint: \"sha256:AB\"\n" + extra);
  }

  @Test
  void unixAddress_inTheEnvironment_needsNoConfigFile() {
    CliHome home = CliHome.load(dir, null, "unix:/var/lib/homefleet/control.sock");
    assertThat(home.socket()).contains(Path.of("/var/lib/homefleet/control.sock"));
    assertThat(home.controller()).isEqualTo("unix:/var/lib/homefleet/control.sock");
  }

  @Test
  void unixAddress_option_winsOverATcpEnvironment() {
    assertThat(CliHome.load(dir, "unix:/x/control.sock", "127.0.0.1:7443").socket()).contains(Path.of("/x/control.sock"));
  }

  @Test
  void configuredSocket_thatExists_isUsed() throws Exception {
    Path s = socket();
    config("socket: " + s + "\n");
    CliHome home = CliHome.load(dir, null, null);
    assertThat(home.socket()).contains(s);
    assertThat(home.controller()).isEqualTo("unix:" + s);
  }

  @Test
  void tcpAddress_forced_winsOverTheConfiguredSocket() throws Exception {
    config("socket: " + socket() + "\n");
    CliHome home = CliHome.load(dir, null, "127.0.0.1:7443");
    assertThat(home.socket()).isEmpty();
    assertThat(home.controller()).isEqualTo("127.0.0.1:7443");
    assertThat(CliHome.load(dir, "127.0.0.1:9", null).socket()).isEmpty();
  }

  @Test
  void configuredSocket_missing_fallsBackToTls() throws Exception {
    config("socket: " + dir.resolve("gone.sock") + "\n");
    CliHome home = CliHome.load(dir, null, null);
    assertThat(home.socket()).isEmpty();
    assertThat(home.controller()).isEqualTo("198.18.0.1:7443");
    assertThat(home.caFingerprint()).isEqualTo("sha256:AB");
  }

  @Test
  void controllerSetting_unixAddress_isTheSocket() throws Exception {
    Files.writeString(dir.resolve("config.yaml"), "controller: unix:/run/hf.sock\nca_fingerprint: \"sha256:AB\"\n");
    assertThat(CliHome.load(dir, null, null).socket()).contains(Path.of("/run/hf.sock"));
  }

  @Test
  void unixAddress_withoutAPath_isAUsageError() {
    assertThatThrownBy(() -> CliHome.load(dir, null, "unix:")).isInstanceOf(CliException.class)
        .hasMessageContaining("HOMEFLEET_CONTROLLER: 'unix:' names no socket (example: unix:/var/lib/homefleet/control.sock)");
  }
}
