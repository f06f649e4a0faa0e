package io.homefleet.e2e.netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A root file system made in a fraction of a second for a test host whose agent must own its
 * {@code /etc} and {@code /var}: this machine's {@code /usr} bound read-only (programs, Java,
 * python), a copy of this machine's {@code /etc}, an empty dpkg database, and a {@code /opt/standin/bin}
 * first on the PATH for stand-in executables. The agent of this checkout is bound in at
 * {@code /opt/homefleet} and runs chrooted in the host's network namespace, so whatever a role
 * writes lands in the scratch root, never in this machine's /etc. For a full Debian 12 root (its
 * own packages, systemd units) use {@link DebianRoot}; this one costs no extraction.
 *
 * <p>Needs root, util-linux's unshare, iproute2 and a merged-/usr Debian (as Debian 12 is).
 */
public final class ScratchRoot implements AutoCloseable {
  /** The PATH inside: the stand-ins first. */
  public static final String PATH = "/opt/standin/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  /**
   * Runs {@code $4...} chrooted into {@code $1} with host name {@code $2} and this checkout ($3)
   * bound at /opt/homefleet, in the mount and UTS namespace unshare made: the mounts go with it.
   */
  private static final String ENTER = "r=$1; h=$2; co=$3; shift 3; mount --rbind /usr \"$r/usr\" && "
      + "mount -o remount,bind,ro \"$r/usr\" && mount --bind \"$co/bin\" \"$r/opt/homefleet/bin\" && "
      + "mount --bind \"$co/agent/target\" \"$r/opt/homefleet/agent/target\" && mount -t proc proc \"$r/proc\" && "
      + "mount --rbind /dev \"$r/dev\" && mount --rbind /sys \"$r/sys\" && hostname \"$h\" && "
      + "exec chroot \"$r\" /usr/bin/env -i \"$@\"";

  private final Path root;

  private ScratchRoot(Path root) {
    this.root = root;
  }

  /** A new root in {@code dir} (which must not exist yet). */
  public static ScratchRoot create(Path dir) {
    TestHosts.requireRootAndIp();
    Path r = dir.toAbsolutePath();
    try {
      Files.createDirectories(r);
      for (String link : List.of("bin", "sbin", "lib", "lib64")) {
        if (Files.isSymbolicLink(Path.of("/" + link))) {
          Files.createSymbolicLink(r.resolve(link), Files.readSymbolicLink(Path.of("/" + link)));
        }
      }
      for (String d : List.of("usr", "proc", "dev", "sys", "run", "root", "srv", "opt/standin/bin",
          "opt/homefleet/bin", "opt/homefleet/agent/target", "var/lib/dpkg/info", "var/lib/dpkg/updates",
          "var/lib/apt/lists/partial", "var/lib/apt/periodic", "var/cache/apt/archives/partial", "var/log")) {
        Files.createDirectories(r.resolve(d));
      }
      Files.createDirectories(r.resolve("tmp"));
      run(List.of("chmod", "1777", r.resolve("tmp").toString()));
      run(List.of("cp", "-a", "/etc", r.resolve("etc").toString()));
      Files.writeString(r.resolve("var/lib/dpkg/status"), "");
      Files.writeString(r.resolve("var/lib/dpkg/available"), "");
      return new ScratchRoot(r);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make a scratch root in " + r, e);
    }
  }

  /** The root's directory. */
  public Path path() {
    return root;
  }

  /** {@code absolute} inside the root. */
  public Path file(String absolute) {
    return root.resolve(absolute.replaceFirst("^/+", ""));
  }

  /** Writes an executable {@code /opt/standin/bin/NAME}, found before the real one. */
  public void standIn(String name, String script) {
    Path p = file("/opt/standin/bin/" + name);
    try {
      Files.writeString(p, script);
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts this checkout's agent chrooted into the root, in {@code host}'s network namespace, with
   * {@code /etc/homefleet/agent.yaml} (written here: state in /var/lib/homefleet-agent) and only
   * {@link #PATH} and HOME in its environment. The host's run stops it on close.
   */
  public Process startAgent(TestHost host, String controller, String token, String caFingerprint, Path log) {
    try {
      Files.createDirectories(file("/etc/homefleet"));
      Files.writeString(file("/etc/homefleet/agent.yaml"), "controller: " + controller + "\nhost: " + host.name()
          + "\ntoken: " + token + "\nca_fingerprint: \"" + caFingerprint + "\"\nstate_dir: /var/lib/homefleet-agent\n"
          + "keepalive_time: 10s\nkeepalive_timeout: 3s\nreconnect_max: 2s\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", host.namespace(), "unshare", "--mount", "--uts",
        "--propagation", "private", "sh", "-c", ENTER, "sh", root.toString(), host.name(), Launchers.ROOT.toString(),
        "PATH=" + PATH, "HOME=/root", TestHosts.RUN_ENV + "=" + host.run().runId(),
        "/opt/homefleet/bin/homefleet-agent", "run", "--config", "/etc/homefleet/agent.yaml"));
    Launchers.agent(); // fails early, and clearly, when the agent is not built
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return host.run().launch(pb);
  }

  /** Removes the root; DebianRoot's removal refuses while anything is mounted inside it. */
  @Override
  public void close() {
    DebianRoot.removeTree(root);
  }

  private static void run(List<String> cmd) {
    CommandResult r = Commands.run(Duration.ofMinutes(1), cmd, Map.of());
    if (!r.ok()) {
      throw new IllegalStateException("failed (" + r.exitCode() + "): " + String.join(" ", cmd) + "\n" + r.all());
    }
  }
}
