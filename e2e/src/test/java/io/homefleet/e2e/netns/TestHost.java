package io.homefleet.e2e.netns;

import io.homefleet.e2e.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One test host of a {@link TestHosts} run: a network namespace with {@code lo} and {@code eth0}
 * (its own 198.18.0.0/15 address), a directory of its own, and the link control that fault tests
 * need ({@link #cut()}, {@link #restore()}, {@link #delay(Duration)}).
 *
 * <p>Only the network is the host's own. Processes started here share the machine's file
 * system, process table, users and host name; {@link #root()} is a writable tree the host's
 * agent can manage in place of {@code /}, passed to it as {@code HOMEFLEET_HOST_ROOT} and as its
 * working directory (docs/testing.md says what only a real VM shows).
 */
public final class TestHost {
  /** The environment variable naming {@link #root()} in every process started on the host. */
  public static final String ROOT_ENV = "HOMEFLEET_HOST_ROOT";

  private final TestHosts run;
  private final int index;
  private final String name;
  private final String namespace;
  private final String address;
  private final String rootSideLink;
  private final Path dir;
  private volatile boolean cut;
  private volatile boolean delayed;
  private volatile Process agent;

  TestHost(TestHosts run, int index, String name, String namespace, String address, String rootSideLink, Path dir) {
    this.run = run;
    this.index = index;
    this.name = name;
    this.namespace = namespace;
    this.address = address;
    this.rootSideLink = rootSideLink;
    this.dir = dir;
  }

  /** The run this host belongs to (DebianRoot starts its processes through it). */
  TestHosts run() {
    return run;
  }

  /** The host's name (the agent enrolls with it). */
  public String name() {
    return name;
  }

  /** 1-based position in the run. */
  public int index() {
    return index;
  }

  /** The network namespace, {@code hf-RUN-n}. */
  public String namespace() {
    return namespace;
  }

  /** The host's address on {@code eth0}, e.g. {@code 198.18.42.11}. */
  public String address() {
    return address;
  }

  /** The root-namespace end of the host's veth pair, on the run's bridge. */
  public String rootSideLink() {
    return rootSideLink;
  }

  /** The host's directory: agent config, state, log, and {@link #root()}. */
  public Path dir() {
    return dir;
  }

  /** The writable tree the host's agent manages ({@code root/etc}, {@code root/var/lib}, {@code root/srv}, {@code root/tmp}). */
  public Path root() {
    return dir.resolve("root");
  }

  /** Runs a command inside the namespace to completion. */
  public CommandResult exec(Duration timeout, String... command) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    cmd.addAll(List.of(command));
    return Commands.run(timeout, cmd, Map.of(TestHosts.RUN_ENV, run.runId(), ROOT_ENV, root().toString()));
  }

  /**
   * Starts a long-running process inside the namespace, with {@link #root()} as its working
   * directory and {@code HOMEFLEET_HOST_ROOT} set, output appended to {@code log}. The run stops
   * it on close.
   */
  public Process start(List<String> command, Path log, Map<String, String> env) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    cmd.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(root().toFile()).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    pb.environment().put(ROOT_ENV, root().toString());
    pb.environment().remove("HOMEFLEET_CONTROLLER");
    return run.launch(pb);
  }

  /**
   * Writes {@link #agentConfig()} and starts {@code bin/homefleet-agent run} inside the
   * namespace. The state dir is {@code dir()/state}; the agent reconnects within 2 s of the
   * controller becoming reachable again and notices a dead link after ~13 s (keepalive 10 s,
   * timeout 3 s: the agent's minimum). The label {@code netns} names the namespace.
   *
   * @param controller the controller's {@code HOST:PORT}, normally {@link TestHosts#gatewayAddress()}
   * @param token an enrollment token, or {@code null} to start with the identity in the state dir
   * @param caFingerprint the CA fingerprint printed by {@code homefleet token create}
   * @param labels extra labels
   */
  public Process startAgent(String controller, String token, String caFingerprint, Map<String, String> labels) {
    return startAgent(controller, token, caFingerprint, labels, "");
  }

  /** {@link #startAgent(String, String, String, Map)} with more of agent.yaml ({@code telemetry:}) at its end. */
  public Process startAgent(String controller, String token, String caFingerprint, Map<String, String> labels,
      String moreYaml) {
    if (agent != null && agent.isAlive()) {
      throw new IllegalStateException("an agent already runs on " + name);
    }
    Map<String, String> all = new LinkedHashMap<>();
    all.put("netns", namespace);
    all.putAll(labels);
    StringBuilder yaml = new StringBuilder()
        .append("# written by TestHost for namespace ").append(namespace).append('\n')
        .append("controller: ").append(controller).append('\n')
        .append("host: ").append(name).append('\n');
    if (token != null) {
      yaml.append("token: ").append(token).append('\n');
    }
    yaml.append("ca_fingerprint: \"").append(caFingerprint).append("\"\n")
        .append("state_dir: ./state\n")
        .append("keepalive_time: 10s\n")
        .append("keepalive_timeout: 3s\n")
        .append("reconnect_max: 2s\n")
        .append("labels:\n");
    all.forEach((k, v) -> yaml.append("  ").append(k).append(": \"").append(v).append("\"\n"));
    yaml.append(moreYaml);
    try {
      Files.createDirectories(dir);
      Files.writeString(agentConfig(), yaml);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + agentConfig(), e);
    }
    agent = start(List.of(Launchers.agent().toString(), "run", "--config", agentConfig().toString()), agentLog(),
        Map.of());
    return agent;
  }

  /** The agent started by {@link #startAgent}, if any. */
  public Optional<Process> agent() {
    return Optional.ofNullable(agent);
  }

  /** Stops the agent (SIGTERM, SIGKILL after 10 s). */
  public void stopAgent() throws InterruptedException {
    Process p = agent;
    if (p != null) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  public Path agentConfig() {
    return dir.resolve("agent.yaml");
  }

  public Path agentLog() {
    return dir.resolve("agent.log");
  }

  public Path stateDir() {
    return dir.resolve("state");
  }

  /**
   * Cuts the host off: its veth goes down on the root side, so {@code eth0} loses carrier and
   * every packet to or from the host is dropped. Open TCP connections are not reset: each end
   * finds out by its own timeouts, as with a pulled cable.
   */
  public void cut() {
    Commands.check("ip", "link", "set", rootSideLink, "down");
    cut = true;
  }

  /**
   * Undoes {@link #cut()} and returns once both ends of the link are operational (the bridge
   * forwards at once: no STP). Neighbour entries that failed while the link was down are
   * flushed: left alone, the kernel would answer "No route to host" for a few more seconds.
   */
  public void restore() {
    Commands.check("ip", "link", "set", rootSideLink, "up");
    Waits.until("the link of " + name + " up after restore", Duration.ofSeconds(10), Duration.ofMillis(20), null,
        () -> operational("ip", "-o", "link", "show", rootSideLink)
            && operational("ip", "-n", namespace, "-o", "link", "show", "eth0"), () -> "");
    Commands.run(Duration.ofSeconds(10), "ip", "-n", namespace, "neigh", "flush", "dev", "eth0");
    Commands.run(Duration.ofSeconds(10), "ip", "neigh", "flush", "to", address, "dev", run.bridge());
    cut = false;
  }

  private static boolean operational(String... showLink) {
    return Commands.run(Duration.ofSeconds(10), showLink).stdout().contains("state UP");
  }

  /** Whether the link is cut now. */
  public boolean isCut() {
    return cut;
  }

  /**
   * Delays every packet by {@code delay} in each direction (a round trip takes twice that
   * longer), with tc netem on both ends of the veth pair; replaces an earlier delay.
   *
   * @throws IllegalStateException when the kernel has no netem (see {@link TestHosts#supportsDelay()})
   */
  public void delay(Duration delay) {
    String ms = delay.toMillis() + "ms";
    CommandResult out = Commands.run(Duration.ofSeconds(10), "tc", "qdisc", "replace", "dev", rootSideLink, "root",
        "netem", "delay", ms);
    CommandResult in = out.ok() ? Commands.run(Duration.ofSeconds(10), "ip", "netns", "exec", namespace, "tc",
        "qdisc", "replace", "dev", "eth0", "root", "netem", "delay", ms) : out;
    if (!out.ok() || !in.ok()) {
      clearDelay();
      throw new IllegalStateException("cannot delay " + name + "'s link by " + ms + ": this kernel has no netem "
          + "queueing discipline (sch_netem; Debian's kernels ship it as a module, some minimal VM kernels lack it). "
          + "tc said: " + (out.ok() ? in : out).stderr().strip());
    }
    delayed = true;
  }

  /** Removes a {@link #delay}. */
  public void clearDelay() {
    Commands.run(Duration.ofSeconds(10), "tc", "qdisc", "del", "dev", rootSideLink, "root");
    Commands.run(Duration.ofSeconds(10), "ip", "netns", "exec", namespace, "tc", "qdisc", "del", "dev", "eth0", "root");
    delayed = false;
  }

  /** Whether a {@link #delay} is in force. */
  public boolean isDelayed() {
    return delayed;
  }

  @Override
  public String toString() {
    return name + "@" + namespace + "/" + address;
  }
}
