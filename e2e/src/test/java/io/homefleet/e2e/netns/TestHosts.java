package io.homefleet.e2e.netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A set of test hosts on one machine: each host is a network namespace with its own network
 * stack, joined by a veth pair to a bridge in the root namespace.
 *
 * <p>One instance is one <em>run</em> with a random six-hex-digit id {@code RUN}. It owns:
 *
 * <ul>
 *   <li>the bridge {@code hfRUNbr} in the root namespace with the gateway address
 *       {@code 198.S.T.1/24}, where {@code 198.S.T.0/24} is a /24 of 198.18.0.0/15 that no
 *       interface of the root namespace uses yet (the benchmark range, RFC 2544);
 *   <li>per host {@code n} (1-based): the namespace {@code hf-RUN-n}, the veth {@code hfRUNvn}
 *       on the bridge and its peer {@code eth0} inside the namespace with {@code 198.S.T.(10+n)/24},
 *       plus {@code lo}. No default route is set and forwarding is not touched, so a host can
 *       reach the gateway and the other hosts of its run, and nothing else;
 *   <li>a lock file {@code /run/homefleet-netns/RUN.lock}, held while the run lives, which
 *       tells {@link #sweepStale()} in another JVM that the run is not stale;
 *   <li>every process started through {@link #launch} or {@link TestHost#start}, tagged with the
 *       environment variable {@code HOMEFLEET_NETNS_RUN=RUN} so that a sweep can find the
 *       processes of a run whose JVM was killed.
 * </ul>
 *
 * <p>{@link #close()} stops the processes, deletes the namespaces and links and releases the
 * lock; a shutdown hook does the same if the JVM is stopped first. Every {@link #create} first
 * sweeps what dead runs left behind. By hand: {@code ip netns list | grep ^hf-} and
 * {@code ip -o link show | grep ' hf'} (docs/testing.md).
 *
 * <p>Needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN) and iproute2's {@code ip}; {@link #create}
 * fails with a message saying so otherwise.
 */
public final class TestHosts implements AutoCloseable {
  /** The environment variable that tags every process a run starts. */
  public static final String RUN_ENV = "HOMEFLEET_NETNS_RUN";
  /** Where runs keep their lock files. */
  static final Path STATE_DIR = Path.of("/run/homefleet-netns");
  static final Pattern NAMESPACE = Pattern.compile("hf-([0-9a-f]{6})-(\\d+)");
  static final Pattern LINK = Pattern.compile("hf([0-9a-f]{6})(?:br|v\\d+|p\\d+)");
  private static final Pattern BENCH_ADDRESS = Pattern.compile("\\binet 198\\.(18|19)\\.(\\d+)\\.\\d+/");
  private static final int MAX_HOSTS = 200;
  private static final Instant JVM_START = ProcessHandle.current().info().startInstant().orElse(Instant.now());
  /** Runs alive in this JVM: never opened for a lock test (closing a channel drops the JVM's locks). */
  private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String runId;
  private final int subnet;
  private final Path workDir;
  private final List<TestHost> hosts = new ArrayList<>();
  private final ConcurrentLinkedDeque<Process> processes = new ConcurrentLinkedDeque<>();
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Thread shutdownHook;
  private volatile boolean closed;

  private TestHosts(String runId, int subnet, Path workDir, FileChannel lockChannel, FileLock lock) {
    this.runId = runId;
    this.subnet = subnet;
    this.workDir = workDir;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.shutdownHook = new Thread(this::closeQuietly, "hf-netns-" + runId + "-cleanup");
  }

  /** Creates {@code count} hosts named {@code host-1} ... {@code host-N}. */
  public static TestHosts create(Path workDir, int count) {
    String[] names = new String[count];
    for (int i = 0; i < count; i++) {
      names[i] = "host-" + (i + 1);
    }
    return create(workDir, names);
  }

  /**
   * Creates one host per name, in order ({@code names[0]} is host 1). Each host gets the
   * directory {@code workDir/NAME} for its files (agent config, state, log, its {@code root/}
   * tree). Sweeps stale runs first.
   *
   * @throws IllegalStateException when not root, when {@code ip} is missing, or when a step of
   *     the set-up fails (what was created by then is removed again)
   */
  public static TestHosts create(Path workDir, String... names) {
    if (names.length < 1 || names.length > MAX_HOSTS) {
      throw new IllegalArgumentException("between 1 and " + MAX_HOSTS + " hosts, got " + names.length);
    }
    if (new HashSet<>(List.of(names)).size() != names.length) {
      throw new IllegalArgumentException("host names must be unique: " + List.of(names));
    }
    requireRootAndIp();
    sweepStale();
    TestHosts run = allocate(workDir.toAbsolutePath());
    try {
      Runtime.getRuntime().addShutdownHook(run.shutdownHook);
      for (int i = 0; i < names.length; i++) {
        run.hosts.add(run.addHost(i + 1, names[i]));
      }
      return run;
    } catch (RuntimeException e) {
      run.closeQuietly();
      throw e;
    }
  }

  /**
   * Fails with a message that says what is missing when this process cannot create namespaces:
   * it must run as root (uid 0) and find iproute2's {@code ip}.
   */
  public static void requireRootAndIp() {
    String uid = "?";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          uid = line.split("\\s+")[2]; // effective uid
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("network-namespace test hosts need Linux (/proc/self/status unreadable: "
          + e.getMessage() + ")");
    }
    if (!"0".equals(uid)) {
      throw new IllegalStateException("network-namespace test hosts need root: 'ip netns add' and veth pairs need "
          + "CAP_NET_ADMIN and CAP_SYS_ADMIN, but this JVM runs as uid " + uid + ". Run the e2e tests as root "
          + "(CI does: .ci/run), e.g. sudo mvn -B -o verify -pl e2e -Dit.test=NetnsHostsIT");
    }
    CommandResult ip;
    try {
      ip = Commands.run(Duration.ofSeconds(10), "ip", "-V");
    } catch (UncheckedIOException e) {
      ip = null;
    }
    if (ip == null || !ip.ok()) {
      throw new IllegalStateException("network-namespace test hosts need iproute2's 'ip' on the PATH: "
          + "apt-get install -y iproute2 (CI installs it in .ci/run)");
    }
  }

  private static TestHosts allocate(Path workDir) {
    try {
      Files.createDirectories(STATE_DIR);
      // One allocation at a time on this machine, so two runs never pick the same /24.
      try (FileChannel alloc = FileChannel.open(STATE_DIR.resolve("alloc.lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE); FileLock ignored = alloc.lock()) {
        String runId;
        Path lockFile;
        do {
          byte[] id = new byte[3];
          RANDOM.nextBytes(id);
          runId = HexFormat.of().formatHex(id);
          lockFile = STATE_DIR.resolve(runId + ".lock");
        } while (Files.exists(lockFile) || !Commands.run(Duration.ofSeconds(10), "ip", "link", "show", "hf" + runId
            + "br").stdout().isEmpty());
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileLock lock = ch.lock();
        LIVE.add(runId);
        ch.write(StandardCharsets.UTF_8.encode("pid " + ProcessHandle.current().pid() + "\nstarted "
            + Instant.now() + "\nwork_dir " + workDir + "\n"));
        int subnet = freeSubnet();
        TestHosts run = new TestHosts(runId, subnet, workDir, ch, lock);
        try {
          String bridge = run.bridge();
          Commands.check("ip", "link", "add", bridge, "type", "bridge");
          Commands.check("ip", "addr", "add", run.gatewayAddress() + "/24", "dev", bridge);
          Commands.check("ip", "link", "set", bridge, "up");
        } catch (RuntimeException e) {
          run.closeQuietly();
          throw e;
        }
        return run;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot allocate a test-host run under " + STATE_DIR, e);
    }
  }

  /** A /24 of 198.18.0.0/15 that no address of the root namespace is in, chosen at random. */
  private static int freeSubnet() {
    Set<Integer> used = new HashSet<>();
    Matcher m = BENCH_ADDRESS.matcher(Commands.check("ip", "-o", "-4", "addr", "show").stdout());
    while (m.find()) {
      used.add((Integer.parseInt(m.group(1)) - 18) * 256 + Integer.parseInt(m.group(2)));
    }
    List<Integer> free = new ArrayList<>();
    for (int i = 1; i < 511; i++) { // leave 198.18.0.0/24 and 198.19.255.0/24 to people typing by hand
      if (!used.contains(i)) {
        free.add(i);
      }
    }
    if (free.isEmpty()) {
      throw new IllegalStateException("every /24 of 198.18.0.0/15 is in use in the root namespace; "
          + "sweep leftovers: ip netns list | grep ^hf-");
    }
    return free.get(RANDOM.nextInt(free.size()));
  }

  private TestHost addHost(int n, String name) {
    String ns = "hf-" + runId + "-" + n;
    String outer = "hf" + runId + "v" + n;
    String inner = "hf" + runId + "p" + n;
    String address = prefix() + (10 + n);
    Commands.check("ip", "netns", "add", ns);
    Commands.check("ip", "link", "add", outer, "type", "veth", "peer", "name", inner);
    Commands.check("ip", "link", "set", inner, "netns", ns);
    Commands.check("ip", "-n", ns, "link", "set", inner, "name", "eth0");
    Commands.check("ip", "-n", ns, "addr", "add", address + "/24", "dev", "eth0");
    Commands.check("ip", "-n", ns, "link", "set", "lo", "up");
    Commands.check("ip", "-n", ns, "link", "set", "eth0", "up");
    Commands.check("ip", "link", "set", outer, "master", bridge());
    Commands.check("ip", "link", "set", outer, "up");
    Path dir = workDir.resolve(name);
    try {
      for (String sub : List.of("root/etc", "root/var/lib", "root/srv", "root/tmp")) {
        Files.createDirectories(dir.resolve(sub));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    return new TestHost(this, n, name, ns, address, outer, dir);
  }

  /** This run's id: six hex digits, part of every namespace and link name it creates. */
  public String runId() {
    return runId;
  }

  /** This run's /24, e.g. {@code 198.18.42.0/24}. */
  public String subnet() {
    return prefix() + "0/24";
  }

  /** The root namespace's address on the bridge ({@code 198.S.T.1}): where a controller listens. */
  public String gatewayAddress() {
    return prefix() + "1";
  }

  private String prefix() {
    return "198." + (18 + subnet / 256) + "." + (subnet % 256) + ".";
  }

  /** The bridge in the root namespace that joins the hosts. */
  public String bridge() {
    return "hf" + runId + "br";
  }

  /** The hosts, in creation order. */
  public List<TestHost> hosts() {
    return Collections.unmodifiableList(hosts);
  }

  /** The host with this name. */
  public TestHost host(String name) {
    return hosts.stream().filter(h -> h.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no test host '" + name + "' in " + hosts));
  }

  /** The per-run working directory (each host has {@code workDir/NAME}). */
  public Path workDir() {
    return workDir;
  }

  /**
   * Starts a process tagged with this run ({@value #RUN_ENV}) and stops it in {@link #close()}.
   * The process runs wherever {@code pb}'s command puts it: {@link TestHost#start} prefixes
   * {@code ip netns exec}; a controller started here stays in the root namespace.
   */
  public Process launch(ProcessBuilder pb) {
    if (closed) {
      throw new IllegalStateException("test-host run " + runId + " is closed");
    }
    pb.environment().put(RUN_ENV, runId);
    try {
      Process p = pb.start();
      processes.push(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + pb.command(), e);
    }
  }

  /**
   * Whether this kernel has the netem queueing discipline that {@link TestHost#delay} needs
   * (Debian's kernels have it as the module sch_netem; some minimal VM kernels do not).
   */
  public boolean supportsDelay() {
    CommandResult r = Commands.run(Duration.ofSeconds(10), "tc", "qdisc", "add", "dev", bridge(), "root", "netem",
        "delay", "1ms");
    if (r.ok()) {
      Commands.run(Duration.ofSeconds(10), "tc", "qdisc", "del", "dev", bridge(), "root");
    }
    return r.ok();
  }

  /**
   * Removes what runs whose owner is gone left behind: their processes (found by
   * {@value #RUN_ENV} and by {@code ip netns pids}), namespaces, links and lock files. A run is
   * stale when its lock file is no longer locked (its JVM ended, however it ended), or when it
   * has no lock file and its namespaces are older than this JVM. Runs of this JVM are never
   * touched.
   *
   * @return the ids of the runs removed
   */
  public static Set<String> sweepStale() {
    Set<String> runs = new TreeSet<>();
    Map<String, Instant> created = new ConcurrentHashMap<>();
    for (String line : Commands.check("ip", "netns", "list").stdout().split("\n")) {
      Matcher m = NAMESPACE.matcher(line.split(" ")[0]);
      if (m.matches()) {
        runs.add(m.group(1));
        Instant t = namespaceCreated(line.split(" ")[0]);
        created.merge(m.group(1), t, (a, b) -> a.isAfter(b) ? a : b);
      }
    }
    for (String link : rootLinks()) {
      Matcher m = LINK.matcher(link);
      if (m.matches()) {
        runs.add(m.group(1));
      }
    }
    try (Stream<Path> files = Files.isDirectory(STATE_DIR) ? Files.list(STATE_DIR) : Stream.empty()) {
      files.map(p -> p.getFileName().toString()).filter(f -> f.matches("[0-9a-f]{6}\\.lock"))
          .forEach(f -> runs.add(f.substring(0, 6)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + STATE_DIR, e);
    }
    Set<String> removed = new LinkedHashSet<>();
    for (String run : runs) {
      if (isStale(run, created.get(run))) {
        removeRun(run);
        removed.add(run);
      }
    }
    return removed;
  }

  private static boolean isStale(String run, Instant nsCreated) {
    if (LIVE.contains(run)) {
      return false;
    }
    Path lockFile = STATE_DIR.resolve(run + ".lock");
    if (Files.exists(lockFile)) {
      try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
        FileLock l = ch.tryLock();
        if (l == null) {
          return false; // another process holds it: alive
        }
        l.release();
        return true;
      } catch (NoSuchFileException e) {
        return false; // its owner closed it just now
      } catch (IOException e) {
        throw new UncheckedIOException("cannot test the lock " + lockFile, e);
      }
    }
    // Without a lock file: a run that lost it, or names made by hand. Only what predates this JVM.
    return nsCreated == null || nsCreated.isBefore(JVM_START);
  }

  private static Instant namespaceCreated(String ns) {
    try {
      return Files.getLastModifiedTime(Path.of("/run/netns", ns)).toInstant();
    } catch (IOException e) {
      return Instant.EPOCH;
    }
  }

  private static List<String> rootLinks() {
    List<String> names = new ArrayList<>();
    for (String line : Commands.check("ip", "-o", "link", "show").stdout().split("\n")) {
      String[] f = line.split(":\\s+", 3);
      if (f.length >= 2) {
        names.add(f[1].split("@")[0]);
      }
    }
    return names;
  }

  /** Best effort, all the way through: one step failing must not keep the others from running. */
  private static void removeRun(String run) {
    killTagged(run);
    for (String line : Commands.run(Duration.ofSeconds(10), "ip", "netns", "list").stdout().split("\n")) {
      String ns = line.split(" ")[0];
      Matcher m = NAMESPACE.matcher(ns);
      if (m.matches() && m.group(1).equals(run)) {
        for (String pid : Commands.run(Duration.ofSeconds(10), "ip", "netns", "pids", ns).stdout().split("\\s+")) {
          if (!pid.isBlank()) {
            ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(TestHosts::kill);
          }
        }
        Commands.run(Duration.ofSeconds(10), "ip", "netns", "del", ns);
      }
    }
    deleteLinks(run);
    try {
      Files.deleteIfExists(STATE_DIR.resolve(run + ".lock"));
    } catch (IOException ignored) {
      // An unlocked lock file left behind is swept next time.
    }
  }

  private static void deleteLinks(String run) {
    for (String link : rootLinks()) {
      Matcher m = LINK.matcher(link);
      if (m.matches() && m.group(1).equals(run)) {
        Commands.run(Duration.ofSeconds(10), "ip", "link", "del", link);
      }
    }
  }

  /** Kills the processes whose environment carries {@code HOMEFLEET_NETNS_RUN=run}. */
  private static void killTagged(String run) {
    byte[] tag = (RUN_ENV + "=" + run).getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs.filter(p -> p.getFileName().toString().matches("\\d+")).forEach(p -> {
        try {
          byte[] env = Files.readAllBytes(p.resolve("environ"));
          if (containsEntry(env, tag)) {
            ProcessHandle.of(Long.parseLong(p.getFileName().toString())).ifPresent(TestHosts::kill);
          }
        } catch (IOException | SecurityException ignored) {
          // Gone already, or a kernel thread.
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list /proc", e);
    }
  }

  private static boolean containsEntry(byte[] environ, byte[] entry) {
    int start = 0;
    for (int i = 0; i <= environ.length; i++) {
      if (i == environ.length || environ[i] == 0) {
        if (i - start == entry.length && java.util.Arrays.equals(environ, start, i, entry, 0, entry.length)) {
          return true;
        }
        start = i + 1;
      }
    }
    return false;
  }

  private static void kill(ProcessHandle p) {
    if (p.pid() == ProcessHandle.current().pid()) {
      return;
    }
    p.destroyForcibly();
    try {
      p.onExit().get(5, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // Reported by the namespace staying busy, if it matters.
    }
  }

  /**
   * Stops every process of the run (SIGTERM, then SIGKILL after 5 s), removes the namespaces,
   * the veth pairs and the bridge, and releases the lock. Idempotent; keeps going past errors and
   * throws the first at the end.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException first = null;
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          p.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      removeRun(runId);
    } catch (RuntimeException e) {
      first = e;
    }
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      first = first == null ? new UncheckedIOException(e) : first;
    }
    LIVE.remove(runId);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException ignored) {
      // Already shutting down: this is the hook.
    }
    if (first != null) {
      throw first;
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException ignored) {
      // Nothing more to do on this path.
    }
  }

  @Override
  public String toString() {
    return "TestHosts[" + runId + ", " + subnet() + ", " + hosts + "]";
  }
}
