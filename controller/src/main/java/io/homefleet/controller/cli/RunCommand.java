package io.homefleet.controller.cli;

import io.grpc.StatusRuntimeException;
import io.homefleet.controller.config.Durations;
import io.homefleet.proto.v1.AdhocRequest;
import io.homefleet.proto.v1.HostEvent;
import io.homefleet.proto.v1.RunEvent;
import io.homefleet.proto.v1.TaskResult;
import io.homefleet.proto.v1.TaskStatus;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code homefleet run TARGET -m MODULE -a ARGS}: an ad-hoc task on every matching host, results
 * printed per host as they arrive (like {@code ansible TARGET -m MODULE -a ARGS}).
 */
@Command(name = "run", description = {"Run one module on every host matching TARGET and print each host's result.",
    "Exit code: 0 all ok, 2 a host failed, 4 a host was unreachable."})
final class RunCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "TARGET", description = "A host name, a role, KEY=VALUE, a comma-separated list, or all.")
  String target;

  @Option(names = {"-m", "--module"}, defaultValue = "command", description = "Module (default: ${DEFAULT-VALUE}).")
  String module;

  @Option(names = {"-a", "--args"}, defaultValue = "", description = "Module arguments, e.g. \"uname -a\".")
  String args;

  @Option(names = "--timeout", defaultValue = "10m", description = "Per-host time limit (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Option(names = {"-C", "--check"}, description = "Check mode: report what would change, change nothing.")
  boolean check;

  @Option(names = "--stream", description = "Print output lines as they arrive, prefixed with the host.")
  boolean stream;

  @Option(names = "--json", description = "Print one JSON document with every host's result at the end.")
  boolean json;

  @Option(names = "--queue-for", defaultValue = "0s", description = {"Deliver to hosts that are offline now when "
      + "they connect within this time (e.g. 1h); then the task expires. Default: an offline host is unreachable at once."})
  String queueFor;

  @Option(names = "--detach", description = "Print the run id and return once the run is stored and sent; "
      + "follow it with 'homefleet runs show ID', stop it with 'homefleet runs cancel ID'.")
  boolean detach;

  @Override
  public Integer call() {
    int seconds;
    try {
      seconds = (int) Durations.parse(timeout).toSeconds();
    } catch (IllegalArgumentException e) {
      throw new CliException(2, "--timeout: " + e.getMessage());
    }
    int queueSeconds;
    try {
      queueSeconds = (int) Durations.parse(queueFor).toSeconds();
    } catch (IllegalArgumentException e) {
      throw new CliException(2, "--queue-for: " + e.getMessage());
    }
    HomefleetMain root = (HomefleetMain) spec.root().userObject();
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Map<String, Object>> results = new LinkedHashMap<>();
    String runId = "";
    try (OperatorClient client = new OperatorClient(root.cliHome())) {
      try {
        Iterator<RunEvent> events = client.streaming().runAdhoc(AdhocRequest.newBuilder().setTarget(target)
            .setModule(module).setRawArgs(args).setTimeoutSeconds(seconds).setCheckMode(check)
            .setQueueForSeconds(queueSeconds).setDetach(detach).build());
        while (events.hasNext()) {
          RunEvent ev = events.next();
          runId = ev.getRunId();
          if (detach && ev.hasStarted()) {
            out.println(json ? Json.write(Map.of("run_id", runId, "hosts", ev.getStarted().getHostsList())) : runId);
            out.flush();
            return 0;
          }
          if (ev.hasHost()) {
            host(out, ev.getHost(), results);
          } else if (ev.hasHosts()) {
            // The hosts one commit on the controller stored, together.
            for (HostEvent h : ev.getHosts().getHostsList()) {
              host(out, h, results);
            }
          }
        }
      } catch (StatusRuntimeException e) {
        throw client.explain(e);
      }
    }
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("run_id", runId);
      doc.put("hosts", results);
      out.println(Json.write(doc));
    }
    out.flush();
    return anyFailed ? 2 : anyUnreachable ? 4 : 0;
  }

  private boolean anyFailed;
  private boolean anyUnreachable;

  /** One host's output chunk or result. */
  private void host(PrintWriter out, HostEvent h, Map<String, Map<String, Object>> results) {
    if (h.hasOutput() && stream && !json) {
      String text = h.getOutput().getData().toString(StandardCharsets.UTF_8);
      for (String line : text.split("\n", -1)) {
        if (!line.isEmpty()) {
          out.println(h.getHost() + " | " + line);
        }
      }
      out.flush();
    } else if (h.hasResult()) {
      TaskResult r = h.getResult();
      anyFailed |= r.getStatus() == TaskStatus.FAILED || r.getStatus() == TaskStatus.TIMED_OUT
          || r.getStatus() == TaskStatus.CANCELLED;
      anyUnreachable |= r.getStatus() == TaskStatus.UNREACHABLE || r.getStatus() == TaskStatus.EXPIRED;
      results.put(h.getHost(), resultMap(r));
      if (!json) {
        printResult(out, h.getHost(), r);
      }
    }
  }

  private void printResult(PrintWriter out, String host, TaskResult r) {
    String status = r.getStatus().name();
    switch (r.getStatus()) {
      case UNREACHABLE -> out.println(host + " | UNREACHABLE! => " + r.getMsg());
      case TIMED_OUT -> out.println(host + " | FAILED! => timed out: " + r.getMsg());
      case EXPIRED -> out.println(host + " | EXPIRED! => " + r.getMsg());
      case CANCELLED -> out.println(host + " | CANCELLED! => " + r.getMsg());
      default -> {
        out.println(host + " | " + status + " | rc=" + r.getRc() + " >>");
        if (!stream) {
          if (!r.getStdout().isEmpty()) {
            out.print(r.getStdout().endsWith("\n") ? r.getStdout() : r.getStdout() + "\n");
          }
          if (!r.getStderr().isEmpty()) {
            out.print(r.getStderr().endsWith("\n") ? r.getStderr() : r.getStderr() + "\n");
          }
        }
        if (!r.getMsg().isEmpty() && r.getStatus() == TaskStatus.FAILED) {
          out.println("msg: " + r.getMsg());
        }
      }
    }
    out.flush();
  }

  static Map<String, Object> resultMap(TaskResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", r.getStatus().name().toLowerCase(Locale.ROOT));
    m.put("rc", r.getRc());
    m.put("stdout", r.getStdout());
    m.put("stderr", r.getStderr());
    m.put("msg", r.getMsg());
    m.put("started", Times.iso(r.getStartedUnixMillis()));
    m.put("finished", Times.iso(r.getFinishedUnixMillis()));
    return m;
  }
}
