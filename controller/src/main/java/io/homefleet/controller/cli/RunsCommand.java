package io.homefleet.controller.cli;

import io.homefleet.proto.v1.PlayHostRecap;
import io.homefleet.proto.v1.PlayTaskRecord;

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
@Command(name = "runs", description = "List recent runs.", subcommands = {RunsCommand.Show.class,
    RunsCommand.Cancel.class})
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

  @Command(name = "cancel", description = {"Cancel a run: queued tasks end cancelled, hosts working on one are told "
      + "to stop.", "Exit code: 0 cancelled, 1 no such run or it already ended."})
  static final class Cancel implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      OperatorClient.call(spec, op -> op.cancelRun(io.homefleet.proto.v1.CancelRunRequest.newBuilder().setRunId(id)
          .build()));
      spec.commandLine().getOut().println("run " + id + ": cancel requested ('homefleet runs show " + id
          + "' shows each host's end)");
      return 0;
    }
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
      if (d.getSummary().getModule().equals("play")) {
        return showPlay(d, m, out);
      }
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

    /** A playbook run: every task result in the order it arrived, then each play's recap. */
    private int showPlay(RunDetail d, Map<String, Object> m, PrintWriter out) {
      m.remove("hosts");
      List<Map<String, Object>> tasks = new java.util.ArrayList<>();
      for (PlayTaskRecord t : d.getPlayTasksList()) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("play", t.getPlayIndex());
        r.put("host", t.getHost());
        r.put("task", t.getResult().getTask().getName());
        r.put("path", t.getResult().getTask().getPath());
        r.put("location", t.getResult().getTask().getLocation());
        r.put("status", t.getResult().getStatus().name().toLowerCase(Locale.ROOT));
        r.put("ignored", t.getResult().getIgnored());
        r.put("result", PlayOutput.map(t.getResult().getResultJson()));
        r.put("finished", Times.iso(t.getFinishedUnixMillis()));
        tasks.add(r);
      }
      List<Map<String, Object>> recaps = new java.util.ArrayList<>();
      for (PlayHostRecap h : d.getRecapsList()) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("play", h.getPlayIndex());
        r.put("host", h.getHost());
        r.put("ok", h.getRecap().getOk());
        r.put("changed", h.getRecap().getChanged());
        r.put("unreachable", h.getRecap().getUnreachable());
        r.put("failed", h.getRecap().getFailed());
        r.put("skipped", h.getRecap().getSkipped());
        r.put("rescued", h.getRecap().getRescued());
        r.put("ignored", h.getRecap().getIgnored());
        r.put("end", h.getRecap().getEnd().toLowerCase(Locale.ROOT));
        r.put("msg", h.getMsg());
        recaps.add(r);
      }
      List<Map<String, Object>> parts = new java.util.ArrayList<>();
      for (HostResult h : d.getResultsList()) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", h.getTaskId());
        r.put("host", h.getHost());
        r.put("state", h.getState());
        r.put("msg", h.getResult().getMsg());
        parts.add(r);
      }
      m.put("tasks", tasks);
      m.put("recaps", recaps);
      m.put("parts", parts);
      if (json) {
        out.println(Json.write(m));
        return 0;
      }
      RunSummary s = d.getSummary();
      out.println("run " + s.getId() + ": " + state(s.getState()) + " — play " + s.getTarget() + " " + s.getArgs()
          + " by " + s.getRequestedBy());
      int play = -1;
      for (PlayTaskRecord t : d.getPlayTasksList()) {
        if (t.getPlayIndex() != play) {
          play = t.getPlayIndex();
          out.println("play " + play + ":");
        }
        Map<String, Object> result = PlayOutput.map(t.getResult().getResultJson());
        Object msg = result.get("msg");
        out.println(String.format(Locale.ROOT, "  %-20s %-8s %s (%s)%s", t.getHost(),
            t.getResult().getStatus().name().toLowerCase(Locale.ROOT), t.getResult().getTask().getName(),
            t.getResult().getTask().getLocation(), msg == null || t.getResult().getStatus().name().equals("OK")
                ? "" : " | " + msg));
      }
      out.println("recap:");
      for (PlayHostRecap h : d.getRecapsList()) {
        var r = h.getRecap();
        out.println(String.format(Locale.ROOT, "  play %d %-20s : ok=%d changed=%d unreachable=%d failed=%d "
            + "skipped=%d rescued=%d ignored=%d%s", h.getPlayIndex(), h.getHost(), r.getOk(), r.getChanged(),
            r.getUnreachable(), r.getFailed(), r.getSkipped(), r.getRescued(), r.getIgnored(),
            h.getMsg().isEmpty() ? "" : " (" + h.getMsg() + ")"));
      }
      // Each host's part in each play, open ones included (queued for an offline host, running).
      out.println("parts:");
      for (HostResult h : d.getResultsList()) {
        out.println(String.format(Locale.ROOT, "  %-40s %-12s%s", h.getTaskId(), h.getState(),
            h.getResult().getMsg().isEmpty() ? "" : " | " + h.getResult().getMsg()));
      }
      return 0;
    }
  }
}
