package io.homefleet.bench;

import io.grpc.ManagedChannel;
import io.homefleet.proto.v1.AdhocRequest;
import io.homefleet.proto.v1.CreateTokenRequest;
import io.homefleet.proto.v1.CreateTokenResponse;
import io.homefleet.proto.v1.OperatorGrpc;
import io.homefleet.proto.v1.RunEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One real agent process (the shipped launcher and flags): start-up, idle footprint, per-task overhead. */
final class AgentFootprint {
  private AgentFootprint() {}

  static Map<String, Object> measure(Path root, Path dir, int runs) throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    try (ControllerProcess ctl = new ControllerProcess(root, dir)) {
      ctl.init();
      ctl.start();
      ManagedChannel opCh = ctl.operatorChannel();
      Process agent = null;
      try {
        OperatorGrpc.OperatorBlockingStub op = OperatorGrpc.newBlockingStub(opCh);
        CreateTokenResponse t = op.withDeadlineAfter(30, TimeUnit.SECONDS).createToken(CreateTokenRequest.newBuilder()
            .setHostName("real-1").setRole("sandbox").setTtlSeconds(600).build());
        Path adir = dir.resolve("agent");
        Files.createDirectories(adir);
        Path cfg = adir.resolve("agent.yaml");
        // -Dbench.agentTelemetry=PORT: the agent serves /metrics on 127.0.0.1:PORT (docs/telemetry.md), scraped
        // every 15 s while idle, as a Prometheus would.
        Integer telemetryPort = Integer.getInteger("bench.agentTelemetry");
        Files.writeString(cfg, "controller: " + ctl.target() + "\nhost: real-1\ntoken: " + t.getToken()
            + "\nca_fingerprint: \"" + t.getCaFingerprint() + "\"\nstate_dir: ./state\n"
            + (telemetryPort == null ? "" : "telemetry:\n  prometheus: 127.0.0.1:" + telemetryPort + "\n"));
        // First start enrolls; the figure that matters on every boot after is a start with an identity.
        agent = start(root, cfg, adir.resolve("agent-1.log"));
        long enrollAndConnectNs = awaitConnected(adir, agent);
        out.put("first_start_enroll_connect_ms", BenchMain.ms(enrollAndConnectNs));
        agent.destroy();
        agent.waitFor(10, TimeUnit.SECONDS);
        List<Long> startNs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          Files.deleteIfExists(adir.resolve("state/status.json"));
          agent = start(root, cfg, adir.resolve("agent-" + (i + 2) + ".log"));
          startNs.add(awaitConnected(adir, agent));
          if (i < 2) {
            agent.destroy();
            agent.waitFor(10, TimeUnit.SECONDS);
          }
        }
        out.put("start_to_connected_ms", BenchMain.ms(Stats.median(startNs)));

        List<Long> taskNs = new ArrayList<>();
        for (int i = 0; i < runs + 3; i++) {
          long t0 = System.nanoTime();
          Iterator<RunEvent> ev = op.withDeadlineAfter(60, TimeUnit.SECONDS).runAdhoc(AdhocRequest.newBuilder()
              .setTarget("real-1").setModule("ping").setTimeoutSeconds(30).build());
          while (ev.hasNext()) {
            ev.next();
          }
          if (i >= 3) {
            taskNs.add(System.nanoTime() - t0);
          }
        }
        out.put("ping_task_p50_ms", BenchMain.ms(Stats.median(taskNs)));
        out.put("ping_task_p99_ms", BenchMain.ms(Stats.percentile(taskNs, 99)));

        // Settle, then measure: -Dbench.settleSeconds and -Dbench.idleSeconds (20 and 30 by default).
        if (telemetryPort != null) {
          TelemetryScrapes.scrape(telemetryPort); // the first scrape loads and compiles; not an idle cost
        }
        Thread.sleep(Integer.getInteger("bench.settleSeconds", 20) * 1000L);
        Thread scraper = telemetryPort == null ? null : TelemetryScrapes.every15s(telemetryPort,
            Integer.getInteger("bench.idleSeconds", 30));
        out.put("agent_idle_cpu_pct", String.format(Locale.ROOT, "%.2f",
            ProcStats.cpuPercent(agent.pid(), Integer.getInteger("bench.idleSeconds", 30))));
        out.put("agent_idle_rss_mib", BenchMain.mib(ProcStats.rssBytes(agent.pid())));
        if (scraper != null) {
          scraper.join();
          out.putAll(TelemetryScrapes.cost(telemetryPort, 200));
        }
      } finally {
        if (agent != null) {
          agent.destroy();
          agent.waitFor(10, TimeUnit.SECONDS);
        }
        opCh.shutdownNow();
      }
    }
    out.put("row", "| " + out.get("agent_idle_rss_mib") + " | " + out.get("agent_idle_cpu_pct") + " | "
        + out.get("start_to_connected_ms") + " | " + out.get("first_start_enroll_connect_ms") + " | "
        + out.get("ping_task_p50_ms") + " |");
    return out;
  }

  private static Process start(Path root, Path cfg, Path log) throws Exception {
    return start(root, cfg, log, null);
  }

  /** The agent through its launcher; {@code javaOpts} (or null) are added to the shipped flags. */
  static Process start(Path root, Path cfg, Path log, String javaOpts) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(root.resolve("bin/homefleet-agent").toString(), "run", "--config",
        cfg.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
    String opts = System.getenv("HOMEFLEET_AGENT_OPTS");
    if (opts != null) {
      pb.environment().put("HOMEFLEET_AGENT_OPTS", opts);
    }
    if (javaOpts != null) {
      pb.environment().put("JAVA_OPTS", javaOpts);
    }
    return pb.start();
  }

  /** Nanoseconds from now until the agent's status file says connected. */
  static long awaitConnected(Path adir, Process agent) throws Exception {
    long t0 = System.nanoTime();
    Path status = adir.resolve("state/status.json");
    while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(60)) {
      if (Files.exists(status) && Files.readString(status).contains("\"state\":\"connected\"")) {
        return System.nanoTime() - t0;
      }
      if (!agent.isAlive()) {
        throw new IllegalStateException("agent exited " + agent.exitValue());
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("agent did not connect within 60 s");
  }
}
