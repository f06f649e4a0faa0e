package io.homefleet.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing against /proc files written here, with the kernel's exact layout; statvfs and df are real. */
class HostMetricsTest {
  static final String STAT = """
      cpu  10000 200 3000 400000 500 60 70 80 0 0
      cpu0 5000 100 1500 200000 250 30 35 40 0 0
      cpu1 5000 100 1500 200000 250 30 35 40 0 0
      intr 123 0 0
      ctxt 456
      btime 1764000000
      processes 789
      """;
  static final String MEMINFO = """
      MemTotal:        2000000 kB
      MemFree:          500000 kB
      MemAvailable:    1500000 kB
      Buffers:           10000 kB
      Cached:           700000 kB
      SwapCached:            0 kB
      SwapTotal:       1000000 kB
      SwapFree:         900000 kB
      """;
  static final String NET_DEV = """
      Inter-|   Receive                                                |  Transmit
       face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
          lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0
        eth0: 5000000    4000    1    2    0     0          0         0  3000000    2000    3    4    0     0       0          0
      """;

  private static Path proc(Path dir, String mounts) throws Exception {
    Files.createDirectories(dir.resolve("net"));
    Files.createDirectories(dir.resolve("self"));
    Files.writeString(dir.resolve("stat"), STAT);
    Files.writeString(dir.resolve("meminfo"), MEMINFO);
    Files.writeString(dir.resolve("loadavg"), "0.52 1.25 2.00 3/456 7890\n");
    Files.writeString(dir.resolve("uptime"), "12345.67 23456.78\n");
    Files.writeString(dir.resolve("net/dev"), NET_DEV);
    Files.writeString(dir.resolve("self/mounts"), mounts);
    return dir;
  }

