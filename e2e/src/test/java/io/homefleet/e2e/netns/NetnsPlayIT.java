package io.homefleet.e2e.netns;

import static io.homefleet.e2e.Recaps.changed;
import static io.homefleet.e2e.Recaps.recap;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4's acceptance run: {@code homefleet play} against real agent processes in three
 * network-namespace test hosts (web-1, web-2, db-1), the controller on the run's bridge. A
 * three-play playbook with a role (defaults, template, handler), serial batches of two, a loop
 * with register and when, block/rescue, a task that reads the host's own address (so each task
 * demonstrably ran inside its host's namespace) and a fact read through {@code hostvars}; run
 * twice, the second run reports changed=0 everywhere. Then a play where one host fails (exit 2)
 * and a play with one host's link cut (exit 4, the others still run).
 */
class NetnsPlayIT {
  private static final List<String> FIXTURE = List.of("site.yml", "fail.yml", "roles/app/defaults/main.yml",
      "roles/app/tasks/main.yml", "roles/app/handlers/main.yml", "roles/app/templates/app.conf.j2");
  private static final List<String> HOSTS = List.of("web-1", "web-2", "db-1");

  private final Phases phases = new Phases("NetnsPlayIT");

  @Test
  void multiPlayPlaybook_onNamespaceHosts_runsTwiceWithNoSecondChange_failureExits2_cutHostExits4(
      @TempDir Path tmp) throws IOException {
    Path pb = copyFixture(tmp.resolve("pb"));
    try (TestHosts net = TestHosts.create(tmp.resolve("net"), HOSTS.toArray(String[]::new));
        TestController controller = TestController.start(net, tmp.resolve("controller"))) {
      Path inv = tmp.resolve("inventory/hosts.yml");
      Files.createDirectories(inv.getParent());
      StringBuilder yaml = new StringBuilder("all:\n  children:\n");
      for (String group : List.of("web", "db")) {
        yaml.append("    ").append(group).append(":\n      hosts:\n");
        for (TestHost h : net.hosts()) {
          if (h.name().startsWith(group + "-")) {
            yaml.append("        ").append(h.name()).append(":\n          root: ").append(h.root().resolve("srv/app"))
                .append('\n');
          }
        }
      }
      Files.writeString(inv, yaml);
      for (TestHost h : net.hosts()) {
        controller.enroll(h, h.name().startsWith("db") ? "services" : "dev", Map.of("suite", "netns-play"));
      }
      controller.awaitStatus(Duration.ofSeconds(90), "online", HOSTS.toArray(String[]::new));
      phases.done("namespaces, controller, three agents online");

      // First run: everything changes, batches of two, the handler runs once per host.
      String site = pb.resolve("site.yml").toString();
      CommandResult first = controller.cli("play", site, "-i", inv.toString());
      System.out.println(first.stdout());
      assertThat(first.exitCode()).as(first.all()).isZero();
      String out = first.stdout();
      assertThat(out).contains("PLAY [base layout]", "PLAY [web servers]", "PLAY [everyone again]",
          "TASK [app : app config]", "changed: [web-1] => (item=alpha)", "RUNNING HANDLER [app : restart app]",
          "fatal: [web-2]: FAILED!", "TASK [recovered]", "PLAY RECAP");
      // serial: 2 -> web-1 and web-2 finish the first play's tasks before db-1 starts them.
      assertThat(out.indexOf("changed: [db-1]")).as(out)
          .isGreaterThan(out.indexOf("changed: [web-1] => (item=gamma)"))
          .isGreaterThan(out.indexOf("changed: [web-2] => (item=gamma)"));
      for (String h : HOSTS) {
        assertThat(recap(out, h)).as(h).contains("failed=0", "unreachable=0");
        assertThat(changed(out, h)).as(h).isPositive();
      }
      assertThat(recap(out, "web-1")).contains("rescued=1");
      assertThat(recap(out, "db-1")).contains("rescued=0");
      for (TestHost h : net.hosts()) {
        Path root = h.root().resolve("srv/app");
        assertThat(root.resolve("app.conf")).hasContent("listen 8080\nserver_name " + h.name());
        assertThat(root.resolve("pkg/gamma")).isDirectory();
        assertThat(root.resolve("dirs-made.txt")).hasContent("made 3");
        assertThat(Files.readAllLines(root.resolve("restarts.log"))).containsExactly("restarted");
        assertThat(root.resolve("marker.txt")).hasContent("from-play-1 on " + h.name() + ", db marker from-play-1");
        assertThat(root.resolve("never.txt")).doesNotExist();
        if (h.name().startsWith("web")) {
          assertThat(root.resolve("address.txt")).hasContent(h.address() + "/24");
          assertThat(root.resolve("rescued.txt")).hasContent("rescued");
        } else {
          assertThat(root.resolve("address.txt")).doesNotExist();
          assertThat(root.resolve("rescued.txt")).doesNotExist();
        }
      }
      phases.done("first run");

      // Second run: changed=0 on every host, no handler.
      CommandResult second = controller.cli("play", site, "-i", inv.toString());
      System.out.println(second.stdout());
      assertThat(second.exitCode()).as(second.all()).isZero();
      for (String h : HOSTS) {
        assertThat(changed(second.stdout(), h)).as(second.stdout()).isZero();
        assertThat(recap(second.stdout(), h)).contains("failed=0", "unreachable=0");
      }
      assertThat(second.stdout()).doesNotContain("RUNNING HANDLER").doesNotContain("changed: [");
      for (TestHost h : net.hosts()) {
        assertThat(Files.readAllLines(h.root().resolve("srv/app/restarts.log"))).containsExactly("restarted");
      }
      phases.done("second run");

      // One host fails: exit 2, failed=1 for it, the others are fine.
      CommandResult failed = controller.cli("play", pb.resolve("fail.yml").toString(), "-i", inv.toString());
      System.out.println(failed.stdout());
      assertThat(failed.exitCode()).as(failed.all()).isEqualTo(2);
      assertThat(failed.stdout()).contains("fatal: [db-1]: FAILED!");
      assertThat(recap(failed.stdout(), "db-1")).contains("failed=1");
      assertThat(recap(failed.stdout(), "web-1")).contains("failed=0", "unreachable=0");
      assertThat(recap(failed.stdout(), "web-2")).contains("failed=0", "unreachable=0");
      phases.done("failing host");

      // web-2's link is cut: it is unreachable (exit 4), the other two still run the play.
      net.host("web-2").cut();
      CommandResult cut = controller.cli("play", site, "-i", inv.toString());
      System.out.println(cut.stdout());
      assertThat(cut.exitCode()).as(cut.all()).isEqualTo(4);
      assertThat(cut.stdout()).contains("fatal: [web-2]: UNREACHABLE!");
      assertThat(recap(cut.stdout(), "web-2")).contains("unreachable=1");
      for (String h : List.of("web-1", "db-1")) {
        assertThat(recap(cut.stdout(), h)).contains("failed=0", "unreachable=0", "changed=0");
      }
      phases.done("cut host");
    }
  }

  private static Path copyFixture(Path pb) throws IOException {
    for (String f : FIXTURE) {
      Path p = pb.resolve(f);
      Files.createDirectories(p.getParent());
      try (InputStream in = NetnsPlayIT.class.getResourceAsStream("/netnsplay/" + f)) {
        Files.copy(in, p);
      }
    }
    return pb;
  }
}
