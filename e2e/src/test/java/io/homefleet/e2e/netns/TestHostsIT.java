package io.homefleet.e2e.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test-host harness itself: addresses, isolation, link control, cleanup and the stale sweep. */
class TestHostsIT {

  @Test
  void create_givesEachHostItsOwnStackOnTheRunsSubnet_andCloseRemovesEverything(@TempDir Path tmp) throws Exception {
    String runId;
    List<String> namespaces;
    try (TestHosts net = TestHosts.create(tmp, 2); ServerSocket gateway = listenOnGateway(net)) {
      runId = net.runId();
      namespaces = net.hosts().stream().map(TestHost::namespace).toList();
      assertThat(net.subnet()).matches("198\\.1[89]\\.\\d+\\.0/24");
      assertThat(namespaceList()).containsAll(namespaces);
      assertThat(Files.exists(TestHosts.STATE_DIR.resolve(runId + ".lock"))).isTrue();
      for (TestHost h : net.hosts()) {
        assertThat(h.namespace()).matches("hf-" + runId + "-" + h.index());
        assertThat(h.address()).startsWith(net.gatewayAddress().substring(0, net.gatewayAddress().length() - 1));
        CommandResult addr = h.exec(Duration.ofSeconds(10), "ip", "-4", "-o", "addr", "show");
        assertThat(addr.stdout()).as(addr.all()).contains("inet " + h.address() + "/24").contains("inet 127.0.0.1/8")
            .doesNotContain(net.gatewayAddress() + "/");
        assertThat(h.exec(Duration.ofSeconds(10), "ip", "route", "show").stdout()).doesNotContain("default");
        assertThat(connect(h, net.gatewayAddress(), gateway.getLocalPort()).exitCode()).isZero();
        assertThat(Files.isDirectory(h.root().resolve("etc"))).isTrue();
      }
      // No default route: anything outside the run's /24 fails at once, nothing is sent.
      CommandResult outside = connect(net.hosts().get(0), "192.0.2.1", 80);
      assertThat(outside.exitCode()).isNotZero();
      assertThat(outside.stderr()).contains("Network is unreachable");
    }
    assertThat(namespaceList()).doesNotContainAnyElementsOf(namespaces);
    assertThat(Commands.run(Duration.ofSeconds(10), "ip", "-o", "link", "show").stdout()).doesNotContain("hf" + runId);
    assertThat(Files.exists(TestHosts.STATE_DIR.resolve(runId + ".lock"))).isFalse();
  }

  @Test
  void cut_dropsTheHostsTraffic_andRestoreBringsItBack(@TempDir Path tmp) throws Exception {
    try (TestHosts net = TestHosts.create(tmp, 2); ServerSocket gateway = listenOnGateway(net)) {
      TestHost a = net.hosts().get(0);
      TestHost b = net.hosts().get(1);
      a.cut();
      assertThat(a.isCut()).isTrue();
      CommandResult cut = connect(a, net.gatewayAddress(), gateway.getLocalPort());
      assertThat(cut.exitCode()).as(cut.all()).isNotZero();
      assertThat(connect(b, net.gatewayAddress(), gateway.getLocalPort()).exitCode()).as("the other host").isZero();
      a.restore();
      CommandResult back = connect(a, net.gatewayAddress(), gateway.getLocalPort());
      assertThat(back.exitCode()).as(back.all()).isZero();
    }
  }

  @Test
  void delay_addsLatencyBothWays_orSaysThatTheKernelLacksNetem(@TempDir Path tmp) throws Exception {
    try (TestHosts net = TestHosts.create(tmp, 1); ServerSocket gateway = listenOnGateway(net)) {
      TestHost h = net.hosts().get(0);
      if (net.supportsDelay()) {
        h.delay(Duration.ofMillis(150));
        // A TCP connect is one round trip: at least 2 x 150 ms.
        CommandResult slow = h.exec(Duration.ofSeconds(20), "bash", "-c", "s=$(date +%s%N); exec 3<>/dev/tcp/"
            + net.gatewayAddress() + "/" + gateway.getLocalPort() + "; echo $(( ($(date +%s%N) - s) / 1000000 ))");
        assertThat(slow.exitCode()).as(slow.all()).isZero();
        assertThat(Long.parseLong(slow.stdout().strip())).isGreaterThanOrEqualTo(300);
        h.clearDelay();
        assertThat(h.isDelayed()).isFalse();
      } else {
        assertThatThrownBy(() -> h.delay(Duration.ofMillis(150))).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("no netem").hasMessageContaining(h.name());
        assertThat(h.isDelayed()).isFalse();
      }
    }
  }

  @Test
  void sweepStale_removesWhatADeadRunLeft_andKeepsLiveRuns(@TempDir Path tmp) throws Exception {
    // What a SIGKILLed test JVM leaves: an unlocked lock file, a namespace with a veth on the root
    // side, and a process tagged with the run, still running inside the namespace.
    String dead = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt(0x1000000)).substring(2);
    String ns = "hf-" + dead + "-1";
    Files.createDirectories(TestHosts.STATE_DIR);
    Files.writeString(TestHosts.STATE_DIR.resolve(dead + ".lock"), "pid 999999\n");
    Commands.check("ip", "netns", "add", ns);
    Commands.check("ip", "link", "add", "hf" + dead + "v1", "type", "veth", "peer", "name", "hf" + dead + "p1");
    Commands.check("ip", "link", "set", "hf" + dead + "p1", "netns", ns);
    ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", ns, "sleep", "300");
    pb.environment().put(TestHosts.RUN_ENV, dead);
    Process leftover = pb.start();
    try (TestHosts live = TestHosts.create(tmp, 1)) {
      // create() swept already; a second sweep finds nothing more and spares the live run.
      assertThat(TestHosts.sweepStale()).doesNotContain(live.runId());
      assertThat(leftover.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).as("leftover process killed").isTrue();
      assertThat(namespaceList()).doesNotContain(ns).contains(live.hosts().get(0).namespace());
      assertThat(Commands.run(Duration.ofSeconds(10), "ip", "-o", "link", "show").stdout())
          .doesNotContain("hf" + dead).contains(live.bridge());
      assertThat(Files.exists(TestHosts.STATE_DIR.resolve(dead + ".lock"))).isFalse();
    } finally {
      leftover.destroyForcibly();
      Commands.run(Duration.ofSeconds(10), "ip", "netns", "del", ns);
      Commands.run(Duration.ofSeconds(10), "ip", "link", "del", "hf" + dead + "v1");
      Files.deleteIfExists(TestHosts.STATE_DIR.resolve(dead + ".lock"));
    }
  }

  private static ServerSocket listenOnGateway(TestHosts net) throws IOException {
    ServerSocket s = new ServerSocket();
    s.bind(new InetSocketAddress(InetAddress.getByName(net.gatewayAddress()), 0), 50);
    return s;
  }

  /** A TCP connect from inside the host, bounded to 3 s; exit 0 when the handshake completed. */
  private static CommandResult connect(TestHost h, String address, int port) {
    return h.exec(Duration.ofSeconds(10), "timeout", "3", "bash", "-c", "exec 3<>/dev/tcp/" + address + "/" + port);
  }

  private static List<String> namespaceList() {
    return Commands.check("ip", "netns", "list").stdout().lines().map(l -> l.split(" ")[0]).toList();
  }
}
