package io.homefleet.e2e.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Desired state over real addresses: a controller in the root namespace and two agents in
 * network namespaces, enrolled after a state was applied. The enforce host ends in the declared
 * state on its first connect with no push; the report host is only checked, its file is left
 * alone and its drift recorded; a host whose link was cut converges again when it reconnects.
 */
class StateNetnsIT {
  private static final Duration POLL = Duration.ofMillis(400);


  private static int count(String text, String needle) {
    Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void enrolledAfterApply_enforceHostConverges_reportHostOnlyReports_reconnectConvergesAgain(@TempDir Path tmp)
      throws Exception {
    try (TestHosts net = TestHosts.create(tmp, "web-1", "desk-1");
        TestController controller = TestController.start(net, tmp.resolve("controller"))) {
      TestHost web = net.host("web-1");
      TestHost desk = net.host("desk-1");
      Path state = tmp.resolve("state");
      Files.createDirectories(state.resolve("inventory"));
      Files.writeString(state.resolve("site.yml"), """
          - name: desired state
            hosts: all
            gather_facts: false
            tasks:
              - name: managed motd
                copy:
                  dest: "{{ root }}/etc/motd"
                  content: "Managed by homefleet: {{ inventory_hostname }}\\n"
          """);
      Files.writeString(state.resolve("inventory/hosts.yml"), "all:\n  hosts:\n    web-1:\n      root: " + web.root()
          + "\n    desk-1:\n      root: " + desk.root() + "\n");
      Files.writeString(state.resolve("homefleet.yml"), """
          inventory: inventory/hosts.yml
          convergence:
            interval: 30m
            groups:
              desk:
                mode: report
          """);
      CommandResult applied = controller.cli("state", "apply", state.toString());
      assertThat(applied.exitCode()).as(applied.all()).isZero();

      controller.enroll(web, "web", Map.of());
      controller.enroll(desk, "desk", Map.of());
      Path webMotd = web.root().resolve("etc/motd");
      await("web-1's motd").atMost(Duration.ofSeconds(90)).pollInterval(POLL)
          .until(() -> {
        try {
          return Files.isRegularFile(webMotd) && Files.readString(webMotd).equals("Managed by homefleet: web-1\n");
        } catch (java.io.IOException e) {
          return false;
        }
      });
      await("both converged once").atMost(Duration.ofSeconds(60)).pollInterval(POLL)
          .until(() -> {
        String s = controller.cli("status").stdout();
        return s.matches("(?s).*web-1\\s+converged\\s+enforce.*") && s.matches("(?s).*desk-1\\s+drifted\\s+report.*");
      });
      assertThat(desk.root().resolve("etc/motd")).as("report mode changes nothing").doesNotExist();
      CommandResult deskShow = controller.cli("hosts", "show", "desk-1");
      assertThat(deskShow.stdout()).as(deskShow.all()).contains("drifted (report, connect",
          "1 task(s) would change (report mode: nothing was changed)", "+Managed by homefleet: desk-1");

      // Cut and restored: the agent reconnects by itself and converges again on connect.
      web.cut();
      controller.awaitStatus(Duration.ofSeconds(30), "offline", "web-1");
      assertThat(controller.cli("status").stdout()).containsPattern("web-1\\s+offline");
      Files.writeString(webMotd, "changed while offline\n");
      web.restore();
      controller.awaitStatus(Duration.ofSeconds(60), "online", "web-1");
      await("web-1 put back after the reconnect").atMost(Duration.ofSeconds(60)).pollInterval(POLL)
          .until(() -> {
        try {
          return Files.readString(webMotd).equals("Managed by homefleet: web-1\n");
        } catch (java.io.IOException e) {
          return false;
        }
      });
      await("the second connect convergence in the history").atMost(Duration.ofSeconds(30)).pollInterval(POLL)
          .until(() -> count(controller.cli("hosts", "show", "web-1").stdout(), "(enforce, connect,") >= 2);
    }
  }
}
