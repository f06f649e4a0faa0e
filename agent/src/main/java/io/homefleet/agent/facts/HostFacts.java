package io.homefleet.agent.facts;

import java.util.List;
import java.util.Objects;

/**
 * What the agent knows about its host, gathered by {@link FactsCollector}.
 *
 * <p>Strings are never null: an unknown value is "". Numbers that could not be read are 0. The
 * lists are immutable.
 *
 * @param hostname the short host name
 * @param fqdn the canonical (fully qualified) host name, or the host name if it has none
 * @param osId the {@code ID} from os-release, such as {@code debian}
 * @param osName the {@code NAME} from os-release, or {@code PRETTY_NAME} if there is no name
 * @param osVersion the {@code VERSION_ID} from os-release, "" on rolling releases
 * @param kernel the kernel release, as {@code uname -r} prints it
 * @param architecture the machine architecture, as {@code uname -m} prints it
 * @param cpuCount the processors available to the JVM
 * @param cpuModel the first {@code model name} in /proc/cpuinfo
 * @param memoryTotalBytes MemTotal from /proc/meminfo, in bytes
 * @param memoryAvailableBytes MemAvailable from /proc/meminfo, in bytes
 * @param filesystems the data filesystems, in mount order
 * @param interfaces the network interfaces that are up, by name
 * @param uptimeSeconds whole seconds since boot
 * @param machineId the contents of /etc/machine-id
 * @param virtualization {@code kvm} when the CPU reports a hypervisor, otherwise ""
 */
public record HostFacts(
    String hostname,
    String fqdn,
    String osId,
    String osName,
    String osVersion,
    String kernel,
    String architecture,
    int cpuCount,
    String cpuModel,
    long memoryTotalBytes,
    long memoryAvailableBytes,
    List<Filesystem> filesystems,
    List<NetInterface> interfaces,
    long uptimeSeconds,
    String machineId,
    String virtualization) {

  /** Rejects null strings and makes the lists immutable. */
  public HostFacts {
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(fqdn, "fqdn");
    Objects.requireNonNull(osId, "osId");
    Objects.requireNonNull(osName, "osName");
    Objects.requireNonNull(osVersion, "osVersion");
    Objects.requireNonNull(kernel, "kernel");
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(cpuModel, "cpuModel");
    Objects.requireNonNull(machineId, "machineId");
    Objects.requireNonNull(virtualization, "virtualization");
    filesystems = List.copyOf(filesystems);
    interfaces = List.copyOf(interfaces);
  }
}
