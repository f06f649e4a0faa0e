package io.homefleet.e2e.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A controller in the root namespace and three agents in three network namespaces, all real
 * processes talking over 198.18.0.0/15: they enroll and connect, an ad-hoc command shows that
 * each agent runs in its own network stack, and a cut link makes one host unreachable while the
 * others answer, until the link is restored and the agent reconnects on its own.
 */
class NetnsHostsIT {
  private static final Pattern ADDRESS = Pattern.compile("inet (198\\.1[89]\\.\\d+\\.\\d+)/24");

  private final Phases phases = new Phases("NetnsHostsIT");

  @Test
  void agentsInNamespaces_enrollRunAndSurviveALinkCut(@TempDir Path tmp) {
    try (TestHosts net = TestHosts.create(tmp, "prod-1", "dev-1", "sandbox-1");
        TestController controller = TestController.start(net, tmp.resolve("controller"))) {
      assertThat(controller.address()).startsWith(net.gatewayAddress() + ":");
      phases.done("namespaces, CA and controller up");
      Map<String, String> roles = Map.of("prod-1", "prod", "dev-1", "dev", "sandbox-1", "sandbox");
      for (TestHost h : net.hosts()) {
        controller.enroll(h, roles.get(h.name()), Map.of("suite", "netns"));
      }
      String[] names = net.hosts().stream().map(TestHost::name).toArray(String[]::new);
      controller.awaitStatus(Duration.ofSeconds(90), "online", names);
      phases.done("three agents enrolled and online");

      // Listed with their roles.
      CommandResult hosts = controller.cli("hosts");
      assertThat(hosts.exitCode()).as(hosts.all()).isZero();
      roles.forEach((name, role) -> assertThat(hosts.stdout()).containsPattern(
          "(?m)^" + name + "\\s+" + role + "\\s+online\\b"));

      // Each agent sees only its own 198.18 address: it runs inside its own namespace.
      CommandResult addrs = controller.cli("run", "all", "-m", "command", "-a", "ip -4 addr show");
      assertThat(addrs.exitCode()).as(addrs.all()).isZero();
      for (TestHost h : net.hosts()) {
        assertThat(addressesReportedBy(addrs.stdout(), h.name())).as(addrs.all()).containsExactly(h.address());
      }
      // And the controller saw each session come from that address.
      CommandResult facts = controller.cli("hosts", "show", "dev-1", "--json");
      assertThat(facts.stdout()).as(facts.all()).contains(net.host("dev-1").address())
          .doesNotContain(net.host("prod-1").address());

      phases.done("hosts, run, facts");

      // Cut dev-1 off: it is unreachable, the others still answer; the CLI exits 4 as ansible does.
      TestHost dev = net.host("dev-1");
      dev.cut();
      CommandResult during = controller.cli("run", "all", "-m", "command", "-a", "ip -4 addr show", "--timeout",
          "60s");
      assertThat(during.exitCode()).as(during.all()).isEqualTo(4);
      assertThat(during.stdout()).contains("dev-1 | UNREACHABLE!", "prod-1 | CHANGED | rc=0",
          "sandbox-1 | CHANGED | rc=0");
      assertThat(during.took()).as("unreachable well before the task timeout").isLessThan(Duration.ofSeconds(40));
      controller.awaitStatus(Duration.ofSeconds(30), "offline", "dev-1");
      controller.awaitStatus(Duration.ofSeconds(5), "online", "prod-1", "sandbox-1");
      assertThat(dev.agent().orElseThrow().isAlive()).as("the agent itself keeps running").isTrue();
      phases.done("cut: run with dev-1 unreachable, offline");

      // Restore: the agent reconnects by itself and answers again.
      dev.restore();
      controller.awaitStatus(Duration.ofSeconds(60), "online", names);
      CommandResult after = controller.cli("run", "all", "-m", "command", "-a", "ip -4 addr show");
      assertThat(after.exitCode()).as(after.all()).isZero();
      assertThat(addressesReportedBy(after.stdout(), "dev-1")).containsExactly(dev.address());
      phases.done("restore: dev-1 reconnected and answers");
    }
  }

  /** The 198.18/15 addresses in one host's block of {@code homefleet run} output. */
  static List<String> addressesReportedBy(String output, String host) {
    Matcher block = Pattern.compile("(?ms)^" + Pattern.quote(host) + " \\| .*?(?=^\\S+ \\| |\\z)").matcher(output);
    if (!block.find()) {
      return List.of();
    }
    return ADDRESS.matcher(block.group()).results().map(r -> r.group(1)).toList();
  }
}
