package io.homefleet.agent.telemetry;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Host metrics read from /proc and statvfs when asked ({@link #refresh()}, once per scrape or
 * push), not on a timer of their own. Meters read the values of the last refresh; file systems
 * and network interfaces get meters when they appear and lose them when they go.
 *
 * <p>Inodes: Java has no statvfs call that returns inode counts, so they come from one
 * {@code df --output=itotal,iavail,target} child process over the tracked mounts, run at most
 * every {@link #INODE_REFRESH_NANOS} (inode counts move slowly; a process per scrape would cost
 * more than everything else here together).
 */
final class HostMetrics {
  private static final Logger log = LoggerFactory.getLogger(HostMetrics.class);

  /** Linux's USER_HZ: the unit of /proc/stat's CPU times on every architecture Debian ships. */
  static final double USER_HZ = 100.0;
  static final long INODE_REFRESH_NANOS = TimeUnit.MINUTES.toNanos(5);
  static final String[] CPU_MODES = {"user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"};

  /** Pseudo and in-memory file systems, skipped as Telegraf's disk input and node_exporter skip them. */
  static final Set<String> IGNORED_FS = Set.of("autofs", "binfmt_misc", "bpf", "cgroup", "cgroup2", "configfs",
      "debugfs", "devpts", "devtmpfs", "efivarfs", "fusectl", "hugetlbfs", "iso9660", "mqueue", "nsfs", "overlay",
      "proc", "procfs", "pstore", "ramfs", "rpc_pipefs", "securityfs", "selinuxfs", "squashfs", "erofs", "sysfs",
      "tracefs", "tmpfs", "fuse.gvfsd-fuse", "fuse.lxcfs", "fuse.portal", "aufs", "nfsd");

  private final Path proc;
  private final MeterRegistry registry;
  private final LongSupplier nanoTime;
  private final ProcText text = new ProcText();
  private final double[] numbers = new double[16];

  private final double[] cpuSeconds = new double[CPU_MODES.length];
  private volatile double cpuCount;
  private volatile double bootTime;
  private volatile double uptime;
  private volatile double load1;
  private volatile double load5;
  private volatile double load15;
  // /proc/meminfo, in kB as read
  private volatile double memTotal;
  private volatile double memFree;
  private volatile double memAvailable;
  private volatile double buffers;
  private volatile double cached;
  private volatile double swapTotal;
  private volatile double swapFree;

  private final Map<String, Fs> filesystems = new LinkedHashMap<>();
  private final Map<String, Nic> interfaces = new LinkedHashMap<>();
  private long inodesReadAt = Long.MIN_VALUE;
  private boolean inodesPending = true;

  HostMetrics(Path proc, MeterRegistry registry, LongSupplier nanoTime) {
    this.proc = proc;
    this.registry = registry;
    this.nanoTime = nanoTime;
    for (int i = 0; i < CPU_MODES.length; i++) {
      int mode = i;
      FunctionCounter.builder(MetricNames.HOST_CPU_SECONDS, this, h -> h.cpuSeconds[mode])
          .description("CPU time spent in each mode, all CPUs together (/proc/stat)").baseUnit("seconds")
          .tags(MetricNames.TAG_CPU, "cpu-total", MetricNames.TAG_MODE, CPU_MODES[i]).register(registry);
    }
    gauge(MetricNames.HOST_CPUS, "Online CPUs (/proc/stat)", null, h -> h.cpuCount);
    gauge(MetricNames.HOST_BOOT_TIME, "When the host booted, in seconds since the epoch (/proc/stat btime)", "seconds",
        h -> h.bootTime);
    gauge(MetricNames.HOST_UPTIME, "Seconds since the host booted (/proc/uptime)", "seconds", h -> h.uptime);
    gauge(MetricNames.HOST_LOAD1, "Load average over 1 minute (/proc/loadavg)", null, h -> h.load1);
    gauge(MetricNames.HOST_LOAD5, "Load average over 5 minutes (/proc/loadavg)", null, h -> h.load5);
    gauge(MetricNames.HOST_LOAD15, "Load average over 15 minutes (/proc/loadavg)", null, h -> h.load15);
    gauge(MetricNames.HOST_MEMORY_TOTAL, "Usable RAM (MemTotal)", "bytes", h -> h.memTotal * 1024);
    gauge(MetricNames.HOST_MEMORY_AVAILABLE, "Memory available for new work without swapping (MemAvailable)",
        "bytes", h -> h.memAvailable * 1024);
    gauge(MetricNames.HOST_MEMORY_USED, "Memory in use: MemTotal - MemAvailable", "bytes",
        h -> (h.memTotal - h.memAvailable) * 1024);
    gauge(MetricNames.HOST_MEMORY_FREE, "Memory not used at all (MemFree)", "bytes", h -> h.memFree * 1024);
    gauge(MetricNames.HOST_MEMORY_CACHED, "Page cache (Cached)", "bytes", h -> h.cached * 1024);
    gauge(MetricNames.HOST_MEMORY_BUFFERS, "Block device buffers (Buffers)", "bytes", h -> h.buffers * 1024);
    gauge(MetricNames.HOST_SWAP_TOTAL, "Swap space (SwapTotal)", "bytes", h -> h.swapTotal * 1024);
    gauge(MetricNames.HOST_SWAP_FREE, "Unused swap space (SwapFree)", "bytes", h -> h.swapFree * 1024);
    gauge(MetricNames.HOST_SWAP_USED, "Swap in use: SwapTotal - SwapFree", "bytes",
        h -> (h.swapTotal - h.swapFree) * 1024);
  }

  private void gauge(String name, String description, String unit, ToDoubleFunction<HostMetrics> f) {
    Gauge.builder(name, this, f).description(description).baseUnit(unit).strongReference(true).register(registry);
  }

  /** Reads everything once; a file that cannot be read keeps its last values and is logged. */
  synchronized void refresh() {
    try {
      readStat();
      readMeminfo();
      readLoadAndUptime();
      readNetDev();
      readFilesystems();
    } catch (IOException | RuntimeException e) {
      log.warn("host metrics: {}", e.toString());
    }
  }

  private void readStat() throws IOException {
    text.read(proc.resolve("stat"));
    int cpus = 0;
    for (int at = 0; at < text.length(); at = text.nextLine(at)) {
      int end = text.nextLine(at);
      if (text.startsWith(at, "cpu ")) {
        int n = text.numbers(at + 4, end, numbers);
        for (int i = 0; i < CPU_MODES.length && i < n; i++) {
          cpuSeconds[i] = numbers[i] / USER_HZ;
        }
      } else if (text.startsWith(at, "cpu")) {
        cpus++;
      } else if (text.startsWith(at, "btime ")) {
        if (text.numbers(at + 6, end, numbers) == 1) {
          bootTime = numbers[0];
        }
      }
    }
    cpuCount = cpus;
  }

  private void readMeminfo() throws IOException {
    text.read(proc.resolve("meminfo"));
    for (int at = 0; at < text.length(); at = text.nextLine(at)) {
      int end = text.nextLine(at);
      int colon = text.indexOf((byte) ':', at, end);
      if (colon < 0 || text.numbers(colon + 1, end, numbers) < 1) {
        continue;
      }
      double kb = numbers[0];
      if (text.equals(at, colon, "MemTotal")) {
        memTotal = kb;
      } else if (text.equals(at, colon, "MemFree")) {
        memFree = kb;
      } else if (text.equals(at, colon, "MemAvailable")) {
        memAvailable = kb;
      } else if (text.equals(at, colon, "Buffers")) {
        buffers = kb;
      } else if (text.equals(at, colon, "Cached")) {
        cached = kb;
      } else if (text.equals(at, colon, "SwapTotal")) {
        swapTotal = kb;
      } else if (text.equals(at, colon, "SwapFree")) {
        swapFree = kb;
      }
    }
  }

  private void readLoadAndUptime() throws IOException {
    text.read(proc.resolve("loadavg"));
    if (text.numbers(0, text.nextLine(0), numbers) >= 3) {
      load1 = numbers[0];
      load5 = numbers[1];
      load15 = numbers[2];
    }
    text.read(proc.resolve("uptime"));
    if (text.numbers(0, text.nextLine(0), numbers) >= 1) {
      uptime = numbers[0];
    }
  }

  private void readNetDev() throws IOException {
    text.read(proc.resolve("net/dev"));
    interfaces.values().forEach(n -> n.seen = false);
    for (int at = 0; at < text.length(); at = text.nextLine(at)) {
      int end = text.nextLine(at);
      int colon = text.indexOf((byte) ':', at, end);
      if (colon < 0 || text.indexOf((byte) '|', at, end) >= 0) {
        continue;
      }
      // receive: bytes packets errs drop fifo frame compressed multicast; transmit: bytes packets errs drop ...
      if (text.numbers(colon + 1, end, numbers) < 12) {
        continue;
      }
      Nic nic = nic(at, colon);
      nic.seen = true;
      nic.values[0] = numbers[0];
      nic.values[1] = numbers[8];
      nic.values[2] = numbers[1];
      nic.values[3] = numbers[9];
      nic.values[4] = numbers[2];
      nic.values[5] = numbers[10];
      nic.values[6] = numbers[3];
      nic.values[7] = numbers[11];
    }
    for (Iterator<Nic> it = interfaces.values().iterator(); it.hasNext(); ) {
      Nic n = it.next();
      if (!n.seen) {
        n.meters.forEach(registry::remove);
        it.remove();
      }
    }
  }

  private Nic nic(int at, int colon) {
    for (Map.Entry<String, Nic> e : interfaces.entrySet()) {
      if (matchesTrimmed(at, colon, e.getKey())) {
        return e.getValue();
      }
    }
    String name = text.text(at, colon);
    Nic nic = new Nic();
    Tags tags = Tags.of(MetricNames.TAG_DEVICE, name);
    String[][] meters = {
        {MetricNames.HOST_NET_RX_BYTES, "Bytes received", "bytes"},
        {MetricNames.HOST_NET_TX_BYTES, "Bytes sent", "bytes"},
        {MetricNames.HOST_NET_RX_PACKETS, "Packets received", "packets"},
        {MetricNames.HOST_NET_TX_PACKETS, "Packets sent", "packets"},
        {MetricNames.HOST_NET_RX_ERRS, "Receive errors", "errs"},
        {MetricNames.HOST_NET_TX_ERRS, "Transmit errors", "errs"},
        {MetricNames.HOST_NET_RX_DROP, "Received packets dropped", "drop"},
        {MetricNames.HOST_NET_TX_DROP, "Packets dropped on transmit", "drop"}};
    for (int i = 0; i < meters.length; i++) {
      int k = i;
      nic.meters.add(FunctionCounter.builder(meters[i][0], nic, x -> x.values[k])
          .description(meters[i][1] + " by the network interface (/proc/net/dev)").baseUnit(meters[i][2]).tags(tags)
          .register(registry));
    }
    interfaces.put(name, nic);
    return nic;
  }

  private boolean matchesTrimmed(int from, int end, String name) {
    while (from < end && text.startsWith(from, " ")) {
      from++;
    }
    return text.equals(from, end, name);
  }

  private void readFilesystems() throws IOException {
    text.read(proc.resolve("self/mounts"));
    Map<String, String[]> mounts = new LinkedHashMap<>();
    for (int at = 0; at < text.length(); at = text.nextLine(at)) {
      String[] f = text.text(at, text.nextLine(at)).split(" ");
      if (f.length >= 3 && !IGNORED_FS.contains(f[2]) && !f[2].startsWith("fuse.") && f[1].startsWith("/")) {
        String mountpoint = unescape(f[1]);
        if (!mountpoint.startsWith("/proc/") && !mountpoint.startsWith("/sys/") && !mountpoint.startsWith("/dev/")
            && !mountpoint.startsWith("/run/")) {
          mounts.put(mountpoint, new String[] {unescape(f[0]), f[2]});
        }
      }
    }
    filesystems.values().removeIf(fs -> {
      String[] m = mounts.get(fs.mountpoint);
      boolean gone = m == null || !m[0].equals(fs.device) || !m[1].equals(fs.fstype);
      if (gone) {
        fs.meters.forEach(registry::remove);
      }
      return gone;
    });
    for (Map.Entry<String, String[]> m : mounts.entrySet()) {
      Fs fs = filesystems.get(m.getKey());
      if (fs == null) {
        fs = new Fs(m.getKey(), m.getValue()[0], m.getValue()[1]);
        register(fs);
        filesystems.put(fs.mountpoint, fs);
        inodesPending = true;
      }
      fs.size = fs.file.getTotalSpace();
      fs.free = fs.file.getFreeSpace();
      fs.avail = fs.file.getUsableSpace();
    }
    long now = nanoTime.getAsLong();
    if (inodesPending || now - inodesReadAt >= INODE_REFRESH_NANOS) {
      inodesReadAt = now;
      inodesPending = false;
      readInodes();
    }
  }

  private void register(Fs fs) {
    Tags tags = Tags.of(MetricNames.TAG_MOUNTPOINT, fs.mountpoint, MetricNames.TAG_FSTYPE, fs.fstype,
        MetricNames.TAG_DEVICE, fs.device);
    fs.meters.add(fsGauge(MetricNames.HOST_FS_SIZE, "File system size (statvfs)", "bytes", fs, x -> x.size, tags));
    fs.meters.add(fsGauge(MetricNames.HOST_FS_FREE, "Free space, with the root reserve (statvfs)", "bytes", fs,
        x -> x.free, tags));
    fs.meters.add(fsGauge(MetricNames.HOST_FS_AVAIL, "Space available to unprivileged users (statvfs)", "bytes", fs,
        x -> x.avail, tags));
    fs.meters.add(fsGauge(MetricNames.HOST_FS_FILES, "Inodes in total (df -i, every 5 minutes)", null, fs,
        x -> x.files, tags));
    fs.meters.add(fsGauge(MetricNames.HOST_FS_FILES_FREE, "Free inodes (df -i, every 5 minutes)", null, fs,
        x -> x.filesFree, tags));
  }

  private Meter fsGauge(String name, String description, String unit, Fs fs, ToDoubleFunction<Fs> f, Tags tags) {
    return Gauge.builder(name, fs, f).description(description).baseUnit(unit).tags(tags).strongReference(true)
        .register(registry);
  }

  /** One {@code df} over the tracked mounts; the whole inode picture for five minutes. */
  private void readInodes() {
    if (filesystems.isEmpty()) {
      return;
    }
    List<String> cmd = new ArrayList<>(List.of("df", "--output=itotal,iavail,target"));
    filesystems.keySet().forEach(cmd::add);
    Map<String, double[]> found = new HashMap<>();
    try {
      // A bounded wait before reading: a hung network mount must not hang the scrape. The answer
      // (a line per mount) fits in the pipe's buffer, so df never waits on us.
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        log.warn("host metrics: inode counts: df did not answer within 5 s (a hung network mount?); skipped");
        return;
      }
      String answer = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      for (String line : answer.split("\n")) {
        String[] f = line.trim().split("\\s+", 3);
        if (f.length == 3 && f[0].matches("\\d+") && f[1].matches("\\d+")) {
          found.put(f[2], new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1])});
        }
      }
    } catch (IOException e) {
      log.warn("host metrics: inode counts: cannot run df: {}", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Fs fs : filesystems.values()) {
      double[] v = found.get(fs.mountpoint);
      if (v != null) {
        fs.files = v[0];
        fs.filesFree = v[1];
      }
    }
  }

  /** /proc/self/mounts escapes space, tab, newline and backslash as octal. */
  static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 4 <= s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** The mount points being reported, in mount order (for tests and docs). */
  synchronized List<String> mountpoints() {
    return List.copyOf(filesystems.keySet());
  }

  synchronized List<String> interfaceNames() {
    return List.copyOf(interfaces.keySet());
  }

  private static final class Fs {
    final String mountpoint;
    final String device;
    final String fstype;
    final File file;
    final List<Meter> meters = new ArrayList<>(5);
    volatile double size;
    volatile double free;
    volatile double avail;
    volatile double files;
    volatile double filesFree;

    Fs(String mountpoint, String device, String fstype) {
      this.mountpoint = mountpoint;
      this.device = device;
      this.fstype = fstype;
      this.file = new File(mountpoint);
    }
  }

  private static final class Nic {
    final double[] values = new double[8];
    final List<Meter> meters = new ArrayList<>(8);
    boolean seen;
  }
}
