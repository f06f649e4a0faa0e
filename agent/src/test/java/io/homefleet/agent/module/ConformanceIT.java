package io.homefleet.agent.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.StateModule;
import io.homefleet.agent.module.apt.AptKeyModule;
import io.homefleet.agent.module.apt.AptModule;
import io.homefleet.agent.module.apt.AptRepositoryModule;
import io.homefleet.agent.module.archive.UnarchiveModule;
import io.homefleet.agent.module.copy.CopyModule;
import io.homefleet.agent.module.copy.TemplateModule;
import io.homefleet.agent.module.cron.CronModule;
import io.homefleet.agent.module.edit.BlockInFileModule;
import io.homefleet.agent.module.edit.LineInFileModule;
import io.homefleet.agent.module.edit.ReplaceModule;
import io.homefleet.agent.module.file.AtomicFiles;
import io.homefleet.agent.module.file.FileModule;
import io.homefleet.agent.module.geturl.GetUrlModule;
import io.homefleet.agent.module.hostname.HostnameModule;
import io.homefleet.agent.module.modprobe.ModprobeModule;
import io.homefleet.agent.module.packages.PackageModule;
import io.homefleet.agent.module.sysctl.SysctlModule;
import io.homefleet.agent.module.mount.MountModule;
import io.homefleet.agent.module.timezone.TimezoneModule;
import io.homefleet.agent.module.user.AuthorizedKeyModule;
import io.homefleet.agent.module.user.GroupModule;
import io.homefleet.agent.module.user.UserModule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one contract every state-managing module keeps (mgmt's CheckApply, Ansible's check mode):
 * with the host drifted, check reports a change with a diff and touches nothing; apply reports
 * the change; check then reports in sync; a second apply changes nothing.
 *
 * <p>Not covered here: {@code systemd}/{@code service}, because this build machine does not run
 * systemd (see SystemdModuleTest for what is tested instead).
 */
class ConformanceIT {

  /** A drifted host for one module: its arguments, how to see the state, how to clean up. */
  record Fixture(Map<String, Object> args, Snapshot snapshot, Optional<Path> bundle, Map<String, Object> vars,
      Cleanup cleanup) {
    Fixture(Map<String, Object> args, Snapshot snapshot) {
      this(args, snapshot, Optional.empty(), Map.of(), () -> {});
    }
  }

  @FunctionalInterface
  interface Snapshot {
    String take() throws Exception;
  }

  @FunctionalInterface
  interface Cleanup {
    void run() throws Exception;
  }

  @FunctionalInterface
  interface Setup {
    Fixture drift(Path dir) throws Exception;
  }

