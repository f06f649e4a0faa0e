package io.homefleet.controller.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ServerServiceDefinition;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control socket's file: its mode, a stale one replaced, a live one refused, removal on close. */
class ControlSocketTest {
  private static final ServerServiceDefinition NOTHING = ServerServiceDefinition.builder("homefleet.test.Nothing").build();

  @TempDir
  Path dir;

  @Test
  void start_bindsA0600Socket_andCloseRemovesIt() throws Exception {
    Path path = dir.resolve("control.sock");
    try (ControlSocket s = ControlSocket.start(path, NOTHING)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)))
          .isEqualTo("rw-------");
      try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
        assertThat(c.isConnected()).isTrue();
      }
      // the private directory it was bound in is gone
      try (var files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString())).containsExactly("control.sock");
      }
    }
    assertThat(path).doesNotExist();
  }

  @Test
  void start_overAStaleSocket_replacesIt() throws Exception {
    Path path = dir.resolve("control.sock");
    try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      dead.bind(UnixDomainSocketAddress.of(path)); // the file outlives the listener, as after SIGKILL
    }
    try (ControlSocket s = ControlSocket.start(path, NOTHING);
        SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
      assertThat(c.isConnected()).isTrue();
    }
  }

  @Test
  void start_whileAnotherServesTheSocket_failsNamingItAndLeavesItAlone() throws Exception {
    Path path = dir.resolve("control.sock");
    try (ControlSocket first = ControlSocket.start(path, NOTHING)) {
      assertThatThrownBy(() -> ControlSocket.start(path, NOTHING)).isInstanceOf(IOException.class)
          .hasMessageContaining("control_socket " + path + ": another controller is serving on it");
      try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
        assertThat(c.isConnected()).isTrue();
      }
    }
  }

  @Test
  void start_overAFileThatIsNotASocket_failsAndKeepsTheFile() throws Exception {
    Path path = Files.writeString(dir.resolve("control.sock"), "not a socket");
    assertThatThrownBy(() -> ControlSocket.start(path, NOTHING)).isInstanceOf(IOException.class)
        .hasMessageContaining("a file that is not a socket is in the way");
    assertThat(Files.readString(path)).isEqualTo("not a socket");
  }

  @Test
  void start_inAMissingDirectory_namesTheDirectory() {
    Path path = dir.resolve("missing/control.sock");
    assertThatThrownBy(() -> ControlSocket.start(path, NOTHING)).isInstanceOf(IOException.class)
        .hasMessageContaining("the directory " + dir.resolve("missing") + " does not exist");
  }
}
