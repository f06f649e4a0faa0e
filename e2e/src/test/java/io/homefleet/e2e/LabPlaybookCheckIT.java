package io.homefleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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

    Map<String, String> before = snapshot();
    Files.createDirectories(tmp.resolve("fleet"));
    try (Fleet fleet = new Fleet(tmp.resolve("fleet"))) {
      fleet.init();
      fleet.startController();
      String[] t = fleet.token(HOST, "services");
      fleet.startAgent(HOST, fleet.agentConfig(HOST, t[0], t[1]));
      fleet.awaitOnline(Duration.ofSeconds(60), HOST);

      long start = System.nanoTime();
      Fleet.Result check = fleet.cli("play", site.toString(), "-i", inventory.toString(), "--check", "--diff", "-l",
          HOST);
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
      Fleet.Result again = fleet.cli("play", site.toString(), "-i", inventory.toString(), "--check", "-l", HOST);
      assertThat(again.exitCode()).as(again.all()).isZero();
      assertThat(recap(again.stdout(), HOST)).isEqualTo(recap);
    }
    Map<String, String> after = snapshot();
    assertThat(after).as("check mode changed the host").isEqualTo(before);
  }

  private static String recap(String out, String host) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(host) + "\\s+: (.*)$").matcher(out);
    assertThat(m.find()).as("no recap line for %s in:\n%s", host, out).isTrue();
    return m.group(1).strip();
  }

  /** Path to "type mode owner:group mtime checksum-or-target" for everything under WATCHED. */
  private static Map<String, String> snapshot() throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (String w : WATCHED) {
      Path root = Path.of(w);
      if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
        out.put(w, "absent");
        continue;
      }
      if (Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
        try (Stream<Path> s = Files.walk(root)) {
          for (Path p : s.toList()) {
            out.put(p.toString(), describe(p));
          }
        }
      } else {
        out.put(w, describe(root));
      }
    }
    return out;
  }

  private static String describe(Path p) throws IOException {
    PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    String head = PosixFilePermissions.toString(a.permissions()) + " " + a.owner().getName() + ":"
        + a.group().getName();
    if (a.isSymbolicLink()) {
      return "link " + head + " -> " + Files.readSymbolicLink(p);
    }
    if (a.isDirectory()) {
      return "dir " + head;
    }
    return "file " + head + " " + a.lastModifiedTime() + " " + sha256(p);
  }

  private static String sha256(Path p) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
