package io.homefleet.controller.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HostUsageTest {
  private static HostSnapshot snap(Sample... s) {
    return new HostSnapshot("vm", 7, 8, List.of(s));
  }

  @Test
  void of_micrometerAndOpenTelemetryNames() {
    HostUsage u = HostUsage.of(snap(
        Sample.gauge("system_cpu_usage", Map.of(), "", 0.25),
        Sample.gauge("system_memory_limit_bytes", Map.of(), "", 1000),
        Sample.gauge("system_linux_memory_available_bytes", Map.of(), "", 400),
        Sample.gauge("disk_total_bytes", Map.of("path", "/srv"), "", 100),
        Sample.gauge("disk_free_bytes", Map.of("path", "/srv"), "", 10),
        Sample.gauge("disk_total_bytes", Map.of("path", "/"), "", 200),
        Sample.gauge("disk_free_bytes", Map.of("path", "/"), "", 150),
        Sample.gauge("system_load_average_1m", Map.of(), "", 0.5)), Optional.empty());

    assertThat(u).isEqualTo(new HostUsage(7, 0.25, 1000, 600, "/", 200, 50, 0.5));
  }

  @Test
  void of_nodeExporterNames_cpuFromTheChangeSinceThePreviousSnapshot() {
    HostSnapshot before = snap(
        Sample.counter("node_cpu_seconds_total", Map.of("cpu", "0", "mode", "idle"), "", 100),
        Sample.counter("node_cpu_seconds_total", Map.of("cpu", "0", "mode", "user"), "", 50));
    HostSnapshot after = snap(
        Sample.counter("node_cpu_seconds_total", Map.of("cpu", "0", "mode", "idle"), "", 130),
        Sample.counter("node_cpu_seconds_total", Map.of("cpu", "0", "mode", "user"), "", 60),
        Sample.gauge("node_memory_MemTotal_bytes", Map.of(), "", 800),
        Sample.gauge("node_memory_MemAvailable_bytes", Map.of(), "", 200),
        Sample.gauge("node_filesystem_size_bytes", Map.of("mountpoint", "/boot"), "", 100),
        Sample.gauge("node_filesystem_avail_bytes", Map.of("mountpoint", "/boot"), "", 90),
        Sample.gauge("node_filesystem_size_bytes", Map.of("mountpoint", "/data"), "", 100),
        Sample.gauge("node_filesystem_avail_bytes", Map.of("mountpoint", "/data"), "", 20),
        Sample.gauge("node_load1", Map.of(), "", 1.5));

    HostUsage u = HostUsage.of(after, HostUsage.cpuTimes(before));

    assertThat(u.cpu()).isCloseTo(0.25, within(1e-9));
    assertThat(u.memoryUsed()).isEqualTo(600);
    // No root file system: the fullest one.
    assertThat(u.diskMount()).isEqualTo("/data");
    assertThat(u.diskUsed()).isEqualTo(80);
    assertThat(u.load1()).isEqualTo(1.5);
    // Without a previous snapshot there is no rate yet.
    assertThat(HostUsage.of(after, Optional.empty()).cpu()).isEqualTo(-1);
  }

  @Test
  void of_nothingKnown_isAllUnknown() {
    assertThat(HostUsage.of(snap(Sample.gauge("other", Map.of(), "", 1)), Optional.empty()))
        .isEqualTo(new HostUsage(7, -1, -1, -1, "", -1, -1, -1));
  }
}