  record Case(String name, Module module, Setup setup) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    c.add(new Case("file: directory with mode, parents missing", new FileModule(), dir -> new Fixture(
        Map.of("path", dir.resolve("a/b/c").toString(), "state", "directory", "mode", "0750"), tree(dir))));
    c.add(new Case("file: symbolic mode on an existing file", new FileModule(), dir -> {
      Path f = write(dir.resolve("script.sh"), "echo hi\n");
      Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      return new Fixture(Map.of("path", f.toString(), "mode", "u+x,g-r,o="), tree(dir));
    }));
    c.add(new Case("file: symlink", new FileModule(), dir -> {
      write(dir.resolve("target"), "x");
      return new Fixture(Map.of("path", dir.resolve("link").toString(), "src", dir.resolve("target").toString(),
          "state", "link"), tree(dir));
    }));
    c.add(new Case("file: hard link", new FileModule(), dir -> {
      write(dir.resolve("target"), "x");
      return new Fixture(Map.of("path", dir.resolve("hard").toString(), "src", dir.resolve("target").toString(),
          "state", "hard"), tree(dir));
    }));
    c.add(new Case("file: absent removes a tree", new FileModule(), dir -> {
      write(dir.resolve("gone/x/y"), "y");
      return new Fixture(Map.of("path", dir.resolve("gone").toString(), "state", "absent"), tree(dir));
    }));
    c.add(new Case("copy: content over a different file, mode", new CopyModule(), dir -> {
      write(dir.resolve("motd"), "old\n");
      return new Fixture(Map.of("dest", dir.resolve("motd").toString(), "content", "new\n", "mode", "0600",
          "backup", true), tree(dir));
    }));
    c.add(new Case("copy: src from the bundle into a directory dest", new CopyModule(), dir -> {
      Path bundle = dir.resolve("bundle");
      write(bundle.resolve("files/app.conf"), "port = 8080\n");
      Path dest = Files.createDirectories(dir.resolve("etc"));
      return new Fixture(Map.of("src", "app.conf", "dest", dest + "/"), tree(dest), Optional.of(bundle), Map.of(),
          () -> {});
    }));
    c.add(new Case("copy: a directory src", new CopyModule(), dir -> {
      Path bundle = dir.resolve("bundle");
      write(bundle.resolve("files/site/index.html"), "<h1>hi</h1>\n");
      write(bundle.resolve("files/site/css/a.css"), "body{}\n");
      Path dest = Files.createDirectories(dir.resolve("www"));
      return new Fixture(Map.of("src", "site", "dest", dest.toString()), tree(dest), Optional.of(bundle), Map.of(),
          () -> {});
    }));
    c.add(new Case("template: rendered with the task's vars", new TemplateModule(), dir -> {
      Path bundle = dir.resolve("bundle");
      write(bundle.resolve("templates/motd.j2"), "# {{ ansible_managed }}\nWelcome to {{ site }}, {{ users | length }} users\n");
      Path dest = Files.createDirectories(dir.resolve("etc"));
      return new Fixture(Map.of("src", "motd.j2", "dest", dest.resolve("motd").toString(), "owner", "root",
          "mode", "0644"), tree(dest), Optional.of(bundle), Map.of("site", "homelab", "users", List.of("a", "b")),
          () -> {});
    }));
    c.add(new Case("lineinfile: regexp replaces a line", new LineInFileModule(), dir -> {
      Path f = write(dir.resolve("sshd_config"), "Port 22\nPermitRootLogin yes\nUsePAM yes\n");
      return new Fixture(Map.of("path", f.toString(), "regexp", "^#?PermitRootLogin", "line", "PermitRootLogin no"),
          tree(dir));
    }));
    c.add(new Case("lineinfile: insertafter, create", new LineInFileModule(), dir -> new Fixture(
        Map.of("path", dir.resolve("new.conf").toString(), "line", "b=2", "insertafter", "^a=", "create", true),
        tree(dir))));
    c.add(new Case("lineinfile: state=absent", new LineInFileModule(), dir -> {
      Path f = write(dir.resolve("hosts"), "127.0.0.1 localhost\n10.0.0.9 old\n");
      return new Fixture(Map.of("path", f.toString(), "regexp", "old$", "state", "absent"), tree(dir));
    }));
    c.add(new Case("blockinfile: block after a line", new BlockInFileModule(), dir -> {
      Path f = write(dir.resolve("interfaces"), "auto lo\niface lo inet loopback\n# end\n");
      return new Fixture(Map.of("path", f.toString(), "block", "auto eth0\niface eth0 inet dhcp",
          "insertafter", "^iface lo"), tree(dir));
    }));
    c.add(new Case("blockinfile: state=absent removes the block", new BlockInFileModule(), dir -> {
      Path f = write(dir.resolve("cfg"), "a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\nb\n");
      return new Fixture(Map.of("path", f.toString(), "state", "absent"), tree(dir));
    }));
    c.add(new Case("replace: backrefs between after and before", new ReplaceModule(), dir -> {
      Path f = write(dir.resolve("app.ini"), "[db]\nhost = old\n[cache]\nhost = old\n");
      return new Fixture(Map.of("path", f.toString(), "regexp", "^host = (?P<h>\\w+)$", "replace", "host = \\g<h>.lan",
          "after", "\\[db\\]", "before", "\\[cache\\]", "backup", true), tree(dir));
    }));
    c.add(new Case("sysctl: a key in a sysctl_file (reload off: /proc/sys is not written)", new SysctlModule(),
        dir -> {
          Path f = write(dir.resolve("99-hf.conf"), "# tuned\nvm.swappiness = 60\n");
          return new Fixture(Map.of("name", "vm.swappiness", "value", "10", "sysctl_file", f.toString(), "reload", false),
              tree(dir));
        }));
    Path modRoot = tempDir("hf-modprobe-root");
    c.add(new Case("modprobe: persistent, under a stand-in root (no kernel module is loaded)",
        new ModprobeModule(modRoot), dir -> {
          write(modRoot.resolve("proc/modules"), "br_netfilter 32768 0 - Live 0x0\n");
          write(modRoot.resolve("lib/modules/" + System.getProperty("os.version") + "/modules.builtin"), "");
          write(modRoot.resolve("etc/modprobe.d/old.conf"), "options br_netfilter a=0\n");
          Files.createDirectories(modRoot.resolve("etc/modules-load.d"));
          return new Fixture(Map.of("name", "br_netfilter", "params", "a=1", "persistent", "present"),
              tree(modRoot.resolve("etc")), Optional.empty(), Map.of(), () -> exec("rm", "-rf", modRoot.toString()));
        }));
    c.add(new Case("authorized_key: a key with options into a new .ssh", new AuthorizedKeyModule(), dir -> {
      // The home directory exists; .ssh in it is the module's to create, as in Ansible.
      Path home = Files.createDirectories(dir.resolve("home"));
      return new Fixture(Map.of("user", System.getProperty("user.name"), "path",
          home.resolve(".ssh/authorized_keys").toString(), "key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIconf test@hf",
          "key_options", "no-pty"), tree(dir));
    }));
    Path hostRoot = tempDir("hf-hostname-root");
    c.add(new Case("hostname: /etc/hostname under a stand-in root (the build host is not renamed)",
        new HostnameModule(hostRoot), dir -> {
          write(hostRoot.resolve("etc/hostname"), "old-name\n");
          return new Fixture(Map.of("name", "web1.lab.example"), tree(hostRoot), Optional.empty(), Map.of(),
              () -> exec("rm", "-rf", hostRoot.toString()));
        }));
    Path tzRoot = tempDir("hf-timezone-root");
    c.add(new Case("timezone: /etc/timezone and /etc/localtime under a stand-in root", new TimezoneModule(tzRoot),
        dir -> {
          write(tzRoot.resolve("usr/share/zoneinfo/Etc/UTC"), "TZif utc");
          write(tzRoot.resolve("usr/share/zoneinfo/Europe/Berlin"), "TZif berlin");
          write(tzRoot.resolve("etc/timezone"), "Etc/UTC\n");
          Files.createSymbolicLink(tzRoot.resolve("etc/localtime"), Path.of("/usr/share/zoneinfo/Etc/UTC"));
          return new Fixture(Map.of("name", "Europe/Berlin"), tree(tzRoot.resolve("etc")), Optional.empty(), Map.of(),
              () -> exec("rm", "-rf", tzRoot.toString()));
        }));
    Path clockRoot = tempDir("hf-hwclock-root");
    c.add(new Case("timezone: hwclock in /etc/default/rcS and /etc/adjtime under a stand-in root",
        new TimezoneModule(clockRoot), dir -> {
          write(clockRoot.resolve("etc/default/rcS"), "UTC=yes\n");
          write(clockRoot.resolve("etc/adjtime"), "0.0 0 0.0\n0\nUTC\n");
          return new Fixture(Map.of("hwclock", "local"), tree(clockRoot.resolve("etc")), Optional.empty(), Map.of(),
              () -> exec("rm", "-rf", clockRoot.toString()));
        }));
    c.add(new Case("mount: present in an fstab of the test's own (nothing mounted)", new MountModule(), dir -> {
      Path fstab = write(dir.resolve("fstab"), "# fstab\n/dev/sda1 / ext4 defaults 0 1\n");
      return new Fixture(Map.of("path", dir.resolve("mnt/data dir").toString(), "src", "/dev/sdb1", "fstype", "ext4",
          "opts", "noatime", "state", "present", "fstab", fstab.toString()), tree(dir));
    }));
    Path aptRoot = tempDir("hf-apt-repository");
    c.add(new Case("apt_repository: a source re-enabled in an apt tree of its own (APT_CONFIG; no cache update)",
        new AptRepositoryModule(Optional.of(aptRoot.resolve("apt.conf"))), dir -> {
          write(aptRoot.resolve("apt.conf"), "Dir::Etc \"" + aptRoot.resolve("etc") + "\";\n");
          Files.createDirectories(aptRoot.resolve("etc/sources.list.d"));
          write(aptRoot.resolve("etc/sources.list"), "#deb http://a.example.invalid/debian bookworm main\n");
          return new Fixture(Map.of("repo", "deb http://a.example.invalid/debian bookworm main", "update_cache", false),
              tree(aptRoot));
        }));
    c.add(new Case("apt_key: a throw-away key into a keyring of its own", new AptKeyModule(), dir -> {
      Path home = Files.createDirectories(dir.resolve(".work/gnupg"));
      exec("chmod", "700", home.toString());
      exec("gpg", "--homedir", home.toString(), "--batch", "--passphrase", "", "--quick-gen-key", "hf <t@example.invalid>",
          "ed25519", "sign", "never");
      Path key = dir.resolve(".work/key.asc");
      assertThat(new ProcessBuilder("gpg", "--homedir", home.toString(), "--armor", "--export")
          .redirectOutput(key.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start().waitFor()).isZero();
      Path keys = Files.createDirectories(dir.resolve("keys"));
      return new Fixture(Map.of("file", key.toString(), "keyring", keys.resolve("test.gpg").toString()), tree(dir));
    }));
    c.add(new Case("cron: a job in a cron_file", new CronModule(), dir -> new Fixture(
        Map.of("name", "nightly backup", "minute", "0", "hour", "3", "job", "/usr/local/bin/backup",
            "cron_file", dir.resolve("hf-backup").toString(), "user", "root"), tree(dir))));
    c.add(new Case("get_url: download with a sha256 checksum", new GetUrlModule(), dir -> {
      byte[] body = "the payload\n".getBytes(StandardCharsets.UTF_8);
      HttpServer server = serve(body);
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/files/payload.txt";
      Path dest = Files.createDirectories(dir.resolve("dl"));
      return new Fixture(Map.of("url", url, "dest", dest.resolve("payload.txt").toString(), "mode", "0640",
          "checksum", "sha256:" + AtomicFiles.digest(body, "sha256")), tree(dest), Optional.empty(), Map.of(),
          () -> server.stop(0));
    }));
    c.add(new Case("unarchive: tar.gz from the bundle", new UnarchiveModule(), dir -> {
      Path bundle = dir.resolve("bundle");
      Path content = dir.resolve("content");
      write(content.resolve("app/bin/run"), "#!/bin/sh\n");
      write(content.resolve("app/README"), "readme\n");
      Files.createDirectories(bundle.resolve("files"));
      Process p = new ProcessBuilder("tar", "-czf", bundle.resolve("files/app.tar.gz").toString(), "-C",
          content.toString(), "app").inheritIO().start();
      assertThat(p.waitFor()).isZero();
      Path dest = Files.createDirectories(dir.resolve("opt"));
      return new Fixture(Map.of("src", "app.tar.gz", "dest", dest.toString()), tree(dest), Optional.of(bundle),
          Map.of(), () -> {});
    }));
    c.add(new Case("unarchive: zip, remote_src", new UnarchiveModule(), dir -> {
      Path zip = dir.resolve("site.zip");
      try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
        z.putNextEntry(new ZipEntry("site/"));
        z.putNextEntry(new ZipEntry("site/index.html"));
        z.write("<p>hi</p>\n".getBytes(StandardCharsets.UTF_8));
        z.closeEntry();
      }
      Path dest = Files.createDirectories(dir.resolve("www"));
      return new Fixture(Map.of("src", zip.toString(), "dest", dest.toString(), "remote_src", true), tree(dest));
    }));
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    c.add(new Case("cron: a job in a test user's crontab", new CronModule(), dir -> {
      assumeTrue(Files.isExecutable(Path.of("/usr/bin/crontab")),
          "crontab is not installed (apt install cron): user-crontab case skipped");
      String name = "hf-test-c" + suffix;
      exec("useradd", "-M", name);
      return new Fixture(Map.of("name", "report", "minute", "*/5", "job", "echo hi", "user", name),
          () -> exec("crontab", "-l", "-u", name), Optional.empty(), Map.of(), () -> {
            exec("crontab", "-r", "-u", name);
            exec("userdel", name);
          });
    }));
    c.add(new Case("group: a new local group", new GroupModule(), dir -> {
      String name = "hf-test-g" + suffix;
      return new Fixture(Map.of("name", name, "system", true), accounts(), Optional.empty(), Map.of(),
          () -> exec("groupdel", name));
    }));
    c.add(new Case("user: a new local user", new UserModule(), dir -> {
      String name = "hf-test-u" + suffix;
      return new Fixture(Map.of("name", name, "shell", "/bin/sh", "comment", "homefleet test",
          "home", dir.resolve("home").toString()), accounts(), Optional.empty(), Map.of(),
          () -> exec("userdel", "-r", name));
    }));
    c.add(new Case("user: an existing user's shell and groups", new UserModule(), dir -> {
      String name = "hf-test-v" + suffix;
      exec("useradd", "-M", "-s", "/bin/bash", name);
      return new Fixture(Map.of("name", name, "shell", "/bin/sh", "groups", List.of("adm", "users"), "append", true),
          accounts(), Optional.empty(), Map.of(), () -> exec("userdel", name));
    }));
    c.add(new Case("apt: install a small package (sl)", new AptModule(), dir -> {
      assumeTrue(Files.isExecutable(Path.of("/usr/bin/apt-get")), "apt-get is not installed: apt case skipped");
      exec("apt-get", "-y", "-q", "-o", "DPkg::Lock::Timeout=120", "purge", "sl");
      return new Fixture(Map.of("name", "sl", "state", "present", "update_cache", true, "cache_valid_time", 86400,
          "install_recommends", false), () -> exec("dpkg-query", "-W", "-f=${Status} ${Version}", "sl"),
          Optional.empty(), Map.of(), () -> exec("apt-get", "-y", "-q", "-o", "DPkg::Lock::Timeout=120", "purge", "sl"));
    }));
    c.add(new Case("package: dispatches to apt (sl)", new PackageModule(), dir -> {
      assumeTrue(Files.isExecutable(Path.of("/usr/bin/apt-get")), "apt-get is not installed: package case skipped");
      exec("apt-get", "-y", "-q", "-o", "DPkg::Lock::Timeout=120", "purge", "sl");
      return new Fixture(Map.of("name", "sl", "state", "present", "install_recommends", false),
          () -> exec("dpkg-query", "-W", "-f=${Status} ${Version}", "sl"), Optional.empty(), Map.of(),
          () -> exec("apt-get", "-y", "-q", "-o", "DPkg::Lock::Timeout=120", "purge", "sl"));
    }));
    return c;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void checkThenApply_reportsDriftWithoutSideEffects_thenConverges(Case c, @TempDir Path dir) throws Exception {
    assertThat(c.module()).isInstanceOf(StateModule.class);
    Files.createDirectories(dir.resolve(".work"));
    Fixture f = c.setup().drift(dir);
    try {
      String before = f.snapshot().take();

      Outcome check = run(c, f, dir, true);
      assertThat(check.status()).as("check on a drifted host: %s", check).isEqualTo(Outcome.Status.CHANGED);
      assertThat(check.data()).as("check reports a diff").containsKey("diff").containsEntry("changed", true);
      assertThat(f.snapshot().take()).as("check changed nothing").isEqualTo(before);

      Outcome apply = run(c, f, dir, false);
      assertThat(apply.status()).as("apply: %s", apply).isEqualTo(Outcome.Status.CHANGED);
      assertThat(f.snapshot().take()).as("apply changed the host").isNotEqualTo(before);

      Outcome recheck = run(c, f, dir, true);
      assertThat(recheck.status()).as("check after apply: %s", recheck).isEqualTo(Outcome.Status.OK);
      assertThat(recheck.data()).containsEntry("changed", false).doesNotContainKey("diff");

      String converged = f.snapshot().take();
      Outcome again = run(c, f, dir, false);
      assertThat(again.status()).as("second apply: %s", again).isEqualTo(Outcome.Status.OK);
      assertThat(f.snapshot().take()).as("second apply changed nothing").isEqualTo(converged);
    } finally {
      f.cleanup().run();
    }
  }

