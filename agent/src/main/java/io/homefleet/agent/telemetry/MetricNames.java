package io.homefleet.agent.telemetry;

/**
 * Every metric the agent exports, in one place, as Micrometer names (dotted). Exported names:
 * Prometheus turns the dots into underscores, adds the base unit when the name does not end
 * with it, and {@code _total} to counters ({@code homefleet.host.cpu.seconds} becomes
 * {@code homefleet_host_cpu_seconds_total}); InfluxDB gets the dotted name in snake case as the
 * measurement ({@code homefleet_host_cpu_seconds}) with the tags below and a {@code value} field
 * (timers: {@code count}, {@code sum}, {@code mean}, {@code upper}). docs/telemetry.md lists
 * them with their Telegraf and node_exporter counterparts; keep both in step.
 *
 * <p>Every meter carries the tag {@link #TAG_HOST} (the agent's host name).
 */
public final class MetricNames {
  private MetricNames() {}

  // ------------------------------------------------------------------ tags
  public static final String TAG_HOST = "host";
  /** cpu: always {@code cpu-total} (the sum of all CPUs, as Telegraf's cpu input names it). */
  public static final String TAG_CPU = "cpu";
  /** cpu: user, nice, system, idle, iowait, irq, softirq, steal. */
  public static final String TAG_MODE = "mode";
  /** filesystem: where it is mounted, its type and its device (node_exporter's label names). */
  public static final String TAG_MOUNTPOINT = "mountpoint";
  public static final String TAG_FSTYPE = "fstype";
  public static final String TAG_DEVICE = "device";
  /** tasks: the module's short name ({@code command}, {@code copy}). */
  public static final String TAG_MODULE = "module";
  /** tasks: ok, changed, failed, skipped, timed_out, cancelled. */
  public static final String TAG_RESULT = "result";
  public static final String TAG_VERSION = "version";
  /** backups: the restic repository (a path or URL, without credentials). */
  public static final String TAG_REPOSITORY = "repository";

  // ------------------------------------------------------------------ host: /proc/stat
  /** Counter, seconds: CPU time by {@link #TAG_MODE}, all CPUs together. */
  public static final String HOST_CPU_SECONDS = "homefleet.host.cpu.seconds";
  /** Gauge: CPUs (the cpuN lines of /proc/stat). Not {@code .count}: promtool reserves that suffix for histograms. */
  public static final String HOST_CPUS = "homefleet.host.cpus";
  /** Gauge, seconds since the epoch: when the host booted. */
  public static final String HOST_BOOT_TIME = "homefleet.host.boot.time.seconds";
  /** Gauge, seconds: since boot (/proc/uptime). */
  public static final String HOST_UPTIME = "homefleet.host.uptime.seconds";
  /** Gauges: run-queue load averages (/proc/loadavg). */
  public static final String HOST_LOAD1 = "homefleet.host.load1";
  public static final String HOST_LOAD5 = "homefleet.host.load5";
  public static final String HOST_LOAD15 = "homefleet.host.load15";

  // ------------------------------------------------------------------ host: /proc/meminfo (bytes)
  public static final String HOST_MEMORY_TOTAL = "homefleet.host.memory.total.bytes";
  public static final String HOST_MEMORY_AVAILABLE = "homefleet.host.memory.available.bytes";
  /** total - available (what {@code free} calls used since procps 3.3.10). */
  public static final String HOST_MEMORY_USED = "homefleet.host.memory.used.bytes";
  public static final String HOST_MEMORY_FREE = "homefleet.host.memory.free.bytes";
  public static final String HOST_MEMORY_CACHED = "homefleet.host.memory.cached.bytes";
  public static final String HOST_MEMORY_BUFFERS = "homefleet.host.memory.buffers.bytes";
  public static final String HOST_SWAP_TOTAL = "homefleet.host.swap.total.bytes";
  public static final String HOST_SWAP_FREE = "homefleet.host.swap.free.bytes";
  public static final String HOST_SWAP_USED = "homefleet.host.swap.used.bytes";

  // ------------------------------------------------------------------ host: file systems (statvfs)
  public static final String HOST_FS_SIZE = "homefleet.host.filesystem.size.bytes";
  public static final String HOST_FS_FREE = "homefleet.host.filesystem.free.bytes";
  /** Free for unprivileged users (without the root reserve). */
  public static final String HOST_FS_AVAIL = "homefleet.host.filesystem.avail.bytes";
  /** Inodes, total and free ({@code df -i}, refreshed at most every five minutes). */
  public static final String HOST_FS_FILES = "homefleet.host.filesystem.files";
  public static final String HOST_FS_FILES_FREE = "homefleet.host.filesystem.files.free";

