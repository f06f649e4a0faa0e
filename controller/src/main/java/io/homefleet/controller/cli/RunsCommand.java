package io.homefleet.controller.cli;

import io.homefleet.proto.v1.GetRunRequest;
import io.homefleet.proto.v1.HostResult;
import io.homefleet.proto.v1.ListRunsRequest;
import io.homefleet.proto.v1.ListRunsResponse;
import io.homefleet.proto.v1.RunDetail;
import io.homefleet.proto.v1.RunState;
import io.homefleet.proto.v1.RunSummary;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code homefleet runs} and {@code homefleet runs show ID}: run history. */
@Command(name = "runs", description = "List recent runs.", subcommands = {RunsCommand.Show.class})
final class RunsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--limit", defaultValue = "20", description = "How many (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    ListRunsResponse r = OperatorClient.call(spec,
        op -> op.listRuns(ListRunsRequest.newBuilder().setLimit(limit).build()));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      List<Map<String, Object>> rows = new ArrayList<>();
      r.getRunsList().forEach(s -> rows.add(summaryMap(s)));
      out.println(Json.write(rows));
      return 0;
    }
    out.printf("%-21s %-10s %-20s %-10s %5s %6s  %s%n", "ID", "STATE", "CREATED", "MODULE", "HOSTS", "FAILED", "TARGET / ARGS");
    for (RunSummary s : r.getRunsList()) {
      out.printf("%-21s %-10s %-20s %-10s %5d %6d  %s %s%n", s.getId(), state(s.getState()),
          Times.iso(s.getCreatedUnixMillis()).replace("T", " ").replaceAll("\\.\\d+Z$", ""), s.getModule(), s.getHosts(),
          s.getFailed(), s.getTarget(), s.getArgs());
    }
    return 0;
  }

  static String state(RunState s) {
    return switch (s) {
      case QUEUED -> "queued";
      case RUNNING -> "running";
      case SUCCEEDED -> "succeeded";
      case RUN_FAILED -> "failed";
      case RUN_CANCELLED -> "cancelled";
      default -> "unknown";
    };
  }

  static Map<String, Object> summaryMap(RunSummary s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.getId());
    m.put("state", state(s.getState()));
    m.put("target", s.getTarget());
    m.put("module", s.getModule());
    m.put("args", s.getArgs());
    m.put("created", Times.iso(s.getCreatedUnixMillis()));
    m.put("finished", Times.iso(s.getFinishedUnixMillis()));
    m.put("hosts", s.getHosts());
    m.put("failed", s.getFailed());
    m.put("requested_by", s.getRequestedBy());
    return m;
  }

  @Command(name = "show", description = "Show one run with every host's result.")
  static final class Show implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
      RunDetail d = OperatorClient.call(spec, op -> op.getRun(GetRunRequest.newBuilder().setId(id).build()));
      PrintWriter out = spec.commandLine().getOut();
      Map<String, Object> m = summaryMap(d.getSummary());
      Map<String, Object> hosts = new LinkedHashMap<>();
      for (HostResult h : d.getResultsList()) {
        Map<String, Object> r = RunCommand.resultMap(h.getResult());
        r.put("status", h.getState());
        hosts.put(h.getHost(), r);
      }
      m.put("hosts", hosts);
      if (json) {
        out.println(Json.write(m));
        return 0;
      }
      out.println("run " + d.getSummary().getId() + ": " + state(d.getSummary().getState()) + " — " + d.getSummary().getModule()
          + " " + d.getSummary().getArgs() + " on '" + d.getSummary().getTarget() + "' by " + d.getSummary().getRequestedBy());
      for (HostResult h : d.getResultsList()) {
        out.println(h.getHost() + " | " + h.getState().toUpperCase(Locale.ROOT) + " | rc=" + h.getResult().getRc()
            + (h.getResult().getMsg().isEmpty() ? "" : " | " + h.getResult().getMsg()));
        if (!h.getResult().getStdout().isEmpty()) {
          out.print(h.getResult().getStdout().endsWith("\n") ? h.getResult().getStdout() : h.getResult().getStdout() + "\n");
        }
        if (!h.getResult().getStderr().isEmpty()) {
          out.print(h.getResult().getStderr().endsWith("\n") ? h.getResult().getStderr() : h.getResult().getStderr() + "\n");
        }
      }
      return 0;
    }
  }
}
