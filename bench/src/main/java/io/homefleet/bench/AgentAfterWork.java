package io.homefleet.bench;

import io.grpc.ManagedChannel;
import io.homefleet.proto.v1.CreateTokenRequest;
import io.homefleet.proto.v1.CreateTokenResponse;
import io.homefleet.proto.v1.OperatorGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real agent processes (the shipped launcher and flags) idle after work, as a lab agent that
 * converges every 30 minutes sits: idle RSS fresh, after the quickstart's work (an ad-hoc
 * {@code command} and {@code playbooks/quickstart.yml} twice) and after N runs of the benchmark
 * play ({@code bench/ansible/play/site.yml}: the first on a fresh tree, the others changing
 * nothing), each the median over the agents, which enrolled and were started again with their
 * identity first (as {@code agent} measures them; {@code -Dbench.noRestart=true}: not). Each
 * figure is the agent's process tree (the agent and any play worker it runs), taken once the
 * play workers have exited (their idle time, agent.yaml's {@code play_worker_idle}) and the
 * settle time has passed; the tree's peak during the plays is reported beside it, and the CPU per
 * play includes the workers'. {@code -Dbench.nmt=true} runs the agents with native memory
 * tracking and prints each checkpoint's {@code VM.native_memory summary} of the first agent
 * (NMT costs memory of its own: not for the RSS figures).
 */
final class AgentAfterWork {
  private AgentAfterWork() {}

  static Map<String, Object> measure(Path root, Path dir, int agents, List<Integer> checkpoints) throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    int settle = Integer.getInteger("bench.settleSeconds", 30);
    boolean nmt = Boolean.getBoolean("bench.nmt");
    // -Dbench.agentJavaOpts: added to the agents' flags after their enrollment (e.g. -Xlog:class+load).
    String extra = System.getProperty("bench.agentJavaOpts");
    String javaOpts = nmt ? "-XX:NativeMemoryTracking=summary" + (extra == null ? "" : " " + extra) : extra;
    // -Dbench.playWorkerIdle: agent.yaml's play_worker_idle for the agents (default: theirs, 30s).
    String workerIdle = System.getProperty("bench.playWorkerIdle");
    out.put("agents", agents);
    out.put("settle_s", settle);
    try (ControllerProcess ctl = new ControllerProcess(root, dir)) {
      ctl.init();
      ctl.start();
      ManagedChannel opCh = ctl.operatorChannel();
      List<Process> procs = new ArrayList<>();
      try {
        OperatorGrpc.OperatorBlockingStub op = OperatorGrpc.newBlockingStub(opCh);
        // -Dbench.noRestart=true keeps the enrolling processes, as the quickstart's agents are.
        boolean restart = !Boolean.getBoolean("bench.noRestart");
        out.put("restarted", restart);
        StringBuilder inventory = new StringBuilder("[bench]\n");
        for (int i = 1; i <= agents; i++) {
          String host = "work-" + i;
          CreateTokenResponse t = op.withDeadlineAfter(30, TimeUnit.SECONDS).createToken(CreateTokenRequest.newBuilder()
              .setHostName(host).setRole("sandbox").setTtlSeconds(600).build());
          Path adir = dir.resolve("agents").resolve(host);
          Files.createDirectories(adir);
          Path cfg = adir.resolve("agent.yaml");
          Files.writeString(cfg, "controller: " + ctl.target() + "\nhost: " + host + "\ntoken: " + t.getToken()
              + "\nca_fingerprint: \"" + t.getCaFingerprint() + "\"\nstate_dir: ./state\n"
              + (workerIdle == null ? "" : "play_worker_idle: " + workerIdle + "\n"));
          procs.add(AgentFootprint.start(root, cfg, adir.resolve("agent-1.log"), restart ? null : javaOpts));
          inventory.append(host).append('\n');
        }
        // Enrolled, then started again with the identity, as after a reboot: the figure of `agent`.
        for (int i = 0; restart && i < agents; i++) {
          Path adir = dir.resolve("agents/work-" + (i + 1));
          AgentFootprint.awaitConnected(adir, procs.get(i));
          procs.get(i).destroy();
          procs.get(i).waitFor(10, TimeUnit.SECONDS);
          Files.delete(adir.resolve("state/status.json"));
          procs.set(i, AgentFootprint.start(root, adir.resolve("agent.yaml"), adir.resolve("agent-2.log"), javaOpts));
        }
        for (int i = 0; i < agents; i++) {
          AgentFootprint.awaitConnected(dir.resolve("agents/work-" + (i + 1)), procs.get(i));
        }
        Path inv = dir.resolve("inventory.ini");
        Files.writeString(inv, inventory);

        checkpoint(out, "fresh", procs, settle, nmt);

        // The quickstart's work: its ad-hoc command, then its playbook twice (the second changes nothing).
        cli(ctl, dir, "run", "all", "-m", "command", "-a", "uname -a");
        Path quickstart = root.resolve("playbooks/quickstart.yml");
        try (PeakRss peak = new PeakRss(procs)) {
          for (int i = 0; i < 2; i++) {
            cli(ctl, dir, "play", quickstart.toString(), "-e", "quickstart_dir=" + dir);
          }
          out.put("rss_mib_peak_quickstart", BenchMain.mib(peak.max()));
        }
        checkpoint(out, "quickstart", procs, settle, nmt);

        Path play = root.resolve("bench/ansible/play/site.yml");
        Path trees = dir.resolve("trees");
        List<Long> wallMs = new ArrayList<>();
        List<Long> agentCpuMs = new ArrayList<>();
        int done = 0;
        for (int n : checkpoints) {
          try (PeakRss peak = new PeakRss(procs)) {
            for (; done < n; done++) {
              long cpu0 = cpuTicks(procs);
              long t0 = System.nanoTime();
              cli(ctl, dir, "play", play.toString(), "-i", inv.toString(), "-e", "bench_root=" + trees);
              wallMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
              agentCpuMs.add(Math.round((cpuTicks(procs) - cpu0) * ProcStats.MS_PER_TICK / agents));
            }
            out.put("rss_mib_peak_plays_" + n, BenchMain.mib(peak.max()));
          }
          checkpoint(out, "plays_" + n, procs, settle, nmt);
        }
        // The first run changes the fresh tree; the ones after it change nothing (a converged lab).
        out.put("bench_play_wall_ms_each", wallMs);
        out.put("bench_play_agent_cpu_ms_each", agentCpuMs);
        if (wallMs.size() > 1) {
          out.put("bench_play_nochange_wall_ms_p50", Math.round(Stats.median(wallMs.subList(1, wallMs.size()))));
          out.put("bench_play_nochange_agent_cpu_ms_p50", Math.round(Stats.median(agentCpuMs.subList(1, agentCpuMs.size()))));
        }
      } finally {
        for (Process p : procs) {
          p.destroy();
          p.waitFor(10, TimeUnit.SECONDS);
        }
        opCh.shutdownNow();
      }
    }
    StringBuilder row = new StringBuilder("| ").append(out.get("rss_mib_fresh")).append(" | ")
        .append(out.get("rss_mib_quickstart"));
    for (int n : checkpoints) {
      row.append(" | ").append(out.get("rss_mib_plays_" + n));
    }
    out.put("row", row.append(" |").toString());
    return out;
  }

  /**
   * Waits until no agent has a play worker (at most 5 minutes), then {@code settle} s, then
   * records every agent's tree RSS and their median under {@code rss_mib_NAME}, and how long the
   * workers took to go under {@code workers_gone_s_NAME}.
   */
  private static void checkpoint(Map<String, Object> out, String name, List<Process> procs, int settle, boolean nmt)
      throws Exception {
    long t0 = System.nanoTime();
    long until = t0 + TimeUnit.MINUTES.toNanos(5);
    while (procs.stream().anyMatch(p -> ProcStats.descendants(p.pid()) > 0) && System.nanoTime() < until) {
      Thread.sleep(200);
    }
    out.put("workers_gone_s_" + name, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0));
    Thread.sleep(settle * 1000L);
    List<Long> rss = new ArrayList<>();
    StringBuilder each = new StringBuilder();
    for (Process p : procs) {
      long b = ProcStats.treeRssBytes(p.pid());
      rss.add(b);
      each.append(each.length() == 0 ? "" : " ").append(BenchMain.mib(b));
    }
    out.put("rss_mib_" + name, BenchMain.mib((long) Stats.median(rss)));
    out.put("rss_mib_" + name + "_each", each);
    // Of the first agent: anonymous (heap, metaspace, code, malloc) against file-backed (libjvm, the archive) pages, threads.
    out.put("status_" + name, ProcStats.statusLine(procs.get(0).pid(), "RssAnon", "RssFile", "Threads"));
    if (nmt) {
      out.put("nmt_" + name, "\n" + ProcStats.jcmd(procs.get(0).pid(), "VM.native_memory", "summary"));
    }
  }

  private static long cpuTicks(List<Process> procs) throws Exception {
    long t = 0;
    for (Process p : procs) {
      t += ProcStats.treeCpuTicks(p.pid());
    }
    return t;
  }

  /** Samples the agents' tree RSS every 100 ms while open: the median agent's peak. */
  private static final class PeakRss implements AutoCloseable {
    private final List<Process> procs;
    private final long[] max;
    private final Thread sampler;
    private volatile boolean open = true;

    PeakRss(List<Process> procs) {
      this.procs = procs;
      this.max = new long[procs.size()];
      this.sampler = new Thread(() -> {
        while (open) {
          for (int i = 0; i < procs.size(); i++) {
            try {
              max[i] = Math.max(max[i], ProcStats.treeRssBytes(procs.get(i).pid()));
            } catch (java.io.IOException e) {
              // the agent is gone; the bench fails elsewhere
            }
          }
          try {
            Thread.sleep(100);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "peak-rss");
      sampler.setDaemon(true);
      sampler.start();
    }

    long max() throws InterruptedException {
      open = false;
      sampler.join();
      List<Long> each = new ArrayList<>();
      for (long m : max) {
        each.add(m);
      }
      return (long) Stats.median(each);
    }

    @Override
    public void close() throws InterruptedException {
      open = false;
      sampler.join();
    }
  }

  /** One {@code bin/homefleet} command as the operator {@code ca init} made; fails on a non-zero exit. */
  private static void cli(ControllerProcess ctl, Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ctl.root.resolve("bin/homefleet").toString(), "--home",
        ctl.home.toString()));
    cmd.addAll(List.of(args));
    Path log = dir.resolve("cli.log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", args) + " failed: " + Files.readString(log));
    }
  }

  static List<Integer> checkpoints(String[] args, int from) {
    List<Integer> n = new ArrayList<>();
    for (int i = from; i < args.length; i++) {
      n.add(Integer.parseInt(args[i]));
    }
    if (n.isEmpty()) {
      n.addAll(List.of(2, 10));
    }
    for (int i = 1; i < n.size(); i++) {
      if (n.get(i) <= n.get(i - 1)) {
        throw new IllegalArgumentException(String.format(Locale.ROOT, "play counts must grow: %s", n));
      }
    }
    return n;
  }
}
