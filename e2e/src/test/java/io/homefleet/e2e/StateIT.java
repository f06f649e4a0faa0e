package io.homefleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Desired state end to end, with the packaged controller, CLI and agent as real processes: an
 * invalid state is refused with file:line errors and the current version stays; a freshly
 * enrolled agent converges without anyone pushing; a file changed by hand is put back within one
 * (short) interval and the drift, with its diff, is in the host's history; diff and rollback.
 */
class StateIT {
  private static final Duration POLL = Duration.ofMillis(400);


  private static final String SITE = """
      - name: desired state
        hosts: all
        gather_facts: false
        tasks:
          - name: managed motd
            copy:
              dest: "{{ root }}/etc/motd"
              content: "{{ motd }}\\n"
              mode: "0644"
      """;

  private static void write(Path dir, String path, String content) throws Exception {
    Path p = dir.resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  /** A state directory whose inventory gives agent-a its own root under {@code hostRoot}. */
  private static Path stateDir(Path dir, Path hostRoot, String motd) throws Exception {
    write(dir, "site.yml", SITE);
    write(dir, "inventory/hosts.yml", "all:\n  vars:\n    motd: \"" + motd + "\"\n  hosts:\n    agent-a:\n"
        + "      root: " + hostRoot + "\n");
    write(dir, "homefleet.yml", """
        site: site.yml
        inventory: inventory/hosts.yml
        convergence:
          interval: 6s
          splay: 0s
        """);
    return dir;
  }

  @Test
  void invalidStateRefused_firstConnectConverges_driftPutBackAndRecorded_diffAndRollback(@TempDir Path tmp)
      throws Exception {
    Path root = tmp.resolve("hosts/agent-a");
    Files.createDirectories(root.resolve("etc"));
    Path motd = root.resolve("etc/motd");
    Path v1 = stateDir(tmp.resolve("state-v1"), root, "Managed by homefleet v1");
    Path bad = tmp.resolve("state-bad");
    stateDir(bad, root, "never");
    write(bad, "site.yml", SITE.replace("copy:", "copyy:"));
    write(bad, "homefleet.yml", "convergence:\n  interval: soon\nschedules:\n  - name: x\n    group: all\n"
        + "    cron: '0 25 * * *'\n    task: {module: ping}\n");

    Files.createDirectories(tmp.resolve("fleet"));
    try (Fleet fleet = new Fleet(tmp.resolve("fleet"))) {
      fleet.init();
      fleet.startController();

      // (c) An invalid state is refused whole, every error with its place, and nothing is current.
      Fleet.Result refused = fleet.cli("state", "apply", bad.toString());
      System.out.println(refused.all());
      assertThat(refused.exitCode()).isNotZero();
      assertThat(refused.stderr()).contains("site.yml:6:7: ", "copyy", "homefleet.yml:2:13: interval:",
          "homefleet.yml:6:11: schedule 'x': cron: hour: 25 is out of range 0-23", "3 errors",
          "the current version stays in force");

      Fleet.Result applied = fleet.cli("state", "apply", v1.toString());
      assertThat(applied.exitCode()).as(applied.all()).isZero();
      assertThat(applied.stdout()).contains("applied: version ");
      String version1 = version(applied.stdout());
      Fleet.Result again = fleet.cli("state", "apply", v1.toString());
      assertThat(again.stdout()).as(again.all()).contains("unchanged: version " + version1);

      Fleet.Result refusedAgain = fleet.cli("state", "apply", bad.toString());
      assertThat(refusedAgain.exitCode()).isNotZero();
      Fleet.Result show = fleet.cli("state", "show");
      assertThat(show.stdout()).as(show.all()).contains("(current)").contains(version1);
      assertThat(fleet.cli("state", "history").stdout()).containsOnlyOnce(" apply ");

      // (a) A freshly enrolled agent, with no push from anyone, ends in the declared state.
      String[] a = fleet.token("agent-a", "dev");
      fleet.startAgent("agent-a", fleet.agentConfig("agent-a", a[0], a[1]));
      await("agent-a's motd").atMost(Duration.ofSeconds(90)).pollInterval(POLL).ignoreExceptions()
          .until(() -> Files.isRegularFile(motd)
          && Files.readString(motd).equals("Managed by homefleet v1\n"));
      await("status converged").atMost(Duration.ofSeconds(30)).pollInterval(POLL).ignoreExceptions()
          .until(() -> fleet.cli("status").stdout()
          .matches("(?s).*agent-a\\s+converged\\s+enforce\\s+" + version1 + ".*"));
      // ... and it was the connect that did it, not the interval.
      assertThat(fleet.cli("hosts", "show", "agent-a").stdout()).contains("converged (enforce, connect, version "
          + version1);

      // (b) Changed by hand: put back within one interval, and the drift is in the history.
      Files.writeString(motd, "edited by hand\n");
      long edited = System.nanoTime();
      await("the motd put back").atMost(Duration.ofSeconds(45)).pollInterval(POLL).ignoreExceptions()
          .until(() -> Files.readString(motd)
          .equals("Managed by homefleet v1\n"));
      System.out.println("drift corrected after " + Duration.ofNanos(System.nanoTime() - edited).toMillis() + " ms");
      await("the drift in the history").atMost(Duration.ofSeconds(30)).pollInterval(POLL).ignoreExceptions()
          .until(() -> fleet.cli("hosts", "show", "agent-a").stdout()
          .contains(" drifted (enforce, interval"));
      Fleet.Result host = fleet.cli("hosts", "show", "agent-a");
      System.out.println(host.stdout());
      assertThat(host.stdout()).contains("convergence:", "changed: managed motd", "-edited by hand",
          "+Managed by homefleet v1", "1 task(s) had drifted and were put back");

      // A new version converges at once; diff shows it; rollback brings the old one back.
      Path v2 = stateDir(tmp.resolve("state-v2"), root, "Managed by homefleet v2");
      Fleet.Result applied2 = fleet.cli("state", "apply", v2.toString());
      String version2 = version(applied2.stdout());
      await("v2 on the host").atMost(Duration.ofSeconds(30)).pollInterval(POLL).ignoreExceptions()
          .until(() -> Files.readString(motd).equals("Managed by homefleet v2\n"));
      Fleet.Result diff = fleet.cli("state", "diff", version1, version2);
      assertThat(diff.stdout()).as(diff.all()).contains("--- before: " + version1 + ":inventory/hosts.yml",
          "+++ after: " + version2 + ":inventory/hosts.yml", "-    motd: \"Managed by homefleet v1\"",
          "+    motd: \"Managed by homefleet v2\"").doesNotContain("site.yml");
      Fleet.Result rollback = fleet.cli("state", "rollback", version1);
      assertThat(rollback.stdout()).as(rollback.all()).contains("rolled back: version " + version1);
      await("v1 again").atMost(Duration.ofSeconds(30)).pollInterval(POLL).ignoreExceptions()
          .until(() -> Files.readString(motd).equals("Managed by homefleet v1\n"));
      assertThat(fleet.cli("state", "history").stdout()).contains(" rollback ");
    }
  }

  private static String version(String applyOutput) {
    Matcher m = Pattern.compile("version ([0-9a-f]{12})").matcher(applyOutput);
    assertThat(m.find()).as(applyOutput).isTrue();
    return m.group(1);
  }
}