  // ------------------------------------------------------------------ host: /proc/net/dev (counters)
  public static final String HOST_NET_RX_BYTES = "homefleet.host.network.receive.bytes";
  public static final String HOST_NET_TX_BYTES = "homefleet.host.network.transmit.bytes";
  public static final String HOST_NET_RX_PACKETS = "homefleet.host.network.receive.packets";
  public static final String HOST_NET_TX_PACKETS = "homefleet.host.network.transmit.packets";
  public static final String HOST_NET_RX_ERRS = "homefleet.host.network.receive.errs";
  public static final String HOST_NET_TX_ERRS = "homefleet.host.network.transmit.errs";
  public static final String HOST_NET_RX_DROP = "homefleet.host.network.receive.drop";
  public static final String HOST_NET_TX_DROP = "homefleet.host.network.transmit.drop";

  // ------------------------------------------------------------------ agent
  /** Gauge, always 1, tagged with the agent's {@link #TAG_VERSION}. */
  public static final String AGENT_INFO = "homefleet.agent.info";
  /** Counter: finished tasks (ad-hoc and play tasks) by {@link #TAG_MODULE} and {@link #TAG_RESULT}. */
  public static final String AGENT_TASKS = "homefleet.agent.tasks";
  /** Timer (histogram): how long a module ran, by {@link #TAG_MODULE}. */
  public static final String AGENT_TASK_DURATION = "homefleet.agent.task.duration";
  /** Counters: sessions that reached the controller's Welcome, and sessions that ended after it. */
  public static final String AGENT_SESSIONS_OPENED = "homefleet.agent.sessions.opened";
  public static final String AGENT_SESSIONS_CLOSED = "homefleet.agent.sessions.closed";
  /** Counter: connection attempts after the first (after a session ended or an attempt failed). */
  public static final String AGENT_RECONNECTS = "homefleet.agent.reconnects";
  /** Gauge: 1 while the session is up, else 0. */
  public static final String AGENT_CONNECTED = "homefleet.agent.session.connected";
  /** Gauge, seconds: until the agent's certificate expires (negative once expired). */
  public static final String AGENT_CERT_EXPIRY = "homefleet.agent.certificate.expiry.seconds";
  /** Counter: telemetry collections (one per scrape or push). */
  public static final String AGENT_TELEMETRY_COLLECTIONS = "homefleet.agent.telemetry.collections";
  /** Counter, seconds: CPU time the agent spent collecting and formatting telemetry. */
  public static final String AGENT_TELEMETRY_CPU = "homefleet.agent.telemetry.cpu.seconds";
  /** Gauge, bytes: the agent process's resident set (VmRSS in /proc/self/status). */
  public static final String AGENT_RESIDENT = "homefleet.agent.process.resident.bytes";

  // ------------------------------------------------------------------ backups (BackupHistory, by TAG_REPOSITORY)
  /** Gauge, seconds since the epoch: when the last backup ended. */
  public static final String BACKUP_LAST_TIME = "homefleet.backup.last.time.seconds";
  /** Gauge: 1 when the last backup succeeded, else 0. */
  public static final String BACKUP_LAST_SUCCESS = "homefleet.backup.last.success";
  /** Gauge, bytes: what the last successful backup added to the repository. */
  public static final String BACKUP_LAST_ADDED = "homefleet.backup.last.added.bytes";
  /** Gauge, seconds: the age of the newest good snapshot (the one to alert on). */
  public static final String BACKUP_SNAPSHOT_AGE = "homefleet.backup.snapshot.age.seconds";
  /** Gauge, seconds: the backup's {@code max_age}, past which the newest snapshot is stale. */
  public static final String BACKUP_MAX_AGE = "homefleet.backup.max.age.seconds";
  /** Gauge: 1 when the last canary restore matched, else 0. */
  public static final String BACKUP_CANARY_SUCCESS = "homefleet.backup.canary.success";
  /** Gauge, seconds: since the last canary restore. */
  public static final String BACKUP_CANARY_AGE = "homefleet.backup.canary.age.seconds";
}
