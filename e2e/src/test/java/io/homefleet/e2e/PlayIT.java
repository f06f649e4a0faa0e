package io.homefleet.e2e;

import static io.homefleet.e2e.Recaps.changed;
import static io.homefleet.e2e.Recaps.recap;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code homefleet play} end to end with real processes: a controller and two agents on
 * loopback run a two-play playbook (a role with defaults, a template and a handler; a loop with
 * register and when; block/rescue; set_fact carried to the next play; serial: 1), each host
 * writing under its own directory. {@code --check} first changes nothing on disk; the first run
 * changes things; the second changes nothing; a failing play exits 2 with failed=1; a stopped
 * agent is unreachable (exit 4).
 */
class PlayIT {
  private static final List<String> FIXTURE = List.of("site.yml", "fail.yml", "roles/web/defaults/main.yml",
      "roles/web/tasks/main.yml", "roles/web/handlers/main.yml", "roles/web/templates/site.conf.j2");

  @Test
  void playbook_checkThenRunTwice_secondRunChangesNothing_failuresAndUnreachableExitNonZero(@TempDir Path tmp)
      throws Exception {
    Path pb = tmp.resolve("pb");
    for (String f : FIXTURE) {
      Path p = pb.resolve(f);
      Files.createDirectories(p.getParent());
      try (InputStream in = PlayIT.class.getResourceAsStream("/play/" + f)) {
        Files.copy(in, p);
      }
    }
    Path rootA = tmp.resolve("hosts/agent-a");
    Path rootB = tmp.resolve("hosts/agent-b");
    Path inv = tmp.resolve("inventory/hosts.yml");
    Files.createDirectories(inv.getParent());
    Files.writeString(inv, "all:\n  hosts:\n    agent-a:\n      root: " + rootA + "\n    agent-b:\n      root: " + rootB
        + "\n");
    String site = pb.resolve("site.yml").toString();

    Files.createDirectories(tmp.resolve("fleet"));
    try (Fleet fleet = new Fleet(tmp.resolve("fleet"))) {
      fleet.init();
      fleet.startController();
      String[] a = fleet.token("agent-a", "dev");
      String[] b = fleet.token("agent-b", "sandbox");
      fleet.startAgent("agent-a", fleet.agentConfig("agent-a", a[0], a[1]));
      fleet.startAgent("agent-b", fleet.agentConfig("agent-b", b[0], b[1]));
      fleet.awaitOnline(Duration.ofSeconds(60), "agent-a", "agent-b");

      // --check on fresh hosts (empty roots: as in Ansible, a template into a missing directory
      // fails even in check mode): changes are reported, nothing is written.
      Files.createDirectories(rootA);
      Files.createDirectories(rootB);
      Fleet.Result check = fleet.cli("play", site, "-i", inv.toString(), "--check");
      System.out.println(check.stdout());
      assertThat(check.exitCode()).as(check.all()).isZero();
      assertThat(check.stdout()).contains("PLAY [base layout]", "TASK [web : site config]", "changed: [agent-a]",
          "PLAY RECAP");
      assertThat(rootA).isEmptyDirectory();
      assertThat(rootB).isEmptyDirectory();

      // First run: changes, the handler runs, the rescue recovers, the fact reaches play 2.
      Fleet.Result first = fleet.cli("play", site, "-i", inv.toString(), "--diff");
      System.out.println(first.stdout());
      assertThat(first.exitCode()).as(first.all()).isZero();
      assertThat(first.stdout()).contains("PLAY [base layout]", "PLAY [second play]",
          "TASK [make the package dirs]", "changed: [agent-a] => (item=alpha)", "RUNNING HANDLER [web : restart web]",
          "fatal: [agent-b]: FAILED!", "TASK [recovered]", "+listen 8080");
      assertThat(changed(first.stdout(), "agent-a")).isPositive();
      assertThat(changed(first.stdout(), "agent-b")).isPositive();
      assertThat(recap(first.stdout(), "agent-a")).contains("failed=0", "rescued=1");
      for (Path root : List.of(rootA, rootB)) {
        String host = root.getFileName().toString();
        assertThat(root.resolve("site.conf")).hasContent("listen 8080\nserver_name " + host);
        assertThat(root.resolve("pkg/gamma")).isDirectory();
        assertThat(root.resolve("dirs-made.txt")).exists();
        assertThat(root.resolve("rescued.txt")).hasContent("rescued");
        assertThat(root.resolve("never.txt")).doesNotExist();
        assertThat(root.resolve("marker.txt")).hasContent("from-play-1 on " + host);
        assertThat(Files.readAllLines(root.resolve("restarts.log"))).containsExactly("restarted");
      }

      // Second run: nothing changes anywhere, and the handler does not run again.
      Fleet.Result second = fleet.cli("play", site, "-i", inv.toString());
      System.out.println(second.stdout());
      assertThat(second.exitCode()).as(second.all()).isZero();
      assertThat(changed(second.stdout(), "agent-a")).as(second.stdout()).isZero();
      assertThat(changed(second.stdout(), "agent-b")).as(second.stdout()).isZero();
      assertThat(second.stdout()).doesNotContain("RUNNING HANDLER");
      assertThat(Files.readAllLines(rootA.resolve("restarts.log"))).containsExactly("restarted");

      // --json: one document, every host's result per task, and the stats; still nothing changes.
      Fleet.Result json = fleet.cli("play", site, "-i", inv.toString(), "--json");
      assertThat(json.exitCode()).as(json.all()).isZero();
      assertThat(json.stdout().strip()).startsWith("{").endsWith("}");
      assertThat(json.stdout()).contains("\"stats\"", "\"agent-a\" : {", "\"name\" : \"web : site config\"",
          "\"status\" : \"ok\"").doesNotContain("\"status\" : \"changed\"").doesNotContain("PLAY RECAP");

      // The run is in the history with its per-task results.
      Fleet.Result runs = fleet.cli("runs", "--json");
      Matcher id = Pattern.compile("\"id\" : \"([0-9a-f]+)\"").matcher(runs.stdout());
      assertThat(id.find()).as(runs.stdout()).isTrue();
      Fleet.Result show = fleet.cli("runs", "show", id.group(1));
      System.out.println(show.stdout());
      assertThat(show.exitCode()).as(show.all()).isZero();
      assertThat(show.stdout()).contains("site.yml", "web : site config", "agent-a", "ok");

      // A failing task: exit 2, failed=1 in the recap.
      Fleet.Result failed = fleet.cli("play", pb.resolve("fail.yml").toString(), "-i", inv.toString());
      System.out.println(failed.stdout());
      assertThat(failed.exitCode()).as(failed.all()).isEqualTo(2);
      assertThat(failed.stdout()).contains("fatal: [agent-a]: FAILED!");
      assertThat(recap(failed.stdout(), "agent-a")).contains("failed=1");
      assertThat(failed.stdout()).doesNotContain("never reached");

      // A stopped agent is unreachable: exit 4, the other host still runs.
      fleet.stopAgent("agent-b");
      Fleet.Result unreachable = fleet.cli("play", site, "-i", inv.toString());
      System.out.println(unreachable.stdout());
      assertThat(unreachable.exitCode()).as(unreachable.all()).isEqualTo(4);
      assertThat(unreachable.stdout()).contains("fatal: [agent-b]: UNREACHABLE!");
      assertThat(recap(unreachable.stdout(), "agent-b")).contains("unreachable=1");
      assertThat(recap(unreachable.stdout(), "agent-a")).contains("failed=0");
    }
  }

}