  private static Outcome run(Case c, Fixture f, Path dir, boolean check) throws Exception {
    return Run.of(c.module(), f.args()).check(check).diff().vars(f.vars()).bundle(f.bundle())
        .workDir(dir.resolve(".work")).go();
  }

  static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static Path write(Path p, String content) throws IOException {
    Files.createDirectories(p.getParent());
    return Files.writeString(p, content);
  }

  /** Everything under {@code root} that a module could change: kinds, modes, owners, links, content, times. */
  static Snapshot tree(Path root) {
    return () -> {
      StringBuilder s = new StringBuilder();
      try (Stream<Path> walk = Files.walk(root)) {
        for (Path p : walk.sorted().toList()) {
          if (p.startsWith(root.resolve(".work"))) {
            continue;
          }
          Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size,lastModifiedTime,ino",
              LinkOption.NOFOLLOW_LINKS);
          s.append(root.relativize(p)).append(' ').append(new LinkedHashMap<>(a));
          if (Files.isSymbolicLink(p)) {
            s.append(" -> ").append(Files.readSymbolicLink(p));
          } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            s.append(' ').append(HexFormat.of().formatHex(Files.readAllBytes(p)));
          }
          s.append('\n');
        }
      }
      return s.toString();
    };
  }

  static Snapshot accounts() {
    return () -> Files.readString(Path.of("/etc/passwd")) + Files.readString(Path.of("/etc/group"))
        + Files.readString(Path.of("/etc/shadow"));
  }

  static String exec(String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    p.waitFor();
    return p.exitValue() + " " + out.toString(StandardCharsets.UTF_8);
  }

  static HttpServer serve(byte[] body) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/files/", ex -> {
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(body);
      }
    });
    server.start();
    return server;
  }
}
