package io.homefleet.agent.module.wipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineTest {
  @TempDir
  Path dir;

  /** A small image: dpkg's status, one enabled unit, two users, a few files of /etc. */
  static Path image(Path root) throws Exception {
    Files.createDirectories(root.resolve("var/lib/dpkg"));
    Files.writeString(root.resolve("var/lib/dpkg/status"), String.join("\n",
        "Package: bash", "Status: install ok installed", "Architecture: amd64", "Version: 5.2.15-2+b2", "",
        "Package: gone", "Status: deinstall ok config-files", "Architecture: amd64", "Version: 1.0", "",
        "Package: libc6", "Status: install ok installed", "Architecture: amd64", "Version: 2.36-9", "",
        "Package: libc6", "Status: install ok installed", "Architecture: i386", "Version: 2.36-9", "",
        "Package: held", "Status: hold ok installed", "Architecture: all", "Version: 3", ""));
    Path wants = Files.createDirectories(root.resolve("etc/systemd/system/multi-user.target.wants"));
    Files.createSymbolicLink(wants.resolve("cron.service"), Path.of("/lib/systemd/system/cron.service"));
    Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n"
        + "alice:x:1000:1000::/home/alice:/bin/bash\n");
    Files.writeString(root.resolve("etc/group"), "root:x:0:\nalice:x:1000:\n");
    Files.writeString(root.resolve("etc/foo.conf"), "foo=1\n");
    Files.writeString(root.resolve("etc/bar.conf"), "bar=1\n");
    Files.createDirectories(root.resolve("etc/skel"));
    Files.writeString(root.resolve("etc/skel/.profile"), "# profile\n");
    Files.createDirectories(root.resolve("etc/old.d"));
    Files.writeString(root.resolve("etc/old.d/a"), "a\n");
    Files.createSymbolicLink(root.resolve("etc/localtime"), Path.of("/usr/share/zoneinfo/UTC"));
    return root;
  }

  @Test
  void record_readsDpkgStatus_wantsLinks_accounts_andEveryPathOfTheTrees() throws Exception {
    Path root = image(dir.resolve("root"));
    Baseline b = Baseline.record(root, List.of("/etc"), dir.resolve("objects"), Instant.parse("2026-12-08T00:00:00Z"));

    // Only installed packages (held ones are installed too); a two-architecture package is named by both.
    assertThat(b.packages()).containsExactly(java.util.Map.entry("bash", "5.2.15-2+b2"),
        java.util.Map.entry("held", "3"), java.util.Map.entry("libc6:amd64", "2.36-9"),
        java.util.Map.entry("libc6:i386", "2.36-9"));
    assertThat(b.services()).containsExactly("multi-user.target.wants/cron.service");
    assertThat(b.users()).containsEntry("root", 0).containsEntry("alice", 1000).hasSize(2);
    assertThat(b.groups()).containsOnlyKeys("root", "alice");
    assertThat(b.files()).containsKeys("/etc", "/etc/foo.conf", "/etc/old.d", "/etc/old.d/a",
        "/etc/systemd/system/multi-user.target.wants/cron.service");
    assertThat(b.files().get("/etc/localtime")).isEqualTo(new Baseline.Entry("link", 0,
        b.files().get("/etc/localtime").uid(), b.files().get("/etc/localtime").gid(), null, "/usr/share/zoneinfo/UTC"));
    Baseline.Entry foo = b.files().get("/etc/foo.conf");
    assertThat(foo.type()).isEqualTo("file");
    assertThat(foo.mode()).isEqualTo(io.homefleet.agent.module.file.PosixAttrs.read(root.resolve("etc/foo.conf"), false)
        .mode());
    // The content is kept, compressed, once per distinct content.
    assertThat(new String(Baseline.content(dir.resolve("objects"), foo.sha256()), StandardCharsets.UTF_8))
        .isEqualTo("foo=1\n");
    assertThat(Files.getPosixFilePermissions(dir.resolve("objects/" + foo.sha256() + ".gz")))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void writeThenRead_givesTheSameManifest() throws Exception {
    Path root = image(dir.resolve("root"));
    Baseline b = Baseline.record(root, List.of("/etc"), dir.resolve("objects"), Instant.now());
    Path m = dir.resolve("out/manifest.json");
    b.write(m);
    assertThat(Baseline.read(m)).isEqualTo(b);
    assertThat(Files.getPosixFilePermissions(m)).isEqualTo(java.nio.file.attribute.PosixFilePermissions
        .fromString("rw-------"));
  }

  @Test
  void read_missingOrDamaged_namesTheFileAndTheFix() throws Exception {
    assertThatThrownBy(() -> Baseline.read(dir.resolve("none.json")))
        .hasMessageContaining("none.json").hasMessageContaining("homefleet-agent baseline record");
    Path bad = Files.writeString(dir.resolve("bad.json"), "{\"version\": 1, \"packages\": [1,");
    assertThatThrownBy(() -> Baseline.read(bad)).hasMessageContaining("bad.json is not a baseline manifest")
        .hasMessageContaining("record it again");
    Path old = Files.writeString(dir.resolve("old.json"), "{\"version\": 7, \"trees\": [\"/etc\"], \"files\": {}}");
    assertThatThrownBy(() -> Baseline.read(old)).hasMessageContaining("baseline version 7 is not 1");
  }

  @Test
  void damagedContent_isRefused_notRestored() throws Exception {
    Path root = image(dir.resolve("root"));
    Baseline b = Baseline.record(root, List.of("/etc"), dir.resolve("objects"), Instant.now());
    String sha = b.files().get("/etc/foo.conf").sha256();
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(dir.resolve("objects/" + sha + ".gz")))) {
      out.write("tampered\n".getBytes(StandardCharsets.UTF_8));
    }
    assertThatThrownBy(() -> Baseline.content(dir.resolve("objects"), sha)).hasMessageContaining("is damaged");
  }

  @Test
  void record_relativeOrMissingTree_isAnError() throws Exception {
    Path root = image(dir.resolve("root"));
    assertThatThrownBy(() -> Baseline.record(root, List.of("etc"), dir.resolve("o"), Instant.now()))
        .hasMessageContaining("--tree etc: give an absolute path");
    assertThatThrownBy(() -> Baseline.record(root, List.of("/nope"), dir.resolve("o"), Instant.now()))
        .hasMessageContaining("--tree /nope is not a directory");
  }
}
