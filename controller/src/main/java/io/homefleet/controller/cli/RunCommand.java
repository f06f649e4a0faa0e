package io.homefleet.controller.cli;

import io.grpc.StatusRuntimeException;
import io.homefleet.controller.config.Durations;
import io.homefleet.proto.Structs;
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

  @Option(names = {"-b", "--become"}, description = "Run the module as --become-user (default: root), as "
      + "ansible's -b.")
  boolean become;

  @Option(names = "--become-user", paramLabel = "USER", description = "The user -b runs the module as "
      + "(default: root).")
  String becomeUser;

  @Option(names = "--become-method", paramLabel = "METHOD", description = {"sudo or su, accepted as ansible's: "
      + "both mean the same here, since the agent starts the module as the user itself (no sudo, no password)."})
  String becomeMethod;

  @Option(names = {"-B", "--background"}, paramLabel = "SECONDS", description = "Run the module as an async job "
      + "with this time limit, as ansible's -B.")
  Integer background;

  @Option(names = {"-P", "--poll"}, paramLabel = "POLL", description = {"With -B: 0 returns each host's started "
      + "job at once (read it later with -m async_status -a jid=JID); more than 0 waits for the job's end "
      + "(default: 15, as ansible's)."})
  Integer poll;

  @Option(names = "--confirm-wipe", paramLabel = "TARGET", description = {"With -m wipe (not in check mode): the "
      + "TARGET again, to confirm that every host it matches is wiped back to its baseline."})
  String confirmWipe;

  /** Ansible's become methods that start a program as another user; the agent does that itself. */
  private static final java.util.Set<String> BECOME_METHODS = java.util.Set.of("sudo", "su");
  /** Ansible's -P when -B is given without it. */
  private static final int DEFAULT_POLL = 15;

  /** The request the options describe; a {@link CliException} (exit 2) naming the option for a bad one. */
  AdhocRequest request() {
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
    if (becomeUser != null && !become) {
      // ansible ignores --become-user without -b; here the agent's user is root, so that would run it as root.
      throw new CliException(2, "--become-user " + becomeUser + " needs -b/--become (without it the module would run "
          + "as the agent's user): add -b");
    }
    if (becomeUser != null && becomeUser.isBlank()) {
      throw new CliException(2, "--become-user: give a user name, e.g. --become-user postgres");
    }
    if (becomeMethod != null && !BECOME_METHODS.contains(becomeMethod)) {
      throw new CliException(2, "--become-method " + becomeMethod + ": use sudo or su (the agent starts the module as "
          + "the user itself, so both mean the same; other methods are not supported)");
    }
    int asyncSeconds = 0;
    int pollSeconds = 0;
    if (background != null) {
      if (background <= 0) {
        throw new CliException(2, "-B " + background + ": give the job's time limit in seconds, more than 0 (e.g. -B 3600)");
      }
      if (poll != null && poll < 0) {
        throw new CliException(2, "-P " + poll + ": give 0 (return at once) or the seconds between polls");
      }
      if (check) {
        throw new CliException(2, "-C/--check and -B cannot be used together: check mode and async cannot be used "
            + "on the same task (as in ansible)");
      }
      if (spec.commandLine().getParseResult().hasMatchedOption("--timeout")) {
        throw new CliException(2, "--timeout and -B both set the task's time limit: give one (with -B the job "
            + "stops after -B seconds)");
      }
      asyncSeconds = background;
      pollSeconds = poll == null ? DEFAULT_POLL : poll;
    } else if (poll != null) {
      throw new CliException(2, "-P " + poll + " needs -B SECONDS (the async job's time limit), as ansible's -P");
    }
    return AdhocRequest.newBuilder().setTarget(target).setModule(module).setRawArgs(args).setTimeoutSeconds(seconds)
        .setCheckMode(check).setQueueForSeconds(queueSeconds).setDetach(detach)
        .setBecomeUser(become ? (becomeUser == null ? "root" : becomeUser) : "")
        .setAsyncSeconds(asyncSeconds).setPollSeconds(pollSeconds)
        .setConfirmWipe(confirmWipe == null ? "" : confirmWipe).build();
  }

  /** Whether results carry what the user needs from the module's data: a job's id and state. */
  private boolean showsData() {
    return background != null || shortName(module).equals("async_status");
  }

  /** The modules ansible prints in the command's form ({@code C.MODULE_NO_JSON}). */
  private static final java.util.Set<String> COMMANDS = java.util.Set.of("command", "shell", "raw");

  private static String shortName(String module) {
    return module.replaceFirst("^ansible\\.(builtin|legacy)\\.", "");
  }

  @Override
  public Integer call() {
    AdhocRequest request = request();
    HomefleetMain root = (HomefleetMain) spec.root().userObject();
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Map<String, Object>> results = new LinkedHashMap<>();
    String runId = "";
    try (OperatorClient client = new OperatorClient(root.cliHome())) {
      try {
        Iterator<RunEvent> events = client.streaming().runAdhoc(request);
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
      Map<String, Object> m = resultMap(r);
      if (r.hasData() && !r.getData().getFieldsMap().isEmpty()) {
        m.put("data", Structs.toMap(r.getData()));
      }
      results.put(h.getHost(), m);
      if (json) {
        return;
      }
      if (showsData() && r.hasData() && (r.getStatus() == TaskStatus.OK || r.getStatus() == TaskStatus.CHANGED
          || r.getStatus() == TaskStatus.FAILED)) {
        Map<String, Object> shown = registered(r);
        if (COMMANDS.contains(shortName(module)) && !shown.containsKey("ansible_job_id")) {
          // ansible's minimal callback: a command's result without a job id (one past its -B) in the command's form.
          out.println(h.getHost() + " | " + r.getStatus().name() + " | rc=" + r.getRc() + " >>\n" + r.getStdout()
              + r.getStderr() + r.getMsg());
        } else {
          out.println(h.getHost() + " | " + r.getStatus().name() + (r.getStatus() == TaskStatus.FAILED ? "!" : "")
              + " => " + Json.write(shown));
        }
        out.flush();
      } else {
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

  /**
   * A job's result as ansible prints it ({@code HOST | CHANGED => {...}}): what a play's register
   * would hold, in key order, without {@code failed} unless it failed.
   */
  static Map<String, Object> registered(TaskResult r) {
    Map<String, Object> m = new java.util.TreeMap<>(
        io.homefleet.controller.session.AgentSessionService.registered(r));
    if (Boolean.FALSE.equals(m.get("failed"))) {
      m.remove("failed");
    }
    if (r.getRc() == -1 && r.getStdout().isEmpty() && r.getStderr().isEmpty()) {
      // -1 is "no rc": a started job or async_status has none, and no output of its own.
      for (String k : java.util.List.of("rc", "stdout", "stderr", "stdout_lines", "stderr_lines")) {
        if (!Structs.toMap(r.getData()).containsKey(k)) {
          m.remove(k);
        }
      }
    }
    return m;
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
