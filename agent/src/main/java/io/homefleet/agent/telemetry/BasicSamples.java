package io.homefleet.agent.telemetry;

import io.homefleet.proto.v1.MetricSample;
import java.io.File;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fixed set every agent sends the controller over its session (docs/telemetry.md, "The fleet
 * endpoint"), read straight from the JVM's management beans, the file system and {@code
 * /proc/meminfo}: CPU, load, uptime, JVM memory, buffers and threads, the root file system's space
 * and host memory.
 *
 * <p>Names, tags, types, units and descriptions are exactly those Micrometer's {@code
 * ProcessorMetrics}, {@code UptimeMetrics}, {@code JvmMemoryMetrics}, {@code JvmThreadMetrics} and
 * {@code DiskSpaceMetrics} give the same values (minus {@code process.cpu.time} and {@code
 * system.cpu.count}, which {@code promtool check metrics} refuses), so the fleet endpoint's families
 * are unchanged. It does not use Micrometer: an idle agent without a {@code telemetry:} section
 * then loads none of Micrometer's ~90 classes (bench/HISTORY.md, "Fifth session: agent idle memory").
 */
public final class BasicSamples implements SessionTelemetry.Source {
  private static final String USED = "The amount of used memory";
  private static final String COMMITTED = "The amount of memory in bytes that is committed for the Java virtual machine to use";
  private static final String MAX = "The maximum amount of memory in bytes that can be used for memory management";

  private final Path procMeminfo;
  private final File root;
  private final String rootPath;
  private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
  private final RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

  public BasicSamples(Path procMeminfo, File root) {
    this.procMeminfo = procMeminfo;
    this.root = root;
    this.rootPath = root.getAbsolutePath();
  }

  @Override
  public List<MetricSample> samples() {
    List<MetricSample> out = new ArrayList<>(64);
    processor(out);
    uptime(out);
    memory(out);
    threads(out);
    gauge(out, "disk.free", "bytes", "Usable space for path", root.getUsableSpace(), "path", rootPath);
    gauge(out, "disk.total", "bytes", "Total space for path", root.getTotalSpace(), "path", rootPath);
    gauge(out, "system.memory.limit", "bytes", "Total usable memory of the host (MemTotal of /proc/meminfo).",
        meminfo(procMeminfo, "MemTotal"));
    gauge(out, "system.linux.memory.available", "bytes",
        "Memory available for starting new work without swapping (MemAvailable).",
        meminfo(procMeminfo, "MemAvailable"));
    return out;
  }

  private void processor(List<MetricSample> out) {
    // As ProcessorMetrics: the load average only where the platform has one.
    double load = os.getSystemLoadAverage();
    if (load >= 0) {
      gauge(out, "system.load.average.1m", "", "The sum of the number of runnable entities queued to available processors"
          + " and the number of runnable entities running on the available processors averaged over a period of time", load);
    }
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      gauge(out, "system.cpu.usage", "", "The \"recent cpu usage\" of the system the application is running in",
          sun.getCpuLoad());
      gauge(out, "process.cpu.usage", "", "The \"recent cpu usage\" for the Java Virtual Machine process",
          sun.getProcessCpuLoad());
    }
  }

  private void uptime(List<MetricSample> out) {
    gauge(out, "process.uptime", "seconds", "The uptime of the Java virtual machine", runtime.getUptime() / 1000.0);
    gauge(out, "process.start.time", "seconds", "Start time of the process since unix epoch.",
        runtime.getStartTime() / 1000.0);
  }

  private static void memory(List<MetricSample> out) {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      String area = pool.getType() == MemoryType.HEAP ? "heap" : "nonheap";
      MemoryUsage u = pool.getUsage();
      gauge(out, "jvm.memory.used", "bytes", USED, u == null ? Double.NaN : u.getUsed(), "area", area, "id", pool.getName());
      gauge(out, "jvm.memory.committed", "bytes", COMMITTED, u == null ? Double.NaN : u.getCommitted(), "area", area,
          "id", pool.getName());
      gauge(out, "jvm.memory.max", "bytes", MAX, u == null ? Double.NaN : u.getMax(), "area", area, "id", pool.getName());
    }
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      gauge(out, "jvm.buffer.count", "buffers", "An estimate of the number of buffers in the pool", pool.getCount(),
          "id", pool.getName());
      gauge(out, "jvm.buffer.memory.used", "bytes",
          "An estimate of the memory that the Java virtual machine is using for this buffer pool", pool.getMemoryUsed(),
          "id", pool.getName());
      gauge(out, "jvm.buffer.total.capacity", "bytes", "An estimate of the total capacity of the buffers in this pool",
          pool.getTotalCapacity(), "id", pool.getName());
    }
  }

  private void threads(List<MetricSample> out) {
    gauge(out, "jvm.threads.peak", "threads",
        "The peak live thread count since the Java virtual machine started or peak was reset", threads.getPeakThreadCount());
    gauge(out, "jvm.threads.daemon", "threads", "The current number of live daemon threads", threads.getDaemonThreadCount());
    gauge(out, "jvm.threads.live", "threads", "The current number of live threads including both daemon and non-daemon threads",
        threads.getThreadCount());
    double started = threads.getTotalStartedThreadCount();
    out.add(MetricSample.newBuilder().setName("jvm.threads.started").setType(MetricSample.Type.COUNTER)
        .setBaseUnit("threads").setDescription("The total number of application threads started in the JVM")
        .setValue(started).build());
    Map<Thread.State, Integer> states = new EnumMap<>(Thread.State.class);
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null) {
        states.merge(info.getThreadState(), 1, Integer::sum);
      }
    }
    for (Thread.State s : Thread.State.values()) {
      gauge(out, "jvm.threads.states", "threads", "The current number of threads", states.getOrDefault(s, 0),
          "state", s.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
  }

  /** A gauge; left out when its value is not a finite number, as the registry path does. */
  private static void gauge(List<MetricSample> out, String name, String unit, String description, double value,
      String... tags) {
    if (!Double.isFinite(value)) {
      return;
    }
    MetricSample.Builder b = MetricSample.newBuilder().setName(name).setType(MetricSample.Type.GAUGE).setBaseUnit(unit)
        .setDescription(description).setValue(value);
    for (int i = 0; i < tags.length; i += 2) {
      b.putTags(tags[i], tags[i + 1]);
    }
    out.add(b.build());
  }

  /** A field of /proc/meminfo in bytes; NaN when it cannot be read. */
  static double meminfo(Path file, String field) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(field + ":")) {
          String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
          double v = Double.parseDouble(parts[0]);
          return parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? v * 1024 : v;
        }
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }
}
