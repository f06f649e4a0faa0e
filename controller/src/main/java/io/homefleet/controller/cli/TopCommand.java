package io.homefleet.controller.cli;

import io.grpc.StatusRuntimeException;
import io.homefleet.proto.v1.HostSummary;
import io.homefleet.proto.v1.ListHostsRequest;
import io.homefleet.proto.v1.ListHostsResponse;
import io.homefleet.proto.v1.Presence;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code homefleet top}: the fleet's CPU, load, memory and disk use from every host's latest
 * telemetry, redrawn every few seconds until Ctrl-C; {@code --once} or {@code --json} print it
 * once for scripts.
 */
@Command(name = "top", description = "Show CPU, load, memory and disk use of every host, refreshed live (Ctrl-C ends it).")
final class TopCommand implements Callable<Integer> {
  /** Clears a terminal and moves the cursor home (ANSI). */
  static final String CLEAR = "\033[H\033[2J";

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "TARGET", arity = "0..1", description = "A host, a role, KEY=VALUE, or all (default).")
  String target = "all";

  @Option(names = {"-n", "--interval"}, paramLabel = "SECONDS", defaultValue = "5",
      description = "Seconds between refreshes (default: ${DEFAULT-VALUE}).")
  int interval;

  @Option(names = "--once", description = "Print the table once and exit.")
  boolean once;

  @Option(names = "--count", paramLabel = "N", description = "Exit after N tables (default: until Ctrl-C).")
  int count;

  @Option(names = "--json", description = "Print the figures once as JSON and exit.")
  boolean json;

  @Option(names = "--sort", paramLabel = "COLUMN", defaultValue = "cpu",
      description = "Sort by cpu, mem, disk or name (default: ${DEFAULT-VALUE}).")
  String sort;

  @Override
  public Integer call() throws InterruptedException {
    if (interval < 1 || interval > 3600) {
      throw new CliException(2, "--interval: must be between 1 and 3600 seconds, got " + interval);
    }
    Comparator<HostSummary> order = order(sort);
    PrintWriter out = spec.commandLine().getOut();
    HomefleetMain root = (HomefleetMain) spec.root().userObject();
    boolean terminal = System.console() != null && !once && !json;
    try (OperatorClient client = new OperatorClient(root.cliHome())) {
      for (int n = 1; ; n++) {
        ListHostsResponse r;
        try {
          r = client.blocking().listHosts(ListHostsRequest.newBuilder().setTarget(target).build());
        } catch (StatusRuntimeException e) {
          throw client.explain(e);
        }
        List<HostSummary> hosts = new ArrayList<>(r.getHostsList());
        hosts.sort(order);
        if (json) {
          out.println(Json.write(jsonRows(hosts)));
          return 0;
        }
        if (terminal) {
          out.print(CLEAR);
        }
        out.print(table(hosts, System.currentTimeMillis()));
        out.flush();
        if (once || (count > 0 && n >= count)) {
          return 0;
        }
        Thread.sleep(interval * 1000L);
        if (!terminal) {
          out.println();
        }
      }
    }
  }

  static Comparator<HostSummary> order(String sort) {
    Comparator<HostSummary> byName = Comparator.comparing(HostSummary::getName);
    return switch (sort) {
      case "name" -> byName;
      case "cpu" -> Comparator.comparingDouble((HostSummary h) -> h.getHasUsage() ? h.getCpuUsage() : -2).reversed()
          .thenComparing(byName);
      case "mem" -> Comparator.comparingDouble((HostSummary h) -> fraction(h.getMemoryUsedBytes(),
          h.getMemoryTotalBytes())).reversed().thenComparing(byName);
      case "disk" -> Comparator.comparingDouble((HostSummary h) -> fraction(h.getDiskUsedBytes(),
          h.getDiskTotalBytes())).reversed().thenComparing(byName);
      default -> throw new CliException(2, "--sort: unknown column '" + sort + "' (cpu, mem, disk or name)");
    };
  }

  private static double fraction(long used, long total) {
    return total > 0 ? (double) used / total : -1;
  }

  /** The table: a summary line, then one row per host. */
  static String table(List<HostSummary> hosts, long now) {
    StringBuilder b = new StringBuilder();
    long online = hosts.stream().filter(h -> h.getPresence() == Presence.ONLINE).count();
    long reporting = hosts.stream().filter(HostSummary::getHasUsage).count();
    b.append(String.format("homefleet top - %d host(s), %d online, %d reporting telemetry%n%n", hosts.size(), online,
        reporting));
    b.append(String.format("%-20s %-10s %5s %6s %5s %-13s %5s %-20s %s%n", "NAME", "STATUS", "CPU", "LOAD", "MEM",
        "MEM USED", "DISK", "DISK USED", "AGE"));
    for (HostSummary h : hosts) {
      b.append(String.format("%-20s %-10s %5s %6s %5s %-13s %5s %-20s %s%n", h.getName(),
          HostsCommand.presence(h.getPresence()), Usage.cpu(h), Usage.load(h), Usage.memory(h), Usage.memoryBytes(h),
          Usage.disk(h), Usage.diskBytes(h), h.getHasUsage() ? Times.ago(h.getUsageUnixMillis(), now) : "-"));
    }
    if (hosts.isEmpty()) {
      b.append("(no hosts)\n");
    }
    return b.toString();
  }

  static List<Map<String, Object>> jsonRows(List<HostSummary> hosts) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (HostSummary h : hosts) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", h.getName());
      m.put("status", HostsCommand.presence(h.getPresence()));
      m.put("usage", h.getHasUsage() ? Usage.json(h) : null);
      rows.add(m);
    }
    return rows;
  }
}
