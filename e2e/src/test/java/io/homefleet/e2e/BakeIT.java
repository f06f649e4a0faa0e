package io.homefleet.e2e;

import static io.homefleet.e2e.Recaps.changed;
import static io.homefleet.e2e.Recaps.recap;
import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.e2e.netns.CommandResult;
import io.homefleet.e2e.netns.DebianRoot;
import io.homefleet.e2e.netns.Phases;
import io.homefleet.e2e.netns.TestController;
import io.homefleet.e2e.netns.TestHost;
import io.homefleet.e2e.netns.TestHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bake, for real, without Proxmox: in a debootstrapped Debian 12 root ({@link DebianRoot}),
 * packer/scripts/provision.sh (what every Packer role template runs) installs the agent's .deb
 * with apt, enables its unit and clears the image's identity; the test checks what bake-clean
 * cleared, then boots the root's agent as its unit would (ExecStart read from the installed unit,
 * chroot, its own network namespace, no systemd) with a cloud-init-style enroll.yaml, and sees
 * it enroll itself and converge to a play: changed, then unchanged, the file in the root's /etc.
 */
class BakeIT {
  private static final String HOST = "bake-1";

  @Test
  void provisionedRoot_bootsItsAgent_enrollsFromEnrollYaml_andConvergesToAPlay(@TempDir Path tmp) throws Exception {
    Phases phases = new Phases("BakeIT");
    Path deb = DebPackagesIT.built("homefleet-agent");
    try (DebianRoot root = DebianRoot.copy(tmp.resolve("image"))) {
      phases.done("Debian 12 root (cache, or debootstrap + Java)");

      // What an image must not keep, planted where a build would leave it.
      Files.writeString(root.file("/etc/machine-id"), "0123456789abcdef0123456789abcdef\n");
      Files.createDirectories(root.file("/etc/ssh"));
      Files.writeString(root.file("/etc/ssh/ssh_host_ed25519_key"), "planted\n");
      Files.writeString(root.file("/etc/ssh/ssh_host_ed25519_key.pub"), "planted\n");
      CommandResult provision = root.provision(Fleet.ROOT.resolve("packer/scripts"), "prod", deb);
      assertThat(provision.exitCode()).as(provision.all()).isZero();
      assertThat(provision.stdout()).contains("provision: prod image ready");
      phases.done("provision.sh (apt install of the .deb, enable, bake-clean)");

      // Installed and enabled; machine-id empty, no SSH host keys, no agent identity, no token.
      CommandResult status = root.run(Duration.ofSeconds(30), "dpkg-query", "-W", "-f=${Status}", "homefleet-agent");
      assertThat(status.stdout()).as(status.all()).isEqualTo("install ok installed");
      assertThat(root.file("/etc/systemd/system/multi-user.target.wants/homefleet-agent.service")).isSymbolicLink();
      assertThat(root.file("/etc/machine-id")).isEmptyFile();
      try (Stream<Path> keys = Files.list(root.file("/etc/ssh"))) {
        assertThat(keys.filter(p -> p.getFileName().toString().startsWith("ssh_host_"))).isEmpty();
      }
      // Only the image's baseline, recorded last (the wipe module's manifest), no identity.
      try (Stream<Path> state = Files.list(root.file("/var/lib/homefleet-agent"))) {
        assertThat(state.map(p -> p.getFileName().toString())).containsExactly("baseline");
      }
      assertThat(root.file("/var/lib/homefleet-agent/baseline/manifest.json")).isRegularFile();
      assertThat(provision.stdout()).contains("baseline: ").contains(" paths of /etc -> ");
      assertThat(root.file("/etc/homefleet/enroll.yaml")).doesNotExist();

      try (TestHosts net = TestHosts.create(tmp.resolve("net"), HOST);
          TestController controller = TestController.start(net, tmp.resolve("controller"))) {
        TestHost host = net.host(HOST);
        // First boot: cloud-init writes the enroll file from the VM's user data, then the unit starts.
        TestController.Enrollment e = controller.token(HOST, "prod");
        Path enroll = root.file("/etc/homefleet/enroll.yaml");
        Files.writeString(enroll, "# written as cloud-init's write_files would, permissions '0600'\n"
            + "controller: " + controller.address() + "\nhost: " + HOST + "\ntoken: " + e.token()
            + "\nca_fingerprint: \"" + e.caFingerprint() + "\"\nrole: prod\nlabels:\n  baked: debootstrap\n");
        Files.setPosixFilePermissions(enroll, PosixFilePermissions.fromString("rw-------"));
        Path log = tmp.resolve("agent.log");
        root.startUnit(host, "homefleet-agent", log);
        controller.awaitStatus(Duration.ofSeconds(120), "online", HOST);
        assertThat(Files.readString(enroll)).doesNotContain(e.token()).contains("role: prod");
        try (Stream<Path> state = Files.list(root.file("/var/lib/homefleet-agent"))) {
          assertThat(state).as("the identity the agent enrolled into").isNotEmpty();
        }
        phases.done("boot to enrolled (namespace, controller, agent)");

        // A directory of its own: homefleet uploads the playbook's whole directory.
        Path play = Files.writeString(Files.createDirectories(tmp.resolve("play")).resolve("baked.yml"),
            "- name: converge the baked host\n  hosts: all\n"
            + "  tasks:\n    - name: marker\n      copy:\n        dest: /etc/homefleet-baked.txt\n"
            + "        content: \"baked by provision.sh\\n\"\n");
        Path inv = Files.writeString(tmp.resolve("hosts.yml"), "all:\n  hosts:\n    " + HOST + ":\n");
        CommandResult first = controller.cli("play", play.toString(), "-i", inv.toString());
        assertThat(first.exitCode()).as(first.all() + controller.logs() + Files.readString(log)).isZero();
        assertThat(recap(first.stdout(), HOST)).contains("failed=0", "unreachable=0");
        assertThat(changed(first.stdout(), HOST)).as(first.stdout()).isEqualTo(1);
        // In the root's /etc, not this machine's: the agent manages the root it was booted in.
        assertThat(root.file("/etc/homefleet-baked.txt")).hasContent("baked by provision.sh");
        assertThat(Path.of("/etc/homefleet-baked.txt")).doesNotExist();
        CommandResult second = controller.cli("play", play.toString(), "-i", inv.toString());
        assertThat(second.exitCode()).as(second.all()).isZero();
        assertThat(changed(second.stdout(), HOST)).as(second.stdout()).isZero();
        phases.done("play, changed then unchanged");
      }
    }
  }
}