  @Test
  void refresh_readsEveryFileIntoItsMeters(@TempDir Path dir) throws Exception {
    Path spaced = Files.createDirectories(dir.resolve("data dir"));
    String mounts = "/dev/vda1 / ext4 rw,relatime 0 0\n"
        + "proc /proc proc rw 0 0\n"
        + "tmpfs /dev/shm tmpfs rw 0 0\n"
        + "/dev/vdb1 " + spaced.toString().replace(" ", "\\040") + " xfs rw 0 0\n";
    MeterRegistry reg = new SimpleMeterRegistry();
    HostMetrics h = new HostMetrics(proc(dir.resolve("proc"), mounts), reg, System::nanoTime);
    h.refresh();

    assertThat(reg.get(MetricNames.HOST_CPU_SECONDS).tags("mode", "user").functionCounter().count()).isEqualTo(100.0);
    assertThat(reg.get(MetricNames.HOST_CPU_SECONDS).tags("mode", "steal").functionCounter().count()).isEqualTo(0.8);
    assertThat(reg.get(MetricNames.HOST_CPU_SECONDS).tags("mode", "idle").functionCounter().count()).isEqualTo(4000.0);
    assertThat(reg.get(MetricNames.HOST_CPUS).gauge().value()).isEqualTo(2);
    assertThat(reg.get(MetricNames.HOST_BOOT_TIME).gauge().value()).isEqualTo(1764000000.0);
    assertThat(reg.get(MetricNames.HOST_UPTIME).gauge().value()).isEqualTo(12345.67, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(reg.get(MetricNames.HOST_LOAD1).gauge().value()).isEqualTo(0.52, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(reg.get(MetricNames.HOST_LOAD15).gauge().value()).isEqualTo(2.0);
    assertThat(reg.get(MetricNames.HOST_MEMORY_TOTAL).gauge().value()).isEqualTo(2000000 * 1024.0);
    assertThat(reg.get(MetricNames.HOST_MEMORY_USED).gauge().value()).isEqualTo(500000 * 1024.0);
    assertThat(reg.get(MetricNames.HOST_MEMORY_CACHED).gauge().value()).isEqualTo(700000 * 1024.0);
    assertThat(reg.get(MetricNames.HOST_MEMORY_BUFFERS).gauge().value()).isEqualTo(10000 * 1024.0);
    assertThat(reg.get(MetricNames.HOST_SWAP_USED).gauge().value()).isEqualTo(100000 * 1024.0);
    assertThat(reg.get(MetricNames.HOST_NET_RX_BYTES).tags("device", "eth0").functionCounter().count()).isEqualTo(5e6);
    assertThat(reg.get(MetricNames.HOST_NET_TX_BYTES).tags("device", "eth0").functionCounter().count()).isEqualTo(3e6);
    assertThat(reg.get(MetricNames.HOST_NET_RX_PACKETS).tags("device", "eth0").functionCounter().count()).isEqualTo(4000);
    assertThat(reg.get(MetricNames.HOST_NET_TX_PACKETS).tags("device", "eth0").functionCounter().count()).isEqualTo(2000);
    assertThat(reg.get(MetricNames.HOST_NET_RX_ERRS).tags("device", "eth0").functionCounter().count()).isEqualTo(1);
    assertThat(reg.get(MetricNames.HOST_NET_RX_DROP).tags("device", "eth0").functionCounter().count()).isEqualTo(2);
    assertThat(reg.get(MetricNames.HOST_NET_TX_ERRS).tags("device", "eth0").functionCounter().count()).isEqualTo(3);
    assertThat(reg.get(MetricNames.HOST_NET_TX_DROP).tags("device", "eth0").functionCounter().count()).isEqualTo(4);

    // Pseudo and in-memory file systems are skipped; an escaped mount point is unescaped.
    assertThat(h.mountpoints()).containsExactly("/", spaced.toString());
    assertThat(reg.get(MetricNames.HOST_FS_SIZE).tags("mountpoint", "/", "fstype", "ext4", "device", "/dev/vda1")
        .gauge().value()).isEqualTo((double) new java.io.File("/").getTotalSpace());
    assertThat(reg.get(MetricNames.HOST_FS_AVAIL).tags("mountpoint", spaced.toString()).gauge().value()).isPositive();
    assertThat(reg.get(MetricNames.HOST_FS_FILES).tags("mountpoint", "/").gauge().value()).isPositive();
    assertThat(reg.get(MetricNames.HOST_FS_FILES_FREE).tags("mountpoint", "/").gauge().value()).isPositive()
        .isLessThan(reg.get(MetricNames.HOST_FS_FILES).tags("mountpoint", "/").gauge().value());
  }

  @Test
  void refresh_whenInterfacesAndMountsGo_removesTheirMeters_andValuesMove(@TempDir Path dir) throws Exception {
    MeterRegistry reg = new SimpleMeterRegistry();
    Path proc = proc(dir.resolve("proc"), "/dev/vda1 / ext4 rw 0 0\n/dev/vdb1 " + dir + " ext4 rw 0 0\n");
    HostMetrics h = new HostMetrics(proc, reg, System::nanoTime);
    h.refresh();
    assertThat(h.interfaceNames()).containsExactly("lo", "eth0");

    Files.writeString(proc.resolve("net/dev"), NET_DEV.replaceAll("(?m)^ *eth0:.*\n", "")
        .replace("    1000      10", "    2500      25"));
    Files.writeString(proc.resolve("self/mounts"), "/dev/vda1 / ext4 rw 0 0\n");
    Files.writeString(proc.resolve("stat"), STAT.replace("cpu  10000", "cpu  10500"));
    h.refresh();

    assertThat(h.interfaceNames()).containsExactly("lo");
    assertThat(reg.find(MetricNames.HOST_NET_RX_BYTES).tags("device", "eth0").meters()).isEmpty();
    assertThat(reg.get(MetricNames.HOST_NET_RX_BYTES).tags("device", "lo").functionCounter().count()).isEqualTo(2500);
    assertThat(h.mountpoints()).containsExactly("/");
    assertThat(reg.find(MetricNames.HOST_FS_SIZE).tags("mountpoint", dir.toString()).meters()).isEmpty();
    assertThat(reg.get(MetricNames.HOST_CPU_SECONDS).tags("mode", "user").functionCounter().count()).isEqualTo(105.0);
  }

  @Test
  void inodes_areReadAgainOnlyAfterFiveMinutes(@TempDir Path dir) throws Exception {
    MeterRegistry reg = new SimpleMeterRegistry();
    AtomicLong now = new AtomicLong(0);
    Path proc = proc(dir.resolve("proc"), "/dev/vda1 / ext4 rw 0 0\n");
    HostMetrics h = new HostMetrics(proc, reg, now::get);
    h.refresh();
    double files = reg.get(MetricNames.HOST_FS_FILES).tags("mountpoint", "/").gauge().value();
    assertThat(files).isPositive();

    // A new mount is read at once; the known ones wait for the interval.
    Path other = Files.createDirectories(dir.resolve("m"));
    Files.writeString(proc.resolve("self/mounts"), "/dev/vda1 / ext4 rw 0 0\n/dev/vdb1 " + other + " ext4 rw 0 0\n");
    java.util.List<String> before = java.util.List.copyOf(h.mountpoints());
    h.refresh();
    assertThat(h.mountpoints()).hasSize(before.size() + 1);
    now.addAndGet(TimeUnit.MINUTES.toNanos(4));
    h.refresh();
    now.addAndGet(TimeUnit.MINUTES.toNanos(2));
    h.refresh();
    assertThat(reg.get(MetricNames.HOST_FS_FILES).tags("mountpoint", "/").gauge().value()).isEqualTo(files);
  }

  @Test
  void unescape_decodesOctalEscapesOfMountPoints() {
    assertThat(HostMetrics.unescape("/mnt/a\\040b\\011c\\134d")).isEqualTo("/mnt/a b\tc\\d");
    assertThat(HostMetrics.unescape("/plain")).isEqualTo("/plain");
    assertThat(HostMetrics.unescape("/end\\04")).isEqualTo("/end\\04");
  }
}
