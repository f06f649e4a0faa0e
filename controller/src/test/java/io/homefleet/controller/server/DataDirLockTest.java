package io.homefleet.controller.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.controller.config.ControllerConfig;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One controller per data directory: a second one is refused before it opens the store; the lock goes with the first. */
class DataDirLockTest {
  @TempDir
  Path dir;

  @Test
  void secondControllerOnTheSameDataDir_isRefused_untilTheFirstStops() throws Exception {
    ControllerPki.initCa(dir.resolve("pki"), "controller", List.of("localhost", "127.0.0.1"));
    ControllerConfig config = ControllerConfig.defaults(dir, "127.0.0.1:0", "off");
    String pid = Long.toString(ProcessHandle.current().pid());
    try (ControllerServer first = new ControllerServer(config, Clock.systemUTC()).start()) {
      assertThat(Files.readString(dir.resolve(DataDirLock.FILE)).strip()).isEqualTo(pid);
      assertThatThrownBy(() -> new ControllerServer(ControllerConfig.defaults(dir, "127.0.0.1:0", "off"), Clock.systemUTC()).start())
          .isInstanceOf(IOException.class)
          .hasMessage("data directory " + dir + " is in use by another controller (pid " + pid
              + "): stop it first, or give this one a data directory of its own (--data-dir)");
      // the refused one touched nothing of the first: its port and its socket still answer
      try (Socket s = new Socket("127.0.0.1", first.port())) {
        assertThat(s.isConnected()).isTrue();
      }
      assertThat(dir.resolve(ControllerConfig.CONTROL_SOCKET)).exists();
    }
    // the lock went with the first controller
    try (ControllerServer again = new ControllerServer(config, Clock.systemUTC()).start()) {
      assertThat(again.port()).isPositive();
    }
  }
}
