package io.homefleet.agent.session;

import io.homefleet.agent.facts.HostFacts;
import io.homefleet.proto.v1.Facts;
import io.homefleet.proto.v1.Filesystem;
import io.homefleet.proto.v1.NetworkInterface;
import java.util.Map;

/** Host facts as the wire carries them. */
final class FactsMessages {
  private FactsMessages() {}

  static Facts toProto(HostFacts f, String agentVersion, String role, Map<String, String> labels) {
    Facts.Builder b = Facts.newBuilder()
        .setHostname(f.hostname())
        .setFqdn(f.fqdn())
        .setOsId(f.osId())
        .setOsName(f.osName())
        .setOsVersion(f.osVersion())
        .setKernel(f.kernel())
        .setArchitecture(f.architecture())
        .setCpuCount(f.cpuCount())
        .setCpuModel(f.cpuModel())
        .setMemoryTotalBytes(f.memoryTotalBytes())
        .setMemoryAvailableBytes(f.memoryAvailableBytes())
        .setUptimeSeconds(f.uptimeSeconds())
        .setMachineId(f.machineId())
        .setVirtualization(f.virtualization())
        .setAgentVersion(agentVersion)
        .setRole(role)
        .putAllLabels(labels);
    f.filesystems().forEach(fs -> b.addFilesystems(Filesystem.newBuilder().setMount(fs.mount()).setDevice(fs.device())
        .setType(fs.type()).setSizeBytes(fs.sizeBytes()).setAvailableBytes(fs.availableBytes())));
    f.interfaces().forEach(i -> b.addInterfaces(NetworkInterface.newBuilder().setName(i.name()).setMac(i.mac())
        .addAllAddresses(i.addresses())));
    return b.build();
  }
}
