package io.homefleet.agent.facts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers {@link HostFacts} from /proc, /etc and the JDK, with no external commands.
 *
 * <p>A file that is missing or unreadable yields "" or 0 for the facts it would have given and
 * is logged at debug level; {@link #collect()} never fails because of one. The roots are
 * parameters so that tests can point the collector at a fake tree.
 */
public final class FactsCollector {

  private static final Logger log = LoggerFactory.getLogger(FactsCollector.class);

  /**
   * Filesystem types that hold data. An allow-list rather than a deny-list because the kernel
   * grows new pseudo filesystems (tracefs, bpf, nsfs, ...) faster than new disk formats; note
   * that {@code nfsd} (the NFS server's control filesystem) is not {@code nfs}.
   */
  private static final Set<String> DATA_TYPES =
      Set.of(
          "ext2", "ext3", "ext4", "xfs", "btrfs", "zfs", "bcachefs", "f2fs", "jfs", "reiserfs",
          "vfat", "exfat", "ntfs", "ntfs3", "fuseblk", "nfs", "nfs4", "cifs", "smb3", "overlay");

  private final Path procRoot;
  private final Path etcRoot;

  /**
   * Creates a collector that reads the given trees.
   *
   * @param procRoot where /proc is mounted; mounts are read from {@code procRoot/self/mounts}
   * @param etcRoot the directory holding {@code os-release} and {@code machine-id}
   */
  public FactsCollector(Path procRoot, Path etcRoot) {
    this.procRoot = Objects.requireNonNull(procRoot, "procRoot");
    this.etcRoot = Objects.requireNonNull(etcRoot, "etcRoot");
  }

  /** Returns a collector for this host's /proc and /etc. */
  public static FactsCollector system() {
    return new FactsCollector(Path.of("/proc"), Path.of("/etc"));
  }

  /** Reads the facts now; never throws for a missing or unreadable source. */
  public HostFacts collect() {
    String hostname = hostname();
    Map<String, String> osRelease = parseOsRelease(read(etcRoot.resolve("os-release")));
    String cpuinfo = read(procRoot.resolve("cpuinfo"));
    Map<String, String> meminfo = parseColonFields(read(procRoot.resolve("meminfo")));
    return new HostFacts(
        hostname,
        fqdn(hostname),
        osRelease.getOrDefault("ID", ""),
        osRelease.getOrDefault("NAME", osRelease.getOrDefault("PRETTY_NAME", "")),
        osRelease.getOrDefault("VERSION_ID", ""),
        firstLine(read(procRoot.resolve("sys/kernel/osrelease"))),
        unameArch(System.getProperty("os.arch", "")),
        Runtime.getRuntime().availableProcessors(),
        parseColonFields(cpuinfo).getOrDefault("model name", ""),
        kibToBytes(meminfo.get("MemTotal")),
        kibToBytes(meminfo.get("MemAvailable")),
        filesystems(read(procRoot.resolve("self/mounts"))),
        interfaces(),
        parseUptime(read(procRoot.resolve("uptime"))),
        firstLine(read(etcRoot.resolve("machine-id"))),
        hasHypervisorFlag(cpuinfo) ? "kvm" : "");
  }

  private String hostname() {
    try {
      String name = InetAddress.getLocalHost().getHostName();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (IOException e) {
      log.debug("cannot resolve local host name, reading the kernel's: {}", e.toString());
    }
    return firstLine(read(procRoot.resolve("sys/kernel/hostname")));
  }

  private static String fqdn(String hostname) {
    try {
      InetAddress local = InetAddress.getLocalHost();
      String canonical = local.getCanonicalHostName();
      // An unresolvable address comes back as its own literal, which is no name at all; and when
      // /etc/hosts maps the host name to 127.0.0.1, the reverse lookup finds "localhost".
      if (!canonical.isEmpty()
          && !canonical.equals(local.getHostAddress())
          && (!canonical.startsWith("localhost") || hostname.startsWith("localhost"))) {
        return canonical;
      }
    } catch (IOException e) {
      log.debug("cannot resolve canonical host name: {}", e.toString());
    }
    return hostname;
  }

  private static List<NetInterface> interfaces() {
    List<NetInterface> result = new ArrayList<>();
    try {
      for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
        try {
          if (!nic.isUp()) {
            continue;
          }
          List<String> addresses = new ArrayList<>();
          for (InterfaceAddress address : nic.getInterfaceAddresses()) {
            addresses.add(formatAddress(address.getAddress(), address.getNetworkPrefixLength()));
          }
          result.add(
              new NetInterface(nic.getName(), formatMac(nic.getHardwareAddress()), addresses));
        } catch (SocketException e) {
          log.debug("skipping interface {}: {}", nic.getName(), e.toString());
        }
      }
    } catch (SocketException e) {
      log.debug("cannot list network interfaces: {}", e.toString());
    }
    result.sort(Comparator.comparing(NetInterface::name));
    return result;
  }

  /**
   * Formats an address as {@code ip/prefix} the way {@code ip addr} shows it: IPv6 without its
   * scope id and with the longest run of zero groups shortened to {@code ::} (RFC 5952), where
   * the JDK would print {@code fe80:0:0:0:...}.
   */
  static String formatAddress(InetAddress address, int prefixLength) {
    String host = address.getHostAddress();
    int percent = host.indexOf('%');
    if (percent >= 0) {
      host = host.substring(0, percent);
    }
    if (address instanceof Inet6Address) {
      host = compressIpv6(host);
    }
    return host + "/" + prefixLength;
  }

  private static String compressIpv6(String full) {
    String[] groups = full.split(":");
    if (groups.length != 8) {
      return full;
    }
    int bestStart = -1;
    int bestLength = 1; // a single zero group is not shortened
    for (int i = 0; i < groups.length; ) {
      int j = i;
      while (j < groups.length && groups[j].equals("0")) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = Math.max(j, i + 1);
    }
    if (bestStart < 0) {
      return full;
    }
    String head = String.join(":", List.of(groups).subList(0, bestStart));
    String tail = String.join(":", List.of(groups).subList(bestStart + bestLength, groups.length));
    return head + "::" + tail;
  }

  static String formatMac(byte[] hardwareAddress) {
    if (hardwareAddress == null || hardwareAddress.length == 0) {
      return "";
    }
    StringBuilder mac = new StringBuilder();
    for (byte b : hardwareAddress) {
      if (mac.length() > 0) {
        mac.append(':');
      }
      mac.append(String.format("%02x", b & 0xff));
    }
    return mac.toString();
  }

  /**
   * Turns {@code /proc/self/mounts} into the data filesystems among it, sized. A mount point
   * that appears twice is reported once, where it was last mounted (the mount that is visible).
   * A mount that cannot be sized (gone, no permission) is left out.
   */
  private static List<Filesystem> filesystems(String mounts) {
    Map<String, String[]> byMount = new LinkedHashMap<>();
    for (String line : mounts.split("\n")) {
      String[] fields = line.trim().split("[ \t]+");
      if (fields.length < 3 || !DATA_TYPES.contains(fields[2])) {
        continue;
      }
      String mount = unescapeMountField(fields[1]);
      byMount.remove(mount);
      byMount.put(mount, new String[] {unescapeMountField(fields[0]), fields[2]});
    }
    List<Filesystem> result = new ArrayList<>();
    for (Map.Entry<String, String[]> entry : byMount.entrySet()) {
      String mount = entry.getKey();
      try {
        FileStore store = Files.getFileStore(Path.of(mount));
        result.add(
            new Filesystem(
                mount,
                entry.getValue()[0],
                entry.getValue()[1],
                store.getTotalSpace(),
                store.getUsableSpace()));
      } catch (IOException | InvalidPathException | SecurityException e) {
        log.debug("skipping filesystem at {}: {}", mount, e.toString());
      }
    }
    return result;
  }

  /**
   * Decodes the kernel's octal escapes in a mounts field ({@code \040} space, {@code \011} tab,
   * {@code \012} newline, {@code \134} backslash). The escapes stand for bytes, so they are
   * decoded as bytes and the result read as UTF-8.
   */
  static String unescapeMountField(String field) {
    if (field.indexOf('\\') < 0) {
      return field;
    }
    byte[] raw = field.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == '\\'
          && i + 3 < raw.length
          && isOctal(raw[i + 1])
          && isOctal(raw[i + 2])
          && isOctal(raw[i + 3])) {
        out.write((raw[i + 1] - '0') << 6 | (raw[i + 2] - '0') << 3 | (raw[i + 3] - '0'));
        i += 3;
      } else {
        out.write(raw[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean isOctal(byte b) {
    return b >= '0' && b <= '7';
  }

  /**
   * Parses os-release(5): {@code KEY=value} lines whose values may be single-quoted,
   * double-quoted (where a backslash escapes {@code $ " \ `}) or bare (where a backslash escapes
   * anything). Comments, blank lines and lines without {@code =} are ignored.
   */
  static Map<String, String> parseOsRelease(String content) {
    Map<String, String> result = new HashMap<>();
    for (String line : content.split("\n")) {
      String trimmed = line.strip();
      int eq = trimmed.indexOf('=');
      if (trimmed.isEmpty() || trimmed.startsWith("#") || eq <= 0) {
        continue;
      }
      result.put(trimmed.substring(0, eq).strip(), shellUnquote(trimmed.substring(eq + 1).strip()));
    }
    return result;
  }

  private static String shellUnquote(String raw) {
    StringBuilder value = new StringBuilder(raw.length());
    char quote = 0;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          value.append(c);
        }
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else if (c == '\\' && i + 1 < raw.length() && "$\"\\`".indexOf(raw.charAt(i + 1)) >= 0) {
          value.append(raw.charAt(++i));
        } else {
          value.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '\\' && i + 1 < raw.length()) {
        value.append(raw.charAt(++i));
      } else {
        value.append(c);
      }
    }
    return value.toString();
  }

  /**
   * Parses {@code key : value} lines as in /proc/cpuinfo and /proc/meminfo; the first occurrence
   * of a key wins (cpuinfo repeats every key once per processor).
   */
  private static Map<String, String> parseColonFields(String content) {
    Map<String, String> result = new HashMap<>();
    for (String line : content.split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        result.putIfAbsent(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
      }
    }
    return result;
  }

  /** Converts a meminfo value such as {@code "16318412 kB"} to bytes; 0 if absent or malformed. */
  private static long kibToBytes(String value) {
    if (value == null) {
      return 0;
    }
    String number = value.endsWith("kB") ? value.substring(0, value.length() - 2).strip() : value;
    try {
      return Math.multiplyExact(Long.parseLong(number), 1024L);
    } catch (ArithmeticException | NumberFormatException e) {
      log.debug("unreadable meminfo value '{}'", value);
      return 0;
    }
  }

  private static long parseUptime(String content) {
    String first = content.strip().split("\\s+")[0];
    if (first.isEmpty()) {
      return 0;
    }
    try {
      return (long) Double.parseDouble(first);
    } catch (NumberFormatException e) {
      log.debug("unreadable uptime '{}'", first);
      return 0;
    }
  }

  private static boolean hasHypervisorFlag(String cpuinfo) {
    String flags = parseColonFields(cpuinfo).getOrDefault("flags", "");
    return List.of(flags.split("\\s+")).contains("hypervisor");
  }

  /** Maps a JVM {@code os.arch} to what {@code uname -m} prints for the same machine. */
  static String unameArch(String osArch) {
    return switch (osArch) {
      case "amd64" -> "x86_64";
      case "x86", "i386" -> "i686";
      default -> osArch;
    };
  }

  private static String firstLine(String content) {
    int newline = content.indexOf('\n');
    return (newline < 0 ? content : content.substring(0, newline)).strip();
  }

  /**
   * Reads a whole file, or "" if it is missing or unreadable. Invalid UTF-8 is replaced rather
   * than rejected, so one odd byte cannot hide a whole file.
   */
  private static String read(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (IOException | SecurityException e) {
      log.debug("cannot read {}: {}", file, e.toString());
      return "";
    }
  }

  @Override
  public String toString() {
    return "FactsCollector[proc=" + procRoot + ", etc=" + etcRoot + "]";
  }
}
