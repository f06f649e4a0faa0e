package io.homefleet.agent.module.setup;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.facts.FactsCollector;
import io.homefleet.agent.facts.Filesystem;
import io.homefleet.agent.facts.HostFacts;
import io.homefleet.agent.facts.NetInterface;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Ansible's {@code setup}: host facts under Ansible's names in {@code ansible_facts}, from the
 * agent's {@link FactsCollector} plus /etc/os-release, /proc/net/route and the environment.
 * {@code filter} takes Ansible's shell-style patterns ({@code ansible_*_mb}); every subset is
 * gathered whatever {@code gather_subset} says (it costs a few milliseconds).
 */
public final class SetupModule implements Module {
  private final FactsCollector collector;
  private final Path etc;
  private final Path proc;

  public SetupModule() {
    this(FactsCollector.system(), Path.of("/etc"), Path.of("/proc"));
  }

  SetupModule(FactsCollector collector, Path etc, Path proc) {
    this.collector = collector;
    this.etc = etc;
    this.proc = proc;
  }

  @Override
  public String name() {
    return "setup";
  }

  @Override
  public Outcome run(Map<String, Object> raw, TaskContext ctx) throws TaskException {
    Args a = Args.of(name(), raw);
    if (a.has("fact_path")) {
      throw a.error("fact_path (local facts) is not supported by homefleet's setup yet");
    }
    Map<String, Object> facts = facts(collector.collect());
    List<String> filters = a.list("filter");
    if (!filters.isEmpty()) {
      List<Pattern> patterns = filters.stream().map(SetupModule::glob).toList();
      facts.keySet().removeIf(k -> patterns.stream().noneMatch(p -> p.matcher(k).matches()));
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("changed", false);
    data.put("ansible_facts", facts);
    return new Outcome(Outcome.Status.OK, 0, "", "", "", data, false, false);
  }

  Map<String, Object> facts(HostFacts h) {
    Map<String, String> os = osRelease();
    Map<String, Object> f = new TreeMap<>();
    String shortName = h.hostname().contains(".") ? h.hostname().substring(0, h.hostname().indexOf('.')) : h.hostname();
    f.put("ansible_hostname", shortName);
    f.put("ansible_nodename", h.hostname());
    f.put("ansible_fqdn", h.fqdn());
    f.put("ansible_domain", h.fqdn().contains(".") ? h.fqdn().substring(h.fqdn().indexOf('.') + 1) : "");
    String id = h.osId();
    f.put("ansible_distribution", distribution(id, h.osName()));
    f.put("ansible_distribution_release", os.getOrDefault("VERSION_CODENAME", ""));
    String version = distributionVersion(id, h.osVersion());
    f.put("ansible_distribution_version", version);
    f.put("ansible_distribution_major_version", version.contains(".") ? version.substring(0, version.indexOf('.'))
        : version);
    f.put("ansible_os_family", osFamily(id, os.getOrDefault("ID_LIKE", "")));
    f.put("ansible_system", "Linux");
    f.put("ansible_kernel", h.kernel());
    f.put("ansible_architecture", h.architecture());
    f.put("ansible_machine", h.architecture());
    f.put("ansible_processor_vcpus", h.cpuCount());
    f.put("ansible_processor_nproc", h.cpuCount());
    f.put("ansible_memtotal_mb", h.memoryTotalBytes() / (1024 * 1024));
    f.put("ansible_memfree_mb", h.memoryAvailableBytes() / (1024 * 1024));
    f.put("ansible_uptime_seconds", h.uptimeSeconds());
    f.put("ansible_machine_id", h.machineId());
    f.put("ansible_virtualization_type", h.virtualization());
    f.put("ansible_virtualization_role", h.virtualization().isEmpty() ? "" : "guest");
    List<String> v4 = new ArrayList<>();
    List<String> v6 = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (NetInterface n : h.interfaces()) {
      names.add(n.name());
      for (String addr : n.addresses()) {
        String ip = addr.contains("/") ? addr.substring(0, addr.indexOf('/')) : addr;
        if (ip.startsWith("127.") || ip.equals("::1")) {
          continue;
        }
        (ip.contains(":") ? v6 : v4).add(ip);
      }
    }
    f.put("ansible_interfaces", names);
    f.put("ansible_all_ipv4_addresses", v4);
    f.put("ansible_all_ipv6_addresses", v6);
    f.put("ansible_default_ipv4", defaultIpv4(h));
    List<Map<String, Object>> mounts = new ArrayList<>();
    for (Filesystem fs : h.filesystems()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("mount", fs.mount());
      m.put("device", fs.device());
      m.put("fstype", fs.type());
      m.put("size_total", fs.sizeBytes());
      m.put("size_available", fs.availableBytes());
      mounts.add(m);
    }
    f.put("ansible_mounts", mounts);
    f.put("ansible_env", new TreeMap<>(System.getenv()));
    f.put("ansible_date_time", dateTime(ZonedDateTime.now()));
    f.put("ansible_user_id", System.getProperty("user.name"));
    f.put("ansible_pkg_mgr", Files.isExecutable(Path.of("/usr/bin/apt-get")) ? "apt"
        : Files.isExecutable(Path.of("/usr/bin/dnf")) ? "dnf" : "unknown");
    f.put("ansible_service_mgr", serviceManager());
    return f;
  }

  static String distribution(String id, String name) {
    return switch (id) {
      case "debian" -> "Debian";
      case "ubuntu" -> "Ubuntu";
      case "raspbian" -> "Debian";
      case "fedora" -> "Fedora";
      case "centos" -> "CentOS";
      case "rhel" -> "RedHat";
      case "rocky" -> "Rocky";
      case "almalinux" -> "AlmaLinux";
      case "arch" -> "Archlinux";
      case "alpine" -> "Alpine";
      case "opensuse-leap", "opensuse-tumbleweed", "sles" -> "openSUSE Leap";
      default -> name.isEmpty() ? "OtherLinux" : name.split(" ")[0];
    };
  }

  static String osFamily(String id, String idLike) {
    String all = id + " " + idLike;
    if (all.contains("debian") || all.contains("ubuntu")) {
      return "Debian";
    }
    if (all.contains("rhel") || all.contains("fedora") || all.contains("centos")) {
      return "RedHat";
    }
    if (all.contains("arch")) {
      return "Archlinux";
    }
    if (all.contains("alpine")) {
      return "Alpine";
    }
    if (all.contains("suse")) {
      return "Suse";
    }
    return id.isEmpty() ? "Linux" : id;
  }

  /** Debian's point release is in /etc/debian_version ("12.7"), as Ansible reports it. */
  private String distributionVersion(String id, String versionId) {
    if (id.equals("debian")) {
      try {
        String dv = Files.readString(etc.resolve("debian_version")).strip();
        if (dv.matches("\\d+(\\.\\d+)*")) {
          return dv;
        }
      } catch (IOException e) {
        // Fall back to os-release's VERSION_ID.
      }
    }
    return versionId;
  }

  private Map<String, String> osRelease() {
    Map<String, String> out = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(etc.resolve("os-release"))) {
        int eq = line.indexOf('=');
        if (eq > 0 && !line.startsWith("#")) {
          String v = line.substring(eq + 1).strip();
          if (v.length() >= 2 && (v.startsWith("\"") || v.startsWith("'"))) {
            v = v.substring(1, v.length() - 1);
          }
          out.put(line.substring(0, eq).strip(), v);
        }
      }
    } catch (IOException e) {
      // No os-release: the distribution facts come from HostFacts alone.
    }
    return out;
  }

  /** The interface of the default route (/proc/net/route) and its first IPv4 address. */
  private Map<String, Object> defaultIpv4(HostFacts h) {
    Map<String, Object> out = new LinkedHashMap<>();
    String iface = null;
    String gateway = null;
    try {
      for (String line : Files.readAllLines(proc.resolve("net/route"))) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 2 && f[1].equals("00000000")) {
          iface = f[0];
          long g = Long.parseLong(f[2], 16);
          gateway = (g & 0xff) + "." + ((g >> 8) & 0xff) + "." + ((g >> 16) & 0xff) + "." + ((g >> 24) & 0xff);
          break;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return out;
    }
    for (NetInterface n : h.interfaces()) {
      if (n.name().equals(iface)) {
        for (String addr : n.addresses()) {
          if (!addr.contains(":")) {
            String[] parts = addr.split("/");
            out.put("address", parts[0]);
            out.put("interface", iface);
            out.put("gateway", gateway);
            out.put("macaddress", n.mac());
            if (parts.length > 1) {
              out.put("prefix", parts[1]);
            }
            return out;
          }
        }
      }
    }
    return out;
  }

  private String serviceManager() {
    if (Files.isDirectory(Path.of("/run/systemd/system"))) {
      return "systemd";
    }
    try {
      return Files.readString(proc.resolve("1/comm")).strip();
    } catch (IOException e) {
      return "unknown";
    }
  }

  static Map<String, Object> dateTime(ZonedDateTime now) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("year", String.format("%04d", now.getYear()));
    d.put("month", String.format("%02d", now.getMonthValue()));
    d.put("day", String.format("%02d", now.getDayOfMonth()));
    d.put("hour", String.format("%02d", now.getHour()));
    d.put("minute", String.format("%02d", now.getMinute()));
    d.put("second", String.format("%02d", now.getSecond()));
    d.put("date", now.format(DateTimeFormatter.ISO_LOCAL_DATE));
    d.put("time", now.format(DateTimeFormatter.ofPattern("HH:mm:ss")));
    d.put("epoch", Long.toString(now.toEpochSecond()));
    d.put("iso8601", now.withZoneSameInstant(java.time.ZoneOffset.UTC).format(DateTimeFormatter.ofPattern(
        "yyyy-MM-dd'T'HH:mm:ss'Z'")));
    d.put("tz", now.getZone().getDisplayName(TextStyle.SHORT, Locale.ROOT));
    d.put("tz_offset", now.format(DateTimeFormatter.ofPattern("xx")));
    d.put("weekday", now.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ROOT));
    d.put("weekday_number", Integer.toString(now.getDayOfWeek().getValue() % 7));
    d.put("weeknumber", now.format(DateTimeFormatter.ofPattern("ww")));
    return d;
  }

  private static Pattern glob(String g) {
    StringBuilder re = new StringBuilder();
    for (char c : g.toCharArray()) {
      switch (c) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString());
  }
}
