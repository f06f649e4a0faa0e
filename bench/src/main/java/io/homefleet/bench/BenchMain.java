package io.homefleet.bench;

import io.grpc.ManagedChannel;
import io.homefleet.proto.v1.AdhocRequest;
import io.homefleet.proto.v1.CreateTokenRequest;
import io.homefleet.proto.v1.OperatorGrpc;
import io.homefleet.proto.v1.HostEvent;
import io.homefleet.proto.v1.RunEvent;
import io.homefleet.proto.v1.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The benchmarks. {@code fanout N RUNS}: a real controller process and N simulated agents;
 * measures enrollment rate, ad-hoc {@code ping} fan-out latency, controller memory and idle CPU,
 * and a reconnect storm. {@code agent RUNS}: one real agent process's footprint and per-task
 * overhead. {@code module-path RUNS}: a no-op task on the native path and on Ansible's python one.
 * {@code render ROUNDS}: the CPU the play worker spends per template or condition it renders.
 * Results print as {@code key=value} lines; the last line is a markdown table row.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: homefleet-bench fanout AGENTS [RUNS] | agent [RUNS] | agent-work [AGENTS [PLAYS...]]"
          + " | module-path [RUNS] | render [ROUNDS]");
      System.exit(2);
    }
    Path root = Path.of(System.getProperty("homefleet.root", ".")).toAbsolutePath().normalize();
    Path dir = Files.createTempDirectory("homefleet-bench");
    Map<String, Object> r = switch (args[0]) {
      case "fanout" -> fanout(root, dir, Integer.parseInt(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 5,
          !Boolean.getBoolean("bench.noStorm"));
      case "agent" -> AgentFootprint.measure(root, dir, args.length > 1 ? Integer.parseInt(args[1]) : 20);
      case "agent-work" -> AgentAfterWork.measure(root, dir, args.length > 1 ? Integer.parseInt(args[1]) : 3,
          AgentAfterWork.checkpoints(args, 2));
      case "module-path" -> ModulePaths.measure(root, dir, args.length > 1 ? Integer.parseInt(args[1]) : 50);
      case "render" -> RenderCost.measure(root, args.length > 1 ? Integer.parseInt(args[1]) : 10);
      default -> throw new IllegalArgumentException("unknown benchmark " + args[0]);
    };
    r.forEach((k, v) -> System.out.println(k + "=" + v));
    System.exit(0);
  }

  static String ms(double nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
  }

  static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
  }

  /** One ad-hoc ping to every host: per-host result latencies (ns) and the whole run's latency (ns). */
  static long pingAll(OperatorGrpc.OperatorBlockingStub op, int expected, List<Long> perHost) {
    long t0 = System.nanoTime();
    Iterator<RunEvent> events = op.withDeadlineAfter(120, TimeUnit.SECONDS)
        .runAdhoc(AdhocRequest.newBuilder().setTarget("all").setModule("ping").setTimeoutSeconds(60).build());
    int ok = 0;
    int results = 0;
    while (events.hasNext()) {
      RunEvent e = events.next();
      // The controller sends the hosts one commit stored as one event (hosts), a lone host as host.
      List<HostEvent> hosts = e.hasHosts() ? e.getHosts().getHostsList() : e.hasHost() ? List.of(e.getHost()) : List.of();
      long at = System.nanoTime() - t0;
      for (HostEvent h : hosts) {
        if (h.hasResult()) {
          perHost.add(at);
          results++;
          if (h.getResult().getStatus() == TaskStatus.OK) {
            ok++;
          }
        }
      }
    }
    long elapsed = System.nanoTime() - t0;
    if (results != expected || ok != expected) {
      throw new IllegalStateException("ping run: " + ok + " ok of " + results + " results, expected " + expected);
    }
    return elapsed;
  }

  private static final int WARM_UP_RUNS = 3;

  static Map<String, Object> fanout(Path root, Path dir, int n, int runs, boolean storm) throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("agents", n);
    try (ControllerProcess ctl = new ControllerProcess(root, dir)) {
      ctl.init();
      String rate = System.getProperty("bench.maxConnectionRate");
      if (rate != null) {
        ctl.configure("max_connection_rate: " + Integer.parseInt(rate));
      }
      ctl.start();
      if (Boolean.getBoolean("bench.pinCores")) {
        // The controller on core 0, the load generator on core 1: the controller's own figures.
        pin(ctl.pid(), 0);
        pin(ProcessHandle.current().pid(), 1);
        out.put("pinned", "controller=cpu0,load=cpu1");
      }
      ManagedChannel opCh = ctl.operatorChannel();
      try {
        OperatorGrpc.OperatorBlockingStub op = OperatorGrpc.newBlockingStub(opCh);
        List<String> hosts = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          String h = String.format("sim-%05d", i);
          hosts.add(h);
          tokens.add(op.withDeadlineAfter(30, TimeUnit.SECONDS).createToken(CreateTokenRequest.newBuilder()
              .setHostName(h).setRole(i % 2 == 0 ? "sandbox" : "batch").setTtlSeconds(3600).build()).getToken());
        }
        try (SimFleet fleet = new SimFleet(ctl.target(), ctl.ca(), ctl.fingerprint(), 2)) {
          out.put("loadgen_transport", fleet.transport());
          long enrollNs = fleet.enroll(hosts, tokens, 32);
          out.put("enroll_per_s", String.format(Locale.ROOT, "%.0f", n / (enrollNs / 1e9)));
          long c0 = System.nanoTime();
          fleet.connectAll(64);
          awaitConnected(fleet, n, Duration.ofMinutes(5));
          out.put("connect_all_ms", ms(System.nanoTime() - c0));

          int warmUps = Integer.getInteger("bench.warmUpRuns", WARM_UP_RUNS);
          for (int i = 0; i < warmUps; i++) {
            pingAll(op, n, new ArrayList<>()); // warm-up (JIT), not counted
          }
          List<Long> runNs = new ArrayList<>();
          List<Long> hostNs = new ArrayList<>();
          // -Dbench.profiler=/path/to/libasyncProfiler.so: CPU samples of every thread of both
          // processes over the measured runs only, as collapsed stacks beside the other output.
          String profiler = System.getProperty("bench.profiler");
          long self = ProcessHandle.current().pid();
          if (profiler != null) {
            ProcStats.profiler(ctl.pid(), profiler, "start,event=" + System.getProperty("bench.profilerEvent", "cpu")
                + ",interval=1ms,threads");
            ProcStats.profiler(self, profiler, "start,event=" + System.getProperty("bench.profilerEvent", "cpu")
                + ",interval=1ms,threads");
          }
          long ctlTicks0 = ProcStats.cpuTicks(ctl.pid());
          long ownTicks0 = ProcStats.cpuTicks(ProcessHandle.current().pid());
          StringBuilder perRun = new StringBuilder();
          for (int i = 0; i < runs; i++) {
            long c = ProcStats.cpuTicks(ctl.pid());
            long g = ProcStats.cpuTicks(self);
            runNs.add(pingAll(op, n, hostNs));
            perRun.append(perRun.length() == 0 ? "" : " ").append(Math.round((ProcStats.cpuTicks(ctl.pid()) - c)
                * ProcStats.MS_PER_TICK)).append('/').append(Math.round((ProcStats.cpuTicks(self) - g) * ProcStats.MS_PER_TICK));
          }
          out.put("warm_up_runs", warmUps);
          // Each measured run's CPU, controller/load generator in ms: shows whether the JIT has finished.
          out.put("cpu_ms_each_run", perRun);
          // CPU per fan-out, each side: says whether the runs are CPU-bound on these two cores,
          // and whose CPU it is, independently of what else the machine was doing.
          out.put("controller_cpu_ms_per_run", String.format(Locale.ROOT, "%.0f",
              (ProcStats.cpuTicks(ctl.pid()) - ctlTicks0) * ProcStats.MS_PER_TICK / runs));
          out.put("loadgen_cpu_ms_per_run", String.format(Locale.ROOT, "%.0f",
              (ProcStats.cpuTicks(ProcessHandle.current().pid()) - ownTicks0) * ProcStats.MS_PER_TICK / runs));
          if (profiler != null) {
            Path profiles = Path.of(System.getProperty("bench.profileDir", "."));
            Path c = profiles.resolve("controller-" + n + ".collapsed").toAbsolutePath();
            Path l = profiles.resolve("loadgen-" + n + ".collapsed").toAbsolutePath();
            ProcStats.profiler(ctl.pid(), profiler, "stop,file=" + c);
            ProcStats.profiler(self, profiler, "stop,file=" + l);
            out.put("profile_controller", c);
            out.put("profile_loadgen", l);
          }
          out.put("run_p50_ms", ms(Stats.percentile(runNs, 50)));
          out.put("run_p99_ms", ms(Stats.percentile(runNs, 99)));
          out.put("host_result_p50_ms", ms(Stats.percentile(hostNs, 50)));
          out.put("host_result_p99_ms", ms(Stats.percentile(hostNs, 99)));

          // Idle means idle: a minute after the last run, the JIT and the GC have finished with it.
          Thread.sleep(Integer.getInteger("bench.settleSeconds", 60) * 1000L);
          out.put("controller_idle_cpu_pct", String.format(Locale.ROOT, "%.1f",
              ProcStats.cpuPercent(ctl.pid(), Integer.getInteger("bench.idleSeconds", 10))));
          out.put("controller_rss_mib", mib(ProcStats.rssBytes(ctl.pid())));
          out.put("controller_heap_used_mib", mib(ProcStats.heapUsedAfterGc(ctl.pid())));

          if (storm) {
            opCh.shutdownNow();
            int before = fleet.reconnects.get();
            ctl.kill();
            long s0 = System.nanoTime();
            ctl.start();
            awaitConnected(fleet, n, Duration.ofMinutes(5));
            opCh = ctl.operatorChannel();
            op = OperatorGrpc.newBlockingStub(opCh);
            pingAll(op, n, new ArrayList<>());
            out.put("storm_all_back_and_ran_ms", ms(System.nanoTime() - s0));
            out.put("storm_reconnect_attempts", fleet.reconnects.get() - before);
            out.put("storm_accept_capped", Files.readString(ctl.log(2)).contains("connection rate capped"));
          }
        }
      } finally {
        opCh.shutdownNow();
      }
    }
    out.put("row", "| " + n + " | " + out.get("run_p50_ms") + " | " + out.get("run_p99_ms") + " | "
        + out.get("host_result_p99_ms") + " | " + out.get("enroll_per_s") + " | " + out.get("controller_heap_used_mib")
        + " | " + out.get("controller_rss_mib") + " | " + out.get("controller_idle_cpu_pct") + " | "
        + out.getOrDefault("storm_all_back_and_ran_ms", "-") + " |");
    return out;
  }

  /** Binds every thread of {@code pid} to one CPU with taskset (util-linux). */
  static void pin(long pid, int cpu) throws Exception {
    Process p = new ProcessBuilder("taskset", "-a", "-cp", Integer.toString(cpu), Long.toString(pid))
        .redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException("taskset failed: " + text);
    }
  }

  static void awaitConnected(SimFleet fleet, int n, Duration timeout) throws InterruptedException {
    long until = System.nanoTime() + timeout.toNanos();
    while (fleet.connected.get() < n) {
      if (System.nanoTime() > until) {
        throw new IllegalStateException("only " + fleet.connected.get() + " of " + n + " agents connected in " + timeout);
      }
      Thread.sleep(20);
    }
  }
}
