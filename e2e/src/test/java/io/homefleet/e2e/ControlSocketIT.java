package io.homefleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.homefleet.proto.v1.AgentSessionGrpc;
import io.homefleet.proto.v1.EnrollRequest;
import io.homefleet.proto.v1.EnrollmentGrpc;
import io.homefleet.proto.v1.RenewRequest;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller's local control socket with real processes: {@code ca init} points the
 * operator's CLI at it, {@code hosts} and {@code play} go over it (callers recorded as
 * {@code local:root}), it is mode 0600 and another user cannot connect, the agent and enrollment
 * services are not served on it, a stale socket from a SIGKILLed controller is replaced at the
 * next start, a second controller on the same data directory is refused with a clear error, a clean stop removes it,
 * and {@code control_socket: off} serves none and removes a stale one (the CLI then uses TLS).
 */
class ControlSocketIT {

  @Test
  void controlSocket_servesTheOperatorCli_onlyToItsOwner_andSurvivesAKill(@TempDir Path tmp) throws Exception {
    // Every directory on the way traversable by anyone: only the socket's own mode keeps other users out.
    // The temporary directory itself is left alone: a chmod there would drop /tmp's sticky bit for everyone.
    Path tmpdir = Path.of(System.getProperty("java.io.tmpdir"));
    for (Path d = tmp; d != null && d.startsWith(tmpdir) && !d.equals(tmpdir); d = d.getParent()) {
      Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Path fleetDir = Files.createDirectories(tmp.resolve("fleet"));
    try (Fleet fleet = new Fleet(fleetDir)) {
      fleet.init();
      Path socket = fleet.dataDir.resolve("control.sock").toAbsolutePath();
      assertThat(Files.readString(fleet.home.resolve("config.yaml"))).contains("socket: " + socket);
      fleet.startController();
      assertThat(Files.readAttributes(socket, java.nio.file.attribute.BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS).isOther()).as("a socket at %s", socket).isTrue();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket, LinkOption.NOFOLLOW_LINKS)))
          .isEqualTo("rw-------");
      assertThat(Files.readString(fleetDir.resolve("controller.log"))).contains("operator API on the control socket");

      // The CLI uses the socket on its own (config.yaml's socket:), with a played play and a run by local:root.
      String[] a = fleet.token("agent-a", "dev");
      fleet.startAgent("agent-a", fleet.agentConfig("agent-a", a[0], a[1]));
      fleet.awaitOnline(Duration.ofSeconds(60), "agent-a");
      Path root = Files.createDirectories(tmp.resolve("hosts/agent-a"));
      Path inv = tmp.resolve("hosts.yml");
      Files.writeString(inv, "all:\n  hosts:\n    agent-a:\n      root: " + root + "\n");
      Path play = tmp.resolve("site.yml");
      Files.writeString(play, "- hosts: all\n  gather_facts: false\n  tasks:\n    - name: mark\n      copy:\n"
          + "        dest: \"{{ root }}/mark.txt\"\n        content: \"over the socket\\n\"\n");
      Fleet.Result played = fleet.cli("play", play.toString(), "-i", inv.toString());
      assertThat(played.exitCode()).as(played.all()).isZero();
      assertThat(Files.readString(root.resolve("mark.txt"))).isEqualTo("over the socket\n");
      Fleet.Result runs = fleet.cli("runs", "--json");
      assertThat(runs.exitCode()).as(runs.all()).isZero();
      assertThat(runs.stdout()).contains("\"requested_by\" : \"local:root\"");
      assertThat(Files.readString(fleetDir.resolve("controller.log"))).contains("local:root minted a token");

      // Another user reaches the socket's directory but cannot connect: mode 0600.
      Fleet.Result traverse = asNobody(fleetDir, "test", "-S", socket.toString());
      assertThat(traverse.exitCode()).as("nobody can see the socket: %s", traverse.all()).isZero();
      Fleet.Result nobody = asNobody(fleetDir, "env", "HOMEFLEET_CONTROLLER=unix:" + socket, "HOMEFLEET_HOME=/nonexistent",
          Fleet.ROOT.resolve("bin/homefleet").toString(), "hosts");
      assertThat(nobody.exitCode()).as(nobody.all()).isEqualTo(3);
      assertThat(nobody.stderr()).contains("cannot reach the controller at unix:" + socket, "Permission denied",
          "may this user open the socket");

      // No agent and no enrollment call is served on the socket.
      NioEventLoopGroup loop = new NioEventLoopGroup(1);
      ManagedChannel ch = NettyChannelBuilder.forAddress(UnixDomainSocketAddress.of(socket))
          .channelType(NioDomainSocketChannel.class, UnixDomainSocketAddress.class).eventLoopGroup(loop)
          .usePlaintext().overrideAuthority("localhost")
          .withOption(io.netty.channel.ChannelOption.SO_KEEPALIVE, null).build();
      try {
        assertThatThrownBy(() -> EnrollmentGrpc.newBlockingStub(ch).withDeadlineAfter(15, TimeUnit.SECONDS)
            .enroll(EnrollRequest.getDefaultInstance()))
            .isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
        assertThatThrownBy(() -> AgentSessionGrpc.newBlockingStub(ch).withDeadlineAfter(15, TimeUnit.SECONDS)
            .renew(RenewRequest.getDefaultInstance()))
            .isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
      } finally {
        ch.shutdownNow();
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      }

      // SIGKILL leaves the socket file behind; the next start replaces it and serves again.
      fleet.killController();
      assertThat(socket).exists();
      fleet.startController();
      Fleet.Result hosts = fleet.cli("hosts");
      assertThat(hosts.exitCode()).as(hosts.all()).isZero();
      assertThat(hosts.stdout()).contains("agent-a");

      // A second controller on the same data dir (and socket) is refused by the data directory's lock,
      // naming the directory and the first one's pid, before it opens the store or the socket
      // (ControlSocketTest: a live socket refused by itself, for two data directories given one socket).
      Fleet.Result second = fleet.cli("server", "--data-dir", fleet.dataDir.toString());
      assertThat(second.exitCode()).as(second.all()).isNotZero();
      assertThat(second.all()).contains("data directory " + fleet.dataDir)
          .contains("is in use by another controller (pid ");
      assertThat(socket).exists();
      assertThat(fleet.cli("hosts").exitCode()).isZero();

      // A clean stop removes the socket.
      fleet.stopController();
      assertThat(socket).doesNotExist();
      fleet.startController();
      assertThat(socket).exists();

      // control_socket: off: a stale socket (SIGKILL) is removed, none is served, and the CLI uses TLS.
      fleet.killController();
      assertThat(socket).exists();
      Path cfg = fleet.dataDir.resolve("controller.yaml");
      Files.writeString(cfg, Files.readString(cfg) + "control_socket: off\n");
      fleet.startController();
      assertThat(socket).doesNotExist();
      Fleet.Result overTls = fleet.cli("hosts");
      assertThat(overTls.exitCode()).as(overTls.all()).isZero();
      assertThat(overTls.stdout()).contains("agent-a");
    }
  }

  /** Runs {@code cmd} as uid/gid 65534 (nobody) with no supplementary groups. */
  private static Fleet.Result asNobody(Path dir, String... cmd) throws Exception {
    List<String> all = new java.util.ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
    all.addAll(List.of(cmd));
    return Fleet.runCommand(dir, Duration.ofSeconds(60), all);
  }
}
