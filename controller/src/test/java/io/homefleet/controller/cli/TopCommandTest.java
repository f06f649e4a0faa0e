package io.homefleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.proto.v1.HostSummary;
import io.homefleet.proto.v1.Presence;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopCommandTest {
  private static final long NOW = 1_800_000_000_000L;
  private static final long GIB = 1L << 30;

  private static HostSummary busy(String name, double cpu, long memUsed, long diskUsed) {
    return HostSummary.newBuilder().setName(name).setPresence(Presence.ONLINE).setHasUsage(true)
        .setUsageUnixMillis(NOW - 12_000).setCpuUsage(cpu).setMemoryTotalBytes(4 * GIB).setMemoryUsedBytes(memUsed)
        .setDiskTotalBytes(30 * GIB).setDiskUsedBytes(diskUsed).setDiskMount("/").setLoad1(0.31).build();
  }

  private final HostSummary quiet = busy("quiet-1", 0.02, 3 * GIB, 3 * GIB);
  private final HostSummary loud = busy("loud-1", 0.9, GIB, 27 * GIB);
  private final HostSummary silent = HostSummary.newBuilder().setName("silent-1").setPresence(Presence.OFFLINE).build();

  private List<HostSummary> sorted(String by) {
    List<HostSummary> l = new ArrayList<>(List.of(quiet, silent, loud));
    l.sort(TopCommand.order(by));
    return l;
  }

  @Test
  void table_showsUsagePerHostAndDashesWithoutTelemetry() {
    String t = TopCommand.table(sorted("cpu"), NOW);
    assertThat(t).startsWith("homefleet top - 3 host(s), 2 online, 2 reporting telemetry");
    assertThat(t).containsPattern("(?m)^loud-1 +online +90% +0\\.31 +25% +1\\.0G/4\\.0G +90% +27G/30G / +12s ago$");
    assertThat(t).containsPattern("(?m)^silent-1 +offline +- +- +- +- +- +- +-$");
  }

  @Test
  void order_byEachColumn_hostsWithoutTelemetryLast() {
    assertThat(sorted("cpu")).extracting(HostSummary::getName).containsExactly("loud-1", "quiet-1", "silent-1");
    assertThat(sorted("mem")).extracting(HostSummary::getName).containsExactly("quiet-1", "loud-1", "silent-1");
    assertThat(sorted("disk")).extracting(HostSummary::getName).containsExactly("loud-1", "quiet-1", "silent-1");
    assertThat(sorted("name")).extracting(HostSummary::getName).containsExactly("loud-1", "quiet-1", "silent-1");
  }

  @Test
  void order_unknownColumn_isAUsageError() {
    assertThatThrownBy(() -> TopCommand.order("ram")).isInstanceOf(CliException.class)
        .hasMessageContaining("--sort: unknown column 'ram' (cpu, mem, disk or name)");
  }

  @Test
  void bytes_binaryUnits() {
    assertThat(Usage.bytes(512)).isEqualTo("512B");
    assertThat(Usage.bytes(1536L << 20)).isEqualTo("1.5G");
    assertThat(Usage.bytes(30 * GIB)).isEqualTo("30G");
  }
}
