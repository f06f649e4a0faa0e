package io.homefleet.controller.session;

import com.google.protobuf.InvalidProtocolBufferException;
import io.homefleet.proto.v1.Facts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The facts an agent reported in its hello, under the names Ansible's {@code setup} gives them
 * (without the {@code ansible_} prefix), for plays that do not gather facts themselves.
 */
public final class FactsMaps {
  private FactsMaps() {}

  /** The stored facts message as Ansible facts; empty when there is none or it is unreadable. */
  public static Map<String, Object> ansible(byte[] stored) {
    if (stored == null || stored.length == 0) {
      return Map.of();
    }
    Facts f;
    try {
      f = Facts.parseFrom(stored);
    } catch (InvalidProtocolBufferException e) {
      return Map.of();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("hostname", f.getHostname());
    m.put("nodename", f.getHostname());
    m.put("fqdn", f.getFqdn());
    m.put("distribution", f.getOsName());
    m.put("distribution_version", f.getOsVersion());
    m.put("os_id", f.getOsId());
    m.put("system", "Linux");
    m.put("kernel", f.getKernel());
    m.put("architecture", f.getArchitecture());
    m.put("machine", f.getArchitecture());
    m.put("processor_vcpus", f.getCpuCount());
    m.put("processor_count", f.getCpuCount());
    m.put("processor", List.of(f.getCpuModel()));
    m.put("memtotal_mb", f.getMemoryTotalBytes() / (1024 * 1024));
    m.put("memfree_mb", f.getMemoryAvailableBytes() / (1024 * 1024));
    m.put("machine_id", f.getMachineId());
    m.put("virtualization_type", f.getVirtualization());
    m.put("uptime_seconds", f.getUptimeSeconds());
    m.put("interfaces", f.getInterfacesList().stream().map(i -> i.getName()).toList());
    for (var i : f.getInterfacesList()) {
      Map<String, Object> nic = new LinkedHashMap<>();
      nic.put("device", i.getName());
      nic.put("macaddress", i.getMac());
      nic.put("addresses", List.copyOf(i.getAddressesList()));
      m.put(i.getName().replace('-', '_').toLowerCase(Locale.ROOT), nic);
    }
    m.put("mounts", f.getFilesystemsList().stream().map(fs -> {
      Map<String, Object> mount = new LinkedHashMap<>();
      mount.put("mount", fs.getMount());
      mount.put("device", fs.getDevice());
      mount.put("fstype", fs.getType());
      mount.put("size_total", fs.getSizeBytes());
      mount.put("size_available", fs.getAvailableBytes());
      return mount;
    }).toList());
    m.put("homefleet_role", f.getRole());
    m.put("homefleet_labels", Map.copyOf(f.getLabelsMap()));
    m.put("homefleet_agent_version", f.getAgentVersion());
    return m;
  }
}
