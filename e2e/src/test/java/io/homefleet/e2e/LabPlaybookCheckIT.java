package io.homefleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab's real playbook ({@code playbooks/site.yml} with {@code playbooks/inventory}, the
 * {@code common} role) in check mode against a real Debian 12 host: this machine. A controller
 * and one agent run as processes on loopback; the agent is enrolled as {@code services-1} with
 * role {@code services}, a host and a group of the lab's inventory, and shares this machine's
 * root file system, so every task of the role reads the real {@code /etc}, dpkg database and apt
 * cache. {@code --check --diff -l services-1} must exit 0 with failed=0 and unreachable=0, and
 * nothing the role manages may change: checksums, modes, owners and link targets of its files,
 * the accounts, the dpkg status file and the apt lists are compared before and after.
 *
 * <p>Needs root (the agent reads /etc/shadow through the user module, apt simulates as root),
 * as the other e2e tests of the netns harness do. systemd need not be PID 1: the role's service
 * tasks are guarded by Ansible's {@code ansible_service_mgr} fact.
 *
 * <p>The role's handler runs {@code sshd -t}, which needs sshd's privilege-separation directory
 * {@code /run/sshd}. A lab VM has it from systemd (ssh.service's {@code RuntimeDirectory}); this
 * machine may have no systemd, so the test side is adjusted: the test makes the directory for the
 * run and removes it afterwards ({@link RuntimeDirectory}), and the role stays as the lab needs it.
 */
class LabPlaybookCheckIT {
  private static final String HOST = "services-1";

  /** What the common role manages, or could touch by mistake. Directories are walked. */
  private static final List<String> WATCHED = List.of("/etc/ssh", "/etc/timezone", "/etc/localtime", "/etc/passwd",
      "/etc/group", "/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/sudoers.d", "/etc/apt/apt.conf.d",
      "/etc/systemd/system", "/var/lib/dpkg/status", "/var/lib/apt/lists", "/var/lib/apt/periodic", "/home/admin");

  @Test
  void commonRole_checkModeOnThisDebianHost_passesAndChangesNothing(@TempDir Path tmp) throws Exception {
    Path site = Fleet.ROOT.resolve("playbooks/site.yml");
    Path inventory = Fleet.ROOT.resolve("playbooks/inventory/hosts.yml");
    assertThat(Files.readString(inventory)).contains(HOST + ":");
    assertThat(Path.of("/etc/debian_version")).as("the test host must be Debian").exists();

    Map<String, String> before = HostSnapshot.take(WATCHED);
    Files.createDirectories(tmp.resolve("fleet"));
    try (RuntimeDirectory privsep = RuntimeDirectory.ensure(Path.of("/run/sshd"));
        Fleet fleet = new Fleet(tmp.resolve("fleet"))) {
      fleet.init();
      fleet.startController();
      String[] t = fleet.token(HOST, "services");
      fleet.startAgent(HOST, fleet.agentConfig(HOST, t[0], t[1]));
      fleet.awaitOnline(Duration.ofSeconds(60), HOST);

      long start = System.nanoTime();
      Fleet.Result check = fleet.cli(Duration.ofMinutes(5), "play", site.toString(), "-i", inventory.toString(),
          "--check", "--diff", "-l", HOST);
      long ms = (System.nanoTime() - start) / 1_000_000;
      System.out.println(check.stdout());
      System.out.println("lab check: homefleet play --check --diff took " + ms + " ms");
      assertThat(check.exitCode()).as(check.all() + fleet.logs()).isZero();
      String recap = recap(check.stdout(), HOST);
      assertThat(recap).contains("unreachable=0", "failed=0");
      assertThat(check.stdout()).contains("TASK [common : Check that the host runs Debian]",
          "TASK [common : Install the base and group packages]", "TASK [common : Create the admin account]",
          "TASK [common : Write the hardened sshd configuration]",
          "TASK [common : Configure unattended-upgrades]", "PLAY RECAP");
      assertThat(check.stdout()).doesNotContain("fatal:");

      // A second check gives the same answer: the first one left nothing behind that matters.
      Fleet.Result again = fleet.cli(Duration.ofMinutes(5), "play", site.toString(), "-i", inventory.toString(),
          "--check", "-l", HOST);
      assertThat(again.exitCode()).as(again.all()).isZero();
      assertThat(recap(again.stdout(), HOST)).isEqualTo(recap);
    }
    Map<String, String> after = HostSnapshot.take(WATCHED);
    assertThat(HostSnapshot.differences(before, after)).as("check mode changed the host").isEmpty();
  }

  private static String recap(String out, String host) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(host) + "\\s+: (.*)$").matcher(out);
    assertThat(m.find()).as("no recap line for %s in:\n%s", host, out).isTrue();
    return m.group(1).strip();
  }
}
