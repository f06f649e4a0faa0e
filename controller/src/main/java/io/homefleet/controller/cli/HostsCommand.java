package io.homefleet.controller.cli;

import io.homefleet.proto.v1.Facts;
import io.homefleet.proto.v1.GetHostRequest;
import io.homefleet.proto.v1.GetStatusRequest;
import io.homefleet.proto.v1.StatusResponse;
import io.homefleet.proto.v1.HostDetail;
import io.homefleet.proto.v1.HostSummary;
import io.homefleet.proto.v1.ListHostsRequest;
import io.homefleet.proto.v1.ListHostsResponse;
import io.homefleet.proto.v1.Presence;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code homefleet hosts [TARGET]} and {@code homefleet hosts show HOST}. */
@Command(name = "hosts", description = "List enrolled hosts with role, status, last seen, and CPU, memory and disk use "
    + "from their latest telemetry.",
    subcommands = {HostsCommand.Show.class})
final class HostsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "TARGET", arity = "0..1", description = "A host, a role, KEY=VALUE, or all (default).")
  String target = "all";

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    ListHostsResponse r = OperatorClient.call(spec,
        op -> op.listHosts(ListHostsRequest.newBuilder().setTarget(target).build()));
    PrintWriter out = spec.commandLine().getOut();
    long now = System.currentTimeMillis();
    if (json) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (HostSummary h : r.getHostsList()) {
        rows.add(summaryMap(h));
      }
      out.println(Json.write(rows));
      return 0;
    }
    out.printf("%-20s %-12s %-16s %-10s %4s %4s %4s %-12s %s%n", "NAME", "ROLE", "STATUS", "LAST SEEN", "CPU", "MEM",
        "DISK", "AGENT", "LABELS");
    for (HostSummary h : r.getHostsList()) {
      out.printf("%-20s %-12s %-16s %-10s %4s %4s %4s %-12s %s%n", h.getName(), h.getRole(), presence(h.getPresence()),
          h.getPresence() == Presence.ONLINE ? "now" : Times.ago(h.getLastSeenUnixMillis(), now), Usage.cpu(h),
          Usage.memory(h), Usage.disk(h), h.getAgentVersion(),
          h.getLabelsMap().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
    }
    if (r.getHostsCount() == 0) {
      out.println("(no hosts" + (target.equals("all") ? "; enroll one: homefleet token create --host NAME --role ROLE)" : " match '" + target + "')"));
    }
    return 0;
  }

  static String presence(Presence p) {
    return switch (p) {
      case ONLINE -> "online";
      case OFFLINE -> "offline";
      case NEVER_CONNECTED -> "never-connected";
      case DECOMMISSIONED -> "decommissioned";
      default -> "unknown";
    };
  }

  static Map<String, Object> summaryMap(HostSummary h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", h.getName());
    m.put("role", h.getRole());
    m.put("status", presence(h.getPresence()));
    m.put("last_seen", Times.iso(h.getLastSeenUnixMillis()));
    m.put("agent_version", h.getAgentVersion());
    m.put("labels", h.getLabelsMap());
    m.put("cert_not_after", Times.iso(h.getCertNotAfterUnixMillis()));
    if (h.getHasUsage()) {
      m.put("usage", Usage.json(h));
    }
    return m;
  }

  @Command(name = "show", description = "Show one host's facts.")
  static final class Show implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "HOST")
    String host;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
      HostDetail d = OperatorClient.call(spec, op -> op.getHost(GetHostRequest.newBuilder().setName(host).build()));
      Map<String, Object> m = summaryMap(d.getSummary());
      m.put("enrolled", Times.iso(d.getEnrolledUnixMillis()));
      m.put("cert_serial", d.getCertSerial());
      m.put("facts", facts(d.getFacts()));
      StatusResponse st = OperatorClient.call(spec, op -> op.getStatus(GetStatusRequest.newBuilder().setHost(host)
          .setHistory(5).build()));
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        st.getHostsList().forEach(h -> m.put("convergence", StatusCommand.hostMap(h)));
        out.println(Json.write(m));
      } else {
        print(out, m, "");
        st.getHostsList().forEach(h -> StatusCommand.printHost(out, h, System.currentTimeMillis()));
      }
      return 0;
    }

    static Map<String, Object> facts(Facts f) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("hostname", f.getHostname());
      m.put("fqdn", f.getFqdn());
      m.put("os", (f.getOsName() + " " + f.getOsVersion()).trim());
      m.put("os_id", f.getOsId());
      m.put("kernel", f.getKernel());
      m.put("architecture", f.getArchitecture());
      m.put("cpu_count", f.getCpuCount());
      m.put("cpu_model", f.getCpuModel());
      m.put("memory_total_mb", f.getMemoryTotalBytes() / (1024 * 1024));
      m.put("memory_available_mb", f.getMemoryAvailableBytes() / (1024 * 1024));
      m.put("uptime_seconds", f.getUptimeSeconds());
      m.put("virtualization", f.getVirtualization());
      m.put("machine_id", f.getMachineId());
      m.put("agent_version", f.getAgentVersion());
      m.put("role", f.getRole());
      m.put("labels", f.getLabelsMap());
      List<Map<String, Object>> fs = new ArrayList<>();
      f.getFilesystemsList().forEach(x -> {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("mount", x.getMount());
        e.put("device", x.getDevice());
        e.put("type", x.getType());
        e.put("size_mb", x.getSizeBytes() / (1024 * 1024));
        e.put("available_mb", x.getAvailableBytes() / (1024 * 1024));
        fs.add(e);
      });
      m.put("filesystems", fs);
      Map<String, Object> ifs = new LinkedHashMap<>();
      f.getInterfacesList().forEach(i -> ifs.put(i.getName(),
          Map.of("mac", i.getMac(), "addresses", i.getAddressesList())));
      m.put("interfaces", ifs);
      return m;
    }

    @SuppressWarnings("unchecked")
    private static void print(PrintWriter out, Map<String, Object> m, String indent) {
      for (Map.Entry<String, Object> e : m.entrySet()) {
        Object v = e.getValue();
        if (v instanceof Map<?, ?> sub && !sub.isEmpty()) {
          out.println(indent + e.getKey() + ":");
          print(out, (Map<String, Object>) sub, indent + "  ");
        } else if (v instanceof List<?> l && !l.isEmpty()) {
          out.println(indent + e.getKey() + ":");
          for (Object o : l) {
            out.println(indent + "  - " + (o instanceof Map<?, ?> om ? om.entrySet().stream()
                .map(x -> x.getKey() + "=" + x.getValue()).collect(Collectors.joining(" ")) : o));
          }
        } else {
          out.println(indent + e.getKey() + ": " + (v == null ? "" : String.valueOf(v).toLowerCase(Locale.ROOT).equals("{}") ? "" : v));
        }
      }
    }
  }
}
