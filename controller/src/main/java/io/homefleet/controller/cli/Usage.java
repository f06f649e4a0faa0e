package io.homefleet.controller.cli;

import io.homefleet.proto.v1.HostSummary;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * CPU, memory and disk use of a host as the tables show them ({@code homefleet hosts}, {@code
 * homefleet top}), from the usage fields of its {@link HostSummary}; "-" where the host sent no
 * telemetry or the figure is unknown.
 */
final class Usage {
  private Usage() {}

  static String cpu(HostSummary h) {
    return h.getHasUsage() && h.getCpuUsage() >= 0 ? percent(h.getCpuUsage()) : "-";
  }

  static String memory(HostSummary h) {
    return h.getHasUsage() && h.getMemoryTotalBytes() > 0
        ? percent((double) h.getMemoryUsedBytes() / h.getMemoryTotalBytes()) : "-";
  }

  static String disk(HostSummary h) {
    return h.getHasUsage() && h.getDiskTotalBytes() > 0
        ? percent((double) h.getDiskUsedBytes() / h.getDiskTotalBytes()) : "-";
  }

  /** "1.2G/3.8G". */
  static String memoryBytes(HostSummary h) {
    return h.getHasUsage() && h.getMemoryTotalBytes() > 0
        ? bytes(h.getMemoryUsedBytes()) + "/" + bytes(h.getMemoryTotalBytes()) : "-";
  }

  /** "12G/30G /". */
  static String diskBytes(HostSummary h) {
    return h.getHasUsage() && h.getDiskTotalBytes() > 0
        ? bytes(h.getDiskUsedBytes()) + "/" + bytes(h.getDiskTotalBytes()) + " " + h.getDiskMount() : "-";
  }

  static String load(HostSummary h) {
    return h.getHasUsage() && h.getLoad1() >= 0 ? String.format(Locale.ROOT, "%.2f", h.getLoad1()) : "-";
  }

  static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.0f%%", Math.max(0, fraction) * 100);
  }

  /** Binary units, one decimal under 10: 512M, 1.5G, 30G. */
  static String bytes(long n) {
    String[] units = {"B", "K", "M", "G", "T", "P"};
    double v = n;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return (v < 10 && u > 0 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.0f", v)) + units[u];
  }

  /** The usage of {@code h} for --json; absent without telemetry. */
  static Map<String, Object> json(HostSummary h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("taken", Times.iso(h.getUsageUnixMillis()));
    m.put("cpu", h.getCpuUsage() >= 0 ? h.getCpuUsage() : null);
    m.put("memory_total_bytes", h.getMemoryTotalBytes());
    m.put("memory_used_bytes", h.getMemoryUsedBytes());
    m.put("disk_mount", h.getDiskMount());
    m.put("disk_total_bytes", h.getDiskTotalBytes());
    m.put("disk_used_bytes", h.getDiskUsedBytes());
    m.put("load1", h.getLoad1() >= 0 ? h.getLoad1() : null);
    return m;
  }
}
