package io.homefleet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Memory and CPU of another process, from /proc and jcmd. */
final class ProcStats {
  private ProcStats() {}

  /** Resident set size in bytes. */
  static long rssBytes(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
      }
    }
    throw new IOException("no VmRSS for " + pid);
  }

  /** Milliseconds per clock tick of {@link #cpuTicks} (USER_HZ, 100 on Linux). */
  static final double MS_PER_TICK = 10.0;

  /** The named fields of {@code /proc/PID/status}, {@code Name=value} separated by spaces. */
  static String statusLine(long pid, String... names) throws IOException {
    StringBuilder out = new StringBuilder();
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      for (String n : names) {
        if (line.startsWith(n + ":")) {
          out.append(out.length() == 0 ? "" : " ").append(n).append('=')
              .append(line.substring(n.length() + 1).trim().replace(" kB", "k"));
        }
      }
    }
    return out.toString();
  }

  /** User + system CPU time in clock ticks (100 per second on Linux). */
  static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /**
   * CPU of {@code pid} and its children in clock ticks: its own, that of the children it has
   * waited for (cutime, cstime: the agent's finished play workers and what they ran), and that of
   * each live descendant (a play worker still running).
   */
  static long treeCpuTicks(long pid) throws IOException {
    long t = withChildren(pid);
    for (ProcessHandle d : ProcessHandle.of(pid).map(h -> h.descendants().toList()).orElse(java.util.List.of())) {
      try {
        t += withChildren(d.pid());
      } catch (IOException e) {
        // it ended meanwhile: its parent's cutime has it
      }
    }
    return t;
  }

  private static long withChildren(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
  }

  /** Resident set of {@code pid} and its live descendants (an agent and its play worker), in bytes. */
  static long treeRssBytes(long pid) throws IOException {
    long b = rssBytes(pid);
    for (ProcessHandle d : ProcessHandle.of(pid).map(h -> h.descendants().toList()).orElse(java.util.List.of())) {
      try {
        b += rssBytes(d.pid());
      } catch (IOException | RuntimeException e) {
        // it ended meanwhile
      }
    }
    return b;
  }

  /** How many descendants {@code pid} has now. */
  static long descendants(long pid) {
    return ProcessHandle.of(pid).map(h -> h.descendants().count()).orElse(0L);
  }

  /** Share of one core used over {@code seconds}, in percent. */
  static double cpuPercent(long pid, int seconds) throws IOException, InterruptedException {
    long t0 = cpuTicks(pid);
    long w0 = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    long t1 = cpuTicks(pid);
    double wall = (System.nanoTime() - w0) / 1e9;
    return (t1 - t0) / 100.0 / wall * 100.0;
  }

  /** Heap in use after a full GC, in bytes, via jcmd. */
  static long heapUsedAfterGc(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    String out = jcmd(pid, "GC.heap_info");
    // G1 prints one heap line; the parallel collector one per generation (young, old): their sum.
    Matcher m = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(out);
    long used = 0;
    boolean found = false;
    while (m.find()) {
      used += Long.parseLong(m.group(2));
      found = true;
    }
    if (!found) {
      throw new IOException("cannot read heap from jcmd: " + out);
    }
    return used * 1024;
  }

  /**
   * Loads async-profiler ({@code lib}: its libasyncProfiler.so) into {@code pid} with
   * {@code options}, e.g. {@code start,event=cpu,interval=1ms} and later
   * {@code stop,file=out.collapsed}: one call per action, as its agent takes them.
   */
  static String profiler(long pid, String lib, String options) throws IOException, InterruptedException {
    // Quoted: jcmd would read the options' '=' as its own name=value arguments.
    return jcmd(pid, "JVMTI.agent_load", lib, '"' + options + '"');
  }

  static String jcmd(long pid, String... cmd) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(jcmd.toString(), Long.toString(pid)));
    args.addAll(java.util.List.of(cmd));
    Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }
}
