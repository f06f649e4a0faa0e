package io.homefleet.agent.facts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FactsCollectorTest {

  @TempDir Path tmp;
  private Path proc;
  private Path etc;

  @BeforeEach
  void createRoots() throws IOException {
    proc = Files.createDirectories(tmp.resolve("proc"));
    etc = Files.createDirectories(tmp.resolve("etc"));
  }

  private void write(Path file, String... lines) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, String.join("\n", lines) + "\n");
  }

  private HostFacts collect() {
    return new FactsCollector(proc, etc).collect();
  }

  @Test
  void collect_readsOsRelease_withQuotedAndBareValues() throws IOException {
    write(
        etc.resolve("os-release"),
        "# ID=commented-out",
        "",
        "PRETTY_NAME=\"Fancy \\\"Quoted\\\" Linux 1.0\"",
        "NAME='Fancy Linux'",
        "ID=fancy",
        "VERSION_ID=\"1.0\"",
        "not a key value line");

    HostFacts facts = collect();

    assertThat(facts.osId()).isEqualTo("fancy");
    assertThat(facts.osName()).isEqualTo("Fancy Linux");
    assertThat(facts.osVersion()).isEqualTo("1.0");
  }

  @Test
  void parseOsRelease_handlesShellEscapes() {
    var values =
        FactsCollector.parseOsRelease(
            String.join(
                "\n",
                "PRETTY_NAME=\"Fancy \\\"Quoted\\\" \\$HOME \\n\"",
                "VARIANT=Server\\ Edition",
                "BUILD_ID='it''s'",
                "EMPTY=",
                "  SPACED = \"x\"  "));

    // In double quotes only $ " \ ` are escapable; any other backslash is kept literally.
    assertThat(values)
        .containsEntry("PRETTY_NAME", "Fancy \"Quoted\" $HOME \\n")
        .containsEntry("VARIANT", "Server Edition")
        .containsEntry("BUILD_ID", "its")
        .containsEntry("EMPTY", "")
        .containsEntry("SPACED", "x");
  }

  @Test
  void collect_whenOsReleaseHasNoName_usesPrettyName() throws IOException {
    write(etc.resolve("os-release"), "PRETTY_NAME=\"Arch Linux\"", "ID=arch");

    HostFacts facts = collect();

    assertThat(facts.osName()).isEqualTo("Arch Linux");
    assertThat(facts.osVersion()).isEmpty();
  }

  @Test
  void collect_readsMemoryInBytes() throws IOException {
    write(
        proc.resolve("meminfo"),
        "MemTotal:       16318412 kB",
        "MemFree:         1000000 kB",
        "MemAvailable:   12000000 kB",
        "Buffers:          200000 kB");

    HostFacts facts = collect();

    assertThat(facts.memoryTotalBytes()).isEqualTo(16318412L * 1024);
    assertThat(facts.memoryAvailableBytes()).isEqualTo(12000000L * 1024);
  }

  @Test
  void collect_readsUptimeAsWholeSeconds() throws IOException {
    write(proc.resolve("uptime"), "354871.93 1398450.12");

    assertThat(collect().uptimeSeconds()).isEqualTo(354871L);
  }

  @Test
  void collect_readsFirstCpuModel_andHypervisorFlagAsKvm() throws IOException {
    write(
        proc.resolve("cpuinfo"),
        "processor\t: 0",
        "vendor_id\t: GenuineIntel",
        "model name\t: Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz",
        "flags\t\t: fpu vme de pse hypervisor lahf_lm",
        "",
        "processor\t: 1",
        "model name\t: Some Other CPU",
        "flags\t\t: fpu vme de pse hypervisor lahf_lm");

    HostFacts facts = collect();

    assertThat(facts.cpuModel()).isEqualTo("Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz");
    assertThat(facts.virtualization()).isEqualTo("kvm");
  }

  @Test
  void collect_withoutHypervisorFlag_reportsNoVirtualization() throws IOException {
    // "hypervisor_x" must not count: the flag is matched as a whole word.
    write(
        proc.resolve("cpuinfo"),
        "processor\t: 0",
        "model name\t: AMD Ryzen 7 5800X",
        "flags\t\t: fpu vme hypervisor_x de");

    assertThat(collect().virtualization()).isEmpty();
  }

  @Test
  void collect_readsKernelAndMachineId() throws IOException {
    write(proc.resolve("sys/kernel/osrelease"), "6.1.0-18-amd64");
    write(etc.resolve("machine-id"), "3d1219c7c4c5404aaa1f6d2a48adfda4");

    HostFacts facts = collect();

    assertThat(facts.kernel()).isEqualTo("6.1.0-18-amd64");
    assertThat(facts.machineId()).isEqualTo("3d1219c7c4c5404aaa1f6d2a48adfda4");
  }

  @Test
  void collect_keepsDataFilesystems_decodesEscapes_andSkipsPseudoAndUnsizable()
      throws IOException {
    Path spaced = Files.createDirectories(tmp.resolve("data disk"));
    Path replaced = Files.createDirectories(tmp.resolve("stacked"));
    String spacedEscaped = spaced.toString().replace(" ", "\\040");
    write(
        proc.resolve("self/mounts"),
        "proc /proc proc rw,relatime 0 0",
        "sysfs /sys sysfs rw,relatime 0 0",
        "devtmpfs /dev devtmpfs rw,size=1k 0 0",
        "tmpfs /run tmpfs rw 0 0",
        "cgroup2 /sys/fs/cgroup cgroup2 rw 0 0",
        "nfsd /proc/fs/nfsd nfsd rw 0 0",
        "/dev/vda / ext4 rw,relatime 0 0",
        "/dev/sdc1 " + replaced + " ext4 rw 0 0",
        "/dev/sdb1 " + spacedEscaped + " xfs rw 0 0",
        "server:/export " + replaced + " nfs4 rw 0 0",
        "/dev/sdd1 " + tmp.resolve("gone") + " ext4 rw 0 0");

    List<Filesystem> filesystems = collect().filesystems();

    // The nfs4 mount stacked over the ext4 one is the visible one, so it is listed where it was
    // mounted, after the xfs one.

    assertThat(filesystems)
        .extracting(Filesystem::mount, Filesystem::device, Filesystem::type)
        .containsExactly(
            tuple("/", "/dev/vda", "ext4"),
            tuple(spaced.toString(), "/dev/sdb1", "xfs"),
            tuple(replaced.toString(), "server:/export", "nfs4"));
    assertThat(filesystems)
        .allSatisfy(
            fs -> {
              assertThat(fs.sizeBytes()).isPositive();
              assertThat(fs.availableBytes()).isBetween(0L, fs.sizeBytes());
            });
  }

  @Test
  void unescapeMountField_decodesOctalBytes() {
    assertThat(FactsCollector.unescapeMountField("/mnt/a\\040b\\011c\\134d"))
        .isEqualTo("/mnt/a b\tc\\d");
    // Escapes stand for bytes: \303\251 is UTF-8 for é.
    assertThat(FactsCollector.unescapeMountField("/mnt/caf\\303\\251")).isEqualTo("/mnt/café");
    assertThat(FactsCollector.unescapeMountField("/mnt/trailing\\04"))
        .isEqualTo("/mnt/trailing\\04");
  }

  @Test
  void collect_whenEverySourceIsMissing_returnsEmptyValues() {
    HostFacts facts = collect();

    assertThat(facts.osId()).isEmpty();
    assertThat(facts.osName()).isEmpty();
    assertThat(facts.osVersion()).isEmpty();
    assertThat(facts.kernel()).isEmpty();
    assertThat(facts.cpuModel()).isEmpty();
    assertThat(facts.memoryTotalBytes()).isZero();
    assertThat(facts.memoryAvailableBytes()).isZero();
    assertThat(facts.filesystems()).isEmpty();
    assertThat(facts.uptimeSeconds()).isZero();
    assertThat(facts.machineId()).isEmpty();
    assertThat(facts.virtualization()).isEmpty();
  }

  @Test
  void collect_whenValuesAreMalformed_returnsZero() throws IOException {
    write(proc.resolve("meminfo"), "MemTotal: lots kB", "MemAvailable:");
    write(proc.resolve("uptime"), "soon");

    HostFacts facts = collect();

    assertThat(facts.memoryTotalBytes()).isZero();
    assertThat(facts.memoryAvailableBytes()).isZero();
    assertThat(facts.uptimeSeconds()).isZero();
  }

  @Test
  void unameArch_mapsJvmNamesToUnameNames() {
    assertThat(FactsCollector.unameArch("amd64")).isEqualTo("x86_64");
    assertThat(FactsCollector.unameArch("x86")).isEqualTo("i686");
    assertThat(FactsCollector.unameArch("aarch64")).isEqualTo("aarch64");
    assertThat(FactsCollector.unameArch("riscv64")).isEqualTo("riscv64");
  }

  @Test
  void formatMac_usesLowerCaseColonPairs_orEmpty() {
    assertThat(FactsCollector.formatMac(new byte[] {0x02, (byte) 0xAB, 0, 0x10, (byte) 0xff, 7}))
        .isEqualTo("02:ab:00:10:ff:07");
    assertThat(FactsCollector.formatMac(null)).isEmpty();
    assertThat(FactsCollector.formatMac(new byte[0])).isEmpty();
  }

  @Test
  void formatAddress_compressesIpv6AndDropsScope() throws IOException {
    // Literals are parsed, not looked up.
    assertThat(FactsCollector.formatAddress(InetAddress.getByName("192.0.2.2"), 24))
        .isEqualTo("192.0.2.2/24");
    assertThat(FactsCollector.formatAddress(InetAddress.getByName("fe80:0:0:0:fc:ff:fe00:1%1"), 64))
        .isEqualTo("fe80::fc:ff:fe00:1/64");
    assertThat(FactsCollector.formatAddress(InetAddress.getByName("::1"), 128))
        .isEqualTo("::1/128");
    assertThat(FactsCollector.formatAddress(InetAddress.getByName("fd00::2"), 64))
        .isEqualTo("fd00::2/64");
    // The longest zero run wins, and the first of equal runs; a lone zero group stays.
    assertThat(FactsCollector.formatAddress(InetAddress.getByName("2001:db8:0:1:0:0:0:1"), 48))
        .isEqualTo("2001:db8:0:1::1/48");
    assertThat(FactsCollector.formatAddress(InetAddress.getByName("2001:0:0:1:0:0:2:3"), 64))
        .isEqualTo("2001::1:0:0:2:3/64");
    assertThat(FactsCollector.formatAddress(InetAddress.getByName("2001:db8:0:1:2:3:4:5"), 64))
        .isEqualTo("2001:db8:0:1:2:3:4:5/64");
    assertThat(FactsCollector.formatAddress(InetAddress.getByName("2001:db8:1:2:3:4:5:6"), 64))
        .isEqualTo("2001:db8:1:2:3:4:5:6/64");
    assertThat(FactsCollector.formatAddress(InetAddress.getByName("::"), 0)).isEqualTo("::/0");
  }

  @Test
  void hostFacts_listsAreImmutable() {
    HostFacts facts = collect();

    assertThatThrownBy(() -> facts.filesystems().add(new Filesystem("/", "d", "ext4", 1, 1)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> facts.interfaces().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  /**
   * Against this machine's real /proc and /etc. In the build sandbox /proc/self/mounts shows
   * {@code /dev/vda / ext4}; in a container "/" is {@code overlay}. Both are data filesystems, so
   * "/" must be reported either way.
   */
  @Test
  void collect_onThisHost_returnsSaneValues() {
    HostFacts facts = FactsCollector.system().collect();

    assertThat(facts.hostname()).isNotBlank();
    assertThat(facts.fqdn()).isNotBlank();
    // Where /etc/hosts maps the host name to 127.0.0.1 (as in the build sandbox), a reverse
    // lookup says "localhost", which names no host.
    if (!facts.hostname().startsWith("localhost")) {
      assertThat(facts.fqdn()).doesNotStartWith("localhost");
    }
    // The JVM takes os.version from uname(2), the same source as /proc/sys/kernel/osrelease.
    assertThat(facts.kernel()).isNotEmpty().isEqualTo(System.getProperty("os.version"));
    assertThat(facts.cpuCount()).isGreaterThanOrEqualTo(1);
    assertThat(facts.memoryTotalBytes()).isPositive();
    assertThat(facts.memoryAvailableBytes())
        .isPositive()
        .isLessThanOrEqualTo(facts.memoryTotalBytes());
    assertThat(facts.uptimeSeconds()).isPositive();
    assertThat(facts.architecture()).isNotEmpty().isNotEqualTo("amd64");
    assertThat(facts.machineId()).matches("([0-9a-f]{32})?");
    assertThat(facts.filesystems())
        .anySatisfy(
            fs -> {
              assertThat(fs.mount()).isEqualTo("/");
              assertThat(fs.sizeBytes()).isPositive();
            });
    assertThat(facts.interfaces())
        .anySatisfy(
            nic -> {
              assertThat(nic.name()).isEqualTo("lo");
              assertThat(nic.addresses()).contains("127.0.0.1/8");
            });
    assertThat(facts.interfaces())
        .allSatisfy(nic -> assertThat(nic.addresses()).noneMatch(a -> a.contains("%")));
  }
}
