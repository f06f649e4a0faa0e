package io.homefleet.e2e.netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Debian 12 root file system of a test's own, as the Packer base image has it: {@code debootstrap
 * --variant=minbase bookworm} with the Java 17 runtime the agent's package depends on and systemd
 * (for {@code systemctl enable} offline), then cloud-init and qemu-guest-agent installed with apt
 * in the root, as the base template installs them. Tests run commands in it with {@link #run}
 * (chroot in a private mount and UTS namespace, so /proc, /dev and /sys mounts end with the
 * process and never need unmounting) and, with a {@link TestHost}, inside that host's network
 * namespace ({@link #start}, {@link #startUnit}: a unit's ExecStart run the way systemd would).
 *
 * <p>The built root is cached as an uncompressed tarball {@code CACHE/debian12-KEY.tar}, KEY a
 * digest of everything that went into it (debootstrap's version, suite, variant, mirror, package
 * lists, {@link #RECIPE}); it is made once under a file lock, in a temporary file renamed into
 * place, and every test extracts its own copy: the cache itself is never run or written to.
 * Measured here (2 shared cores, a warm mirror): debootstrap with the Java runtime included 69 s
 * (511 MB; minbase alone took 2 min 27 s on a slower day, so the download dominates), apt of
 * cloud-init and qemu-guest-agent 21 s (692 MB), the tarball 1 s; a cache hit costs only the
 * extraction. A fresh CI machine pays the build once per run. Set {@code -Dhomefleet.test.cache=DIR}
 * to cache elsewhere, {@code -Dhomefleet.test.debianMirror=URL} to use another mirror (the
 * default is the bookworm mirror of this machine's apt sources).
 *
 * <p>Needs root, debootstrap, util-linux's unshare and iproute2 (.ci/run installs them).
 */
public final class DebianRoot implements AutoCloseable {
  /** Bump when the way the root is built changes, so old cached roots are not reused. */
  static final int RECIPE = 1;
  static final String SUITE = "bookworm";
  /** In the debootstrap itself: one download pass, cheaper than apt in the root afterwards. */
  static final List<String> INCLUDE = List.of("openjdk-17-jre-headless", "procps", "kmod", "systemd",
      "ca-certificates");
  /** The base template's packages; debootstrap's resolver cannot install cloud-init's Python stack. */
  static final List<String> BASE_PACKAGES = List.of("cloud-init", "qemu-guest-agent");
  /** systemd's PATH for services; nothing else of the test's environment enters the root. */
  static final String PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  private static final Duration BUILD_TIME = Duration.ofMinutes(15);
  /**
   * Runs {@code $3...} chrooted into {@code $1} with host name {@code $2}, in the mount and UTS
   * namespace unshare made: the mounts are the namespace's alone and vanish when it ends.
   */
  private static final String ENTER = "r=$1; h=$2; shift 2; mount -t proc proc \"$r/proc\" && "
      + "mount --rbind /dev \"$r/dev\" && mount --rbind /sys \"$r/sys\" && hostname \"$h\" && "
      + "exec chroot \"$r\" /usr/bin/env -i \"$@\"";

  private final Path dir;
  private final Path root;

  private DebianRoot(Path dir) {
    this.dir = dir;
    this.root = dir.resolve("root");
  }

  /** The cache directory. */
  public static Path cacheDir() {
    return Path.of(System.getProperty("homefleet.test.cache", "/var/cache/homefleet-test"));
  }

  /**
   * A fresh copy of the cached root in {@code dir/root}, building the cache first when it is
   * missing. {@code dir} must not exist or be empty; {@link #close()} removes the copy.
   */
  public static DebianRoot copy(Path dir) {
    TestHosts.requireRootAndIp();
    Path tar = cached();
    DebianRoot r = new DebianRoot(dir.toAbsolutePath());
    try {
      Files.createDirectories(r.root);
      check(Duration.ofMinutes(3), List.of("tar", "-C", r.root.toString(), "--numeric-owner", "-xpf", tar.toString()));
      // The build machine's resolver, so apt in the root reaches the mirror as this machine does.
      Files.copy(Path.of("/etc/resolv.conf"), r.root.resolve("etc/resolv.conf"), StandardCopyOption.REPLACE_EXISTING);
      return r;
    } catch (IOException | RuntimeException e) {
      r.close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  /** The cached tarball, built now when missing (under a lock: one builder per key at a time). */
  static Path cached() {
    String mirror = mirror();
    String version = check(Duration.ofSeconds(10), List.of("dpkg-query", "-W", "-f=${Version}", "debootstrap"))
        .stdout();
    String key = digest(String.join("\n", "recipe " + RECIPE, "debootstrap " + version, SUITE, "minbase", mirror,
        String.join(",", INCLUDE), String.join(",", BASE_PACKAGES))).substring(0, 16);
    Path cache = cacheDir();
    Path tar = cache.resolve("debian12-" + key + ".tar");
    try {
      Files.createDirectories(cache);
      try (FileChannel ch = FileChannel.open(cache.resolve("debian12-" + key + ".lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE); FileLock ignored = ch.lock()) {
        if (Files.isRegularFile(tar)) {
          return tar;
        }
        build(mirror, cache.resolve("debian12-" + key + ".build"), tar);
        return tar;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use the Debian root cache " + cache, e);
    }
  }

  private static void build(String mirror, Path work, Path tar) throws IOException {
    removeTree(work); // what a killed build left
    Path root = work.resolve("root");
    Files.createDirectories(work);
    try {
      // In a private mount namespace: the /proc and /sys debootstrap mounts go with it, even on failure.
      check(BUILD_TIME, List.of("unshare", "--mount", "--propagation", "private", "debootstrap", "--variant=minbase",
          "--include=" + String.join(",", INCLUDE), SUITE, root.toString(), mirror));
      Files.copy(Path.of("/etc/resolv.conf"), root.resolve("etc/resolv.conf"), StandardCopyOption.REPLACE_EXISTING);
      List<String> apt = new ArrayList<>(List.of("unshare", "--mount", "--uts", "--propagation", "private", "sh",
          "-c", ENTER, "sh", root.toString(), "debian12-build", PATH, "DEBIAN_FRONTEND=noninteractive", "apt-get",
          "install", "-y", "-q", "--no-install-recommends"));
      apt.addAll(BASE_PACKAGES);
      check(BUILD_TIME, apt);
      check(BUILD_TIME, List.of("unshare", "--mount", "--uts", "--propagation", "private", "sh", "-c", ENTER, "sh",
          root.toString(), "debian12-build", PATH, "apt-get", "clean"));
      Path partial = tar.resolveSibling(tar.getFileName() + ".partial");
      check(Duration.ofMinutes(5), List.of("tar", "-C", root.toString(), "--numeric-owner", "-cf", partial.toString(),
          "."));
      Files.move(partial, tar, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      removeTree(work);
    }
  }

  /**
   * The bookworm mirror of this machine's apt sources (deb822 {@code .sources} or one-line
   * {@code .list}), or {@code -Dhomefleet.test.debianMirror}, or Debian's default.
   */
  static String mirror() {
    String set = System.getProperty("homefleet.test.debianMirror");
    if (set != null && !set.isBlank()) {
      return set;
    }
    List<Path> files = new ArrayList<>(List.of(Path.of("/etc/apt/sources.list")));
    try (Stream<Path> s = Files.isDirectory(Path.of("/etc/apt/sources.list.d"))
        ? Files.list(Path.of("/etc/apt/sources.list.d")).sorted() : Stream.empty()) {
      s.forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Pattern oneLine = Pattern.compile("(?m)^\\s*deb\\s+(?:\\[[^\\]]*\\]\\s+)?(\\S+)\\s+" + SUITE + "\\s");
    for (Path f : files) {
      String text;
      try {
        text = Files.isRegularFile(f) ? Files.readString(f) : "";
      } catch (IOException e) {
        continue;
      }
      if (f.toString().endsWith(".sources")) {
        for (String stanza : text.split("\\n\\s*\\n")) {
          Matcher uris = Pattern.compile("(?mi)^URIs:\\s*(\\S+)").matcher(stanza);
          if (uris.find() && Pattern.compile("(?mi)^Suites:.*\\b" + SUITE + "(\\s|$)").matcher(stanza).find()) {
            return uris.group(1);
          }
        }
      } else {
        Matcher m = oneLine.matcher(text);
        if (m.find()) {
          return m.group(1);
        }
      }
    }
    return "http://deb.debian.org/debian";
  }

  /** The root's directory: {@code /} as the programs run in it see it. */
  public Path path() {
    return root;
  }

  /** {@code path} inside the root ({@code /etc/x} is {@code path()/etc/x}). */
  public Path file(String absolute) {
    return root.resolve(absolute.replaceFirst("^/+", ""));
  }

  /**
   * Runs {@code command} in the root with the machine's network (apt reaches the mirror), host
   * name {@code debian12}, environment {@link #PATH} only.
   */
  public CommandResult run(Duration timeout, String... command) {
    List<String> cmd = new ArrayList<>(List.of("unshare", "--mount", "--uts", "--propagation", "private", "sh", "-c",
        ENTER, "sh", root.toString(), "debian12", PATH));
    cmd.addAll(List.of(command));
    return Commands.run(timeout, cmd, Map.of());
  }

  /**
   * Starts a long-running process in the root, inside {@code host}'s network namespace, with host
   * name {@code host.name()}, environment {@link #PATH} plus {@code env}, output appended to
   * {@code log}. The host's run tags it and stops it on close.
   */
  public Process start(TestHost host, Map<String, String> env, List<String> command, Path log) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", host.namespace(), "unshare", "--mount", "--uts",
        "--propagation", "private", "sh", "-c", ENTER, "sh", root.toString(), host.name(), PATH));
    // The run's tag, inside the root too: a sweep finds the process by it if this JVM dies.
    env.forEach((k, v) -> cmd.add(k + "=" + v));
    cmd.add(TestHosts.RUN_ENV + "=" + host.run().runId());
    cmd.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return host.run().launch(pb);
  }

  /**
   * Starts the installed unit {@code name} (e.g. {@code homefleet-agent}) the way systemd would:
   * its ExecStart, with the variables of its EnvironmentFile (a leading {@code -}: optional) and
   * nothing else of this JVM's environment, in {@code host}'s network namespace.
   */
  public Process startUnit(TestHost host, String name, Path log) {
    Map<String, String> unit = unit(name);
    String exec = unit.get("ExecStart");
    if (exec == null) {
      throw new IllegalStateException(name + ".service in " + root + " has no ExecStart");
    }
    Map<String, String> env = new LinkedHashMap<>();
    String envFile = unit.get("EnvironmentFile");
    if (envFile != null) {
      boolean optional = envFile.startsWith("-");
      Path f = file(optional ? envFile.substring(1) : envFile);
      if (Files.isRegularFile(f)) {
        try {
          for (String line : Files.readAllLines(f)) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#") && l.contains("=")) {
              env.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1).replaceAll("^\"|\"$", ""));
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      } else if (!optional) {
        throw new IllegalStateException(name + ".service needs " + envFile + ", which " + root + " lacks");
      }
    }
    return start(host, env, List.of(exec.strip().split("\\s+")), log);
  }

  /** The [Service] keys of the installed unit, from /lib/systemd/system or /usr/lib/systemd/system. */
  public Map<String, String> unit(String name) {
    for (String d : List.of("/etc/systemd/system/", "/lib/systemd/system/", "/usr/lib/systemd/system/")) {
      Path f = file(d + name + ".service");
      if (Files.isRegularFile(f)) {
        Map<String, String> keys = new LinkedHashMap<>();
        try {
          for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
              keys.putIfAbsent(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return keys;
      }
    }
    throw new IllegalStateException("no " + name + ".service under " + root + "/lib/systemd/system: "
        + "is its package installed in the root?");
  }

  /**
   * The bake: {@code scripts}' provision.sh and bake-clean.sh (the repository's packer/scripts)
   * and the agent's {@code deb} copied into the root's /tmp, then {@code provision.sh ROLE DEB}
   * run in it, as every Packer role template does.
   */
  public CommandResult provision(Path scripts, String role, Path deb) {
    try {
      Path to = Files.createDirectories(file("/tmp/provision"));
      for (String s : List.of("provision.sh", "bake-clean.sh")) {
        Files.copy(scripts.resolve(s), to.resolve(s), StandardCopyOption.REPLACE_EXISTING);
      }
      Files.copy(deb, file("/tmp/" + deb.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return run(Duration.ofMinutes(10), "/bin/sh", "/tmp/provision/provision.sh", role, "/tmp/" + deb.getFileName());
  }

  /** Removes the copy; refuses to when something is still mounted inside it. */
  @Override
  public void close() {
    removeTree(dir);
  }

  /**
   * {@code rm -rf --one-file-system}, after making sure nothing is mounted under {@code dir} (a
   * bind of /dev would otherwise be emptied).
   */
  static void removeTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    String prefix = dir.toAbsolutePath().normalize() + "/";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String mountPoint = line.split(" ")[4];
        if (mountPoint.startsWith(prefix)) {
          throw new IllegalStateException(mountPoint + " is still mounted: not removing " + dir
              + "; unmount it (umount -R " + mountPoint + ") and remove the directory by hand");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    check(Duration.ofMinutes(2), List.of("rm", "-rf", "--one-file-system", dir.toString()));
  }

  private static CommandResult check(Duration timeout, List<String> cmd) {
    CommandResult r = Commands.run(timeout, cmd, Map.of());
    if (!r.ok()) {
      String err = r.all();
      throw new IllegalStateException("failed (" + r.exitCode() + "): " + String.join(" ", cmd) + "\n"
          + err.substring(Math.max(0, err.length() - 4000)));
    }
    return r;
  }

  private static String digest(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "DebianRoot[" + root + "]";
  }
}
