package io.homefleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A controller and agents as real processes, started through the packaged launchers
 * ({@code bin/homefleet}, {@code bin/homefleet-agent}), in one temporary directory.
 */
final class Fleet implements AutoCloseable {
  static final Path ROOT = Path.of(System.getProperty("homefleet.root", "..")).toAbsolutePath().normalize();

  /** The result of one CLI invocation. */
  record Result(int exitCode, String stdout, String stderr) {
    String all() {
      return stdout + stderr;
    }
  }

  final Path dir;
  final Path dataDir;
  final Path home;
  final int port;
  private Process controller;
  private final Map<String, Process> agents = new LinkedHashMap<>();
  private final List<Process> all = new ArrayList<>();

  Fleet(Path dir) throws IOException {
    this.dir = dir;
    this.dataDir = dir.resolve("controller");
    this.home = dir.resolve("home");
    this.port = freePort();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  Result cli(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ROOT.resolve("bin/homefleet").toString());
    cmd.addAll(List.of(args));
    return exec(cmd, Duration.ofSeconds(90));
  }

  /** The CLI with a longer time limit than {@link #cli}'s 90 s, for long plays. */
  Result cli(Duration timeout, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ROOT.resolve("bin/homefleet").toString());
    cmd.addAll(List.of(args));
    return exec(cmd, timeout);
  }

  /** The CLI without a fleet (no controller needed: --syntax-check), run in {@code dir}. */
  static Result runCli(Path dir, Duration timeout, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ROOT.resolve("bin/homefleet").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    return run(pb, dir, timeout);
  }

  /** Any command, run in {@code dir} with stdin from /dev/null. */
  static Result runCommand(Path dir, Duration timeout, List<String> cmd) throws IOException, InterruptedException {
    return run(new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))), dir,
        timeout);
  }

  /** Runs {@code pb} to its end with stdin from /dev/null, output captured in files under {@code dir}. */
  private static Result run(ProcessBuilder pb, Path dir, Duration timeout) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "cli", ".out");
    Path err = Files.createTempFile(dir, "cli", ".err");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("command timed out: " + pb.command());
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  Result agentCli(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ROOT.resolve("bin/homefleet-agent").toString());
    cmd.addAll(List.of(args));
    return exec(cmd, Duration.ofSeconds(90));
  }

  /** Any command run as this fleet's operator (its CLI home), in the fleet's directory: scripts that call the CLI. */
  Result asOperator(Duration timeout, List<String> cmd) throws IOException, InterruptedException {
    return exec(cmd, timeout);
  }

  private Result exec(List<String> cmd, Duration timeout) throws IOException, InterruptedException {
    return run(operator(cmd), dir, timeout);
  }

  /** A command run as this fleet's operator (its CLI home, no HOMEFLEET_CONTROLLER from outside). */
  private ProcessBuilder operator(List<String> cmd) {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().put("HOMEFLEET_HOME", home.toString());
    pb.environment().remove("HOMEFLEET_CONTROLLER");
    return pb;
  }

  /** The CLI left running (a play the test acts on meanwhile), stdout and stderr into {@code out}; stopped by close. */
  Process cliInBackground(Path out, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ROOT.resolve("bin/homefleet").toString());
    cmd.addAll(List.of(args));
    Process p = operator(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    all.add(p);
    return p;
  }

  void init() throws IOException, InterruptedException {
    // Port 0: the fleet endpoint is on, as by default, on a port no other test or process holds.
    Result r = cli("ca", "init", "--data-dir", dataDir.toString(), "--listen", "127.0.0.1:" + port,
        "--metrics-listen", "127.0.0.1:0");
    assertThat(r.exitCode()).as(r.all()).isZero();
  }

  /** The fleet metrics endpoint of the controller's latest start, from its log line. */
  URI metricsUrl() throws IOException {
    String log = Files.readString(dir.resolve("controller.log"), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("fleet metrics at (http://\\S+/metrics)").matcher(log);
    String url = null;
    while (m.find()) {
      url = m.group(1);
    }
    assertThat(url).as("the controller logged no 'fleet metrics at' line:%n%s", log).isNotNull();
    return URI.create(url);
  }

  void startController() throws IOException, InterruptedException {
    Path log = dir.resolve("controller.log");
    // The log is appended to across restarts: wait for this start's line, not the last one's.
    long before = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8).split("listening on", -1).length : 1;
    ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("bin/homefleet").toString(), "server", "--data-dir",
        dataDir.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    controller = pb.start();
    all.add(controller);
    Waits.until("the controller's start", Duration.ofSeconds(60), Duration.ofMillis(100), controller,
        () -> Files.readString(log, StandardCharsets.UTF_8).split("listening on", -1).length > before,
        () -> Files.readString(log));
  }

  /** SIGTERM: the controller's shutdown hook closes it cleanly. */
  void stopController() throws InterruptedException {
    controller.destroy();
    if (!controller.waitFor(20, TimeUnit.SECONDS)) {
      controller.destroyForcibly();
    }
  }

  /** SIGKILL: no shutdown hook, no goodbye; the agents find out by themselves. */
  void killController() throws InterruptedException {
    controller.destroyForcibly();
    controller.waitFor(10, TimeUnit.SECONDS);
  }

  /** Mints a token through the CLI; returns {token, fingerprint}. */
  String[] token(String host, String role) throws IOException, InterruptedException {
    Result r = cli("token", "create", "--host", host, "--role", role, "--ttl", "10m");
    assertThat(r.exitCode()).as(r.all()).isZero();
    return new String[] {field(r.stdout(), "token"), field(r.stdout(), "ca_fingerprint")};
  }

  static String field(String text, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + ":\\s+(\\S+)").matcher(text);
    assertThat(m.find()).as("no %s in %s", name, text).isTrue();
    return m.group(1);
  }

  static String jsonField(String json, String name) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\" : \"([^\"]*)\"").matcher(json);
    assertThat(m.find()).as("no %s in %s", name, json).isTrue();
    return m.group(1);
  }

  Path agentConfig(String host, String token, String fingerprint) throws IOException {
    Path d = dir.resolve("agents").resolve(host);
    Files.createDirectories(d);
    Path cfg = d.resolve("agent.yaml");
    Files.writeString(cfg, "controller: 127.0.0.1:" + port + "\n"
        + "host: " + host + "\n"
        + (token == null ? "" : "token: " + token + "\n")
        + "ca_fingerprint: \"" + fingerprint + "\"\n"
        + "state_dir: ./state\n"
        + "reconnect_max: 2s\n"
        + "labels:\n  suite: e2e\n");
    return cfg;
  }

  Path agentLog(String host) {
    return dir.resolve("agents").resolve(host).resolve("agent.log");
  }

  Process startAgent(String host, Path config) throws IOException {
    return startAgent(host, new ProcessBuilder(ROOT.resolve("bin/homefleet-agent").toString(), "run", "--config",
        config.toString()));
  }

  /** An agent whose process runs with {@code umask} (a shell sets it, then execs the launcher: same pid). */
  Process startAgentWithUmask(String host, Path config, String umask) throws IOException {
    return startAgent(host, new ProcessBuilder("/bin/sh", "-c",
        "umask " + umask + " && exec \"$0\" run --config \"$1\"", ROOT.resolve("bin/homefleet-agent").toString(),
        config.toString()));
  }

  private Process startAgent(String host, ProcessBuilder pb) throws IOException {
    pb.redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(agentLog(host).toFile()));
    Process p = pb.start();
    agents.put(host, p);
    all.add(p);
    return p;
  }

  Process agentProcess(String host) {
    return agents.get(host);
  }

  void stopAgent(String host) throws InterruptedException {
    Process p = agents.remove(host);
    p.destroy();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }

  /** Waits until {@code hosts --json} shows every host in {@code names} online. */
  void awaitOnline(Duration timeout, String... names) {
    Result[] last = {null};
    Waits.until("hosts " + List.of(names) + " online", timeout, Duration.ofMillis(500), null, () -> {
      last[0] = cli("hosts", "--json");
      if (last[0].exitCode() != 0) {
        return false;
      }
      for (String n : names) {
        if (!Pattern.compile("\"name\" : \"" + Pattern.quote(n) + "\",\\s*\"role\" : \"[^\"]*\",\\s*\"status\" : \"online\"")
            .matcher(last[0].stdout()).find()) {
          return false;
        }
      }
      return true;
    }, () -> (last[0] == null ? "" : last[0].all()) + "\n" + logs());
  }

  static void waitForLog(Path log, String needle, Duration timeout, Process p) {
    Waits.until("'" + needle + "' in " + log, timeout, Duration.ofMillis(100), p,
        () -> Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(needle),
        () -> Files.exists(log) ? Files.readString(log) : "");
  }

  String logs() throws IOException {
    StringBuilder sb = new StringBuilder();
    try (var s = Files.walk(dir)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".log")).toList()) {
        sb.append("--- ").append(p).append('\n').append(Files.readString(p)).append('\n');
      }
    }
    return sb.toString();
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : all) {
      p.destroy();
    }
    for (Process p : all) {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }
}
