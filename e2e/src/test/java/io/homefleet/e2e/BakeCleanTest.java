package io.homefleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * packer/scripts/bake-clean.sh on a scratch root: what must not be in an image goes, what the
 * image needs stays, and it refuses a directory that is no root, and this machine's / unless told.
 */
class BakeCleanTest {
  static final Path SCRIPT = Fleet.ROOT.resolve("packer/scripts/bake-clean.sh");

  private static Path file(Path root, String rel, String content) throws Exception {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, content);
  }

  private static Fleet.Result bake(Path dir, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("sh", SCRIPT.toString()));
    cmd.addAll(List.of(args));
    return Fleet.runCommand(dir, Duration.ofSeconds(30), cmd);
  }

  @Test
  void clean_removesIdentitiesStateAndCaches_keepsConfiguration(@TempDir Path tmp) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    file(root, "etc/machine-id", "0123456789abcdef0123456789abcdef\n");
    file(root, "var/lib/dbus/machine-id", "0123456789abcdef0123456789abcdef\n");
    file(root, "etc/ssh/ssh_host_ed25519_key", "private");
    file(root, "etc/ssh/ssh_host_ed25519_key.pub", "public");
    file(root, "etc/ssh/ssh_host_rsa_key", "private");
    file(root, "etc/ssh/sshd_config", "PermitRootLogin no\n");
    file(root, "etc/homefleet/agent.yaml", "state_dir: /var/lib/homefleet-agent\n");
    file(root, "etc/homefleet/enroll.yaml", "token: hf1.x\n");
    file(root, "var/lib/homefleet-agent/identity.pem", "key");
    file(root, "var/lib/homefleet-agent/ca.crt", "ca");
    file(root, "var/lib/homefleet-agent/status.json", "{}");
    file(root, "var/lib/homefleet-agent/plays/p1/bundle/site.yml", "- hosts: all\n");
    file(root, "var/lib/homefleet-agent/baseline/manifest.json", "{}");
    file(root, "var/lib/cloud/instances/i-1/boot-finished", "");
    file(root, "var/lib/cloud/data/instance-id", "i-1");
    file(root, "var/log/cloud-init.log", "log");
    file(root, "var/log/cloud-init-output.log", "log");
    file(root, "var/log/journal/0123456789abcdef/system.journal", "j");
    file(root, "var/lib/dhcp/dhclient.ens18.leases", "lease");
    file(root, "var/lib/apt/lists/lock", "");
    file(root, "var/lib/apt/lists/partial/x", "");
    file(root, "var/lib/apt/lists/mirror_dists_bookworm_main_binary-amd64_Packages", "Package: x\n");
    file(root, "var/cache/apt/archives/sl_5.02-1_amd64.deb", "deb");
    file(root, "var/cache/apt/pkgcache.bin", "cache");

    Fleet.Result r = bake(tmp, root.toString());

    assertThat(r.exitCode()).as(r.all()).isZero();
    assertThat(Files.readString(root.resolve("etc/machine-id"))).isEmpty();
    assertThat(root.resolve("var/lib/dbus/machine-id")).doesNotExist();
    assertThat(root.resolve("etc/ssh/ssh_host_ed25519_key")).doesNotExist();
    assertThat(root.resolve("etc/ssh/ssh_host_ed25519_key.pub")).doesNotExist();
    assertThat(root.resolve("etc/ssh/ssh_host_rsa_key")).doesNotExist();
    assertThat(root.resolve("etc/ssh/sshd_config")).hasContent("PermitRootLogin no");
    assertThat(root.resolve("etc/homefleet/agent.yaml")).exists();
    assertThat(root.resolve("etc/homefleet/enroll.yaml")).doesNotExist();
    Path state = root.resolve("var/lib/homefleet-agent");
    // The image's baseline (the wipe module's manifest) is the image's own: it stays, alone.
    try (var left = Files.list(state)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("baseline");
    }
    assertThat(state.resolve("baseline/manifest.json")).hasContent("{}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rwx------");
    assertThat(root.resolve("var/lib/cloud")).isEmptyDirectory();
    assertThat(root.resolve("var/log/cloud-init.log")).doesNotExist();
    assertThat(root.resolve("var/log/cloud-init-output.log")).doesNotExist();
    assertThat(root.resolve("var/log/journal")).isEmptyDirectory();
    assertThat(root.resolve("var/lib/dhcp")).isEmptyDirectory();
    assertThat(root.resolve("var/lib/apt/lists/mirror_dists_bookworm_main_binary-amd64_Packages")).doesNotExist();
    assertThat(root.resolve("var/lib/apt/lists/lock")).exists();
    assertThat(root.resolve("var/lib/apt/lists/partial")).isEmptyDirectory();
    assertThat(root.resolve("var/cache/apt/archives/sl_5.02-1_amd64.deb")).doesNotExist();
    assertThat(root.resolve("var/cache/apt/pkgcache.bin")).doesNotExist();
    assertThat(r.stdout()).contains("emptied " + root.toRealPath() + "/etc/machine-id");

    // A second bake finds nothing left to clean and succeeds.
    Fleet.Result again = bake(tmp, root.toString());
    assertThat(again.exitCode()).as(again.all()).isZero();
    assertThat(Files.readString(root.resolve("etc/machine-id"))).isEmpty();
  }

  @Test
  void clean_refusesWhatIsNoRoot_andThisMachineUnlessToldTwice(@TempDir Path tmp) throws Exception {
    Path notRoot = Files.createDirectories(tmp.resolve("not-a-root/data"));
    Fleet.Result r = bake(tmp, notRoot.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).contains("has no etc/ and var/: not a root file system");

    Fleet.Result missing = bake(tmp, tmp.resolve("nope").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.stderr()).contains("no such directory");

    Fleet.Result usage = bake(tmp);
    assertThat(usage.exitCode()).isEqualTo(2);
    assertThat(usage.stderr()).contains("usage: bake-clean.sh [--this-machine] ROOT");

    // This machine's own root: refused before anything is touched.
    String machineId = Files.exists(Path.of("/etc/machine-id")) ? Files.readString(Path.of("/etc/machine-id")) : null;
    Fleet.Result slash = bake(tmp, "/");
    assertThat(slash.exitCode()).isEqualTo(2);
    assertThat(slash.stderr()).contains("/ is this machine", "--this-machine /");
    if (machineId != null) {
      assertThat(Files.readString(Path.of("/etc/machine-id"))).isEqualTo(machineId);
    }
  }
}
