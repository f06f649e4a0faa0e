package io.homefleet.controller.telemetry;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A host's CPU, memory, disk and load as {@code homefleet hosts} and {@code homefleet top} show
 * them, read from its latest telemetry. Each figure is looked up under the names the common
 * exporters use, first match wins (docs/telemetry.md, "homefleet top"):
 *
 * <ul>
 *   <li>CPU busy 0..1: {@code system_cpu_usage} (Micrometer); else the change of {@code
 *       node_cpu_seconds_total} by mode since the previous snapshot (node_exporter); else 1 -
 *       {@code cpu_usage_idle{cpu="cpu-total"}}/100 (Telegraf).
 *   <li>Memory: {@code system_memory_limit_bytes} and {@code system_linux_memory_available_bytes}
 *       (OpenTelemetry's names); else {@code node_memory_MemTotal_bytes} and {@code
 *       node_memory_MemAvailable_bytes} (node_exporter).
 *   <li>Disk, the root file system ({@code /}) or else the fullest one: {@code
 *       node_filesystem_size_bytes} / {@code node_filesystem_avail_bytes} by {@code mountpoint};
 *       else {@code disk_total_bytes} / {@code disk_free_bytes} (Micrometer) by {@code path}.
 *   <li>Load: {@code node_load1}, {@code system_load1} or {@code system_load_average_1m}.
 * </ul>
 *
 * A figure with no source is negative (-1), and {@code diskMount} is then empty.
 */
public record HostUsage(long takenMillis, double cpu, long memoryTotal, long memoryUsed, String diskMount,
    long diskTotal, long diskUsed, double load1) {

  /** Accumulated CPU seconds: busy and in all, for a rate between two snapshots. */
  public record CpuTimes(double busy, double total) {}

  private static final Set<String> IDLE_MODES = Set.of("idle", "iowait");

  public static HostUsage of(HostSnapshot s, Optional<CpuTimes> previous) {
    Disk disk = disk(s);
    return new HostUsage(s.takenMillis(), cpu(s, previous), memTotal(s), memUsed(s), disk.mount, disk.total,
        disk.used, first(s, "node_load1", "system_load1", "system_load_average_1m"));
  }

  /** node_exporter's CPU seconds summed over CPUs, when the snapshot has them. */
  public static Optional<CpuTimes> cpuTimes(HostSnapshot s) {
    List<Sample> all = s.all("node_cpu_seconds_total");
    if (all.isEmpty()) {
      return Optional.empty();
    }
    double busy = 0;
    double total = 0;
    for (Sample x : all) {
      total += x.value();
      if (!IDLE_MODES.contains(x.labels().getOrDefault("mode", ""))) {
        busy += x.value();
      }
    }
    return Optional.of(new CpuTimes(busy, total));
  }

  private static double cpu(HostSnapshot s, Optional<CpuTimes> previous) {
    Optional<Sample> usage = s.find("system_cpu_usage", Map.of());
    if (usage.isPresent() && usage.get().value() >= 0) {
      return Math.min(1, usage.get().value());
    }
    Optional<CpuTimes> now = cpuTimes(s);
    if (now.isPresent() && previous.isPresent()) {
      double dt = now.get().total() - previous.get().total();
      double db = now.get().busy() - previous.get().busy();
      if (dt > 0 && db >= 0) {
        return Math.min(1, db / dt);
      }
    }
    return s.find("cpu_usage_idle", Map.of("cpu", "cpu-total")).map(x -> Math.max(0, 1 - x.value() / 100)).orElse(-1.0);
  }

  private static long memTotal(HostSnapshot s) {
    return (long) first(s, "system_memory_limit_bytes", "node_memory_MemTotal_bytes");
  }

  private static long memUsed(HostSnapshot s) {
    double total = first(s, "system_memory_limit_bytes");
    double avail = first(s, "system_linux_memory_available_bytes");
    if (total < 0 || avail < 0) {
      total = first(s, "node_memory_MemTotal_bytes");
      avail = first(s, "node_memory_MemAvailable_bytes");
    }
    return total < 0 || avail < 0 ? -1 : (long) Math.max(0, total - avail);
  }

  private record Disk(String mount, long total, long used) {}

  private static Disk disk(HostSnapshot s) {
    for (String[] names : new String[][] {{"node_filesystem_size_bytes", "node_filesystem_avail_bytes", "mountpoint"},
        {"disk_total_bytes", "disk_free_bytes", "path"}}) {
      Disk best = null;
      for (Sample size : s.all(names[0])) {
        String mount = size.labels().getOrDefault(names[2], "");
        Optional<Sample> free = s.find(names[1], Map.of(names[2], mount));
        if (free.isEmpty() || size.value() <= 0) {
          continue;
        }
        Disk d = new Disk(mount, (long) size.value(), (long) Math.max(0, size.value() - free.get().value()));
        if (mount.equals("/")) {
          return d;
        }
        if (best == null || (double) d.used / d.total > (double) best.used / best.total) {
          best = d;
        }
      }
      if (best != null) {
        return best;
      }
    }
    return new Disk("", -1, -1);
  }

  private static double first(HostSnapshot s, String... families) {
    for (String f : families) {
      Optional<Sample> x = s.find(f, Map.of());
      if (x.isPresent()) {
        return x.get().value();
      }
    }
    return -1;
  }
}
