package io.homefleet.e2e.netns;

import io.homefleet.e2e.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A controller ({@code bin/homefleet server}) in the root namespace, listening on the gateway
 * address of a {@link TestHosts} run, with an operator home for the CLI. The server certificate
 * carries the gateway address as an IP SAN ({@code ca init --server-name}).
 *
 * <p>Keepalive and heartbeats are short (2 s) so that a {@link TestHost#cut()} turns the host
 * offline within seconds instead of the production 40 s.
 */
public final class TestController implements AutoCloseable {
  /** A minted enrollment token and the CA fingerprint the agent pins. */
  public record Enrollment(String token, String caFingerprint) {}

  private final TestHosts run;
  private final Path dataDir;
  private final Path home;
  private final Path log;
  private final String address;
  private Process process;

  private TestController(TestHosts run, Path dir, String address) {
    this.run = run;
    this.dataDir = dir.resolve("data");
    this.home = dir.resolve("home");
    this.log = dir.resolve("controller.log");
    this.address = address;
  }

  /**
   * Initialises a CA in {@code dir/data} ({@code homefleet ca init --listen GATEWAY:PORT
   * --server-name GATEWAY}), shortens the keepalive settings and starts the server; returns once
   * it logs that it listens.
   */
  public static TestController start(TestHosts run, Path dir) {
    String gateway = run.gatewayAddress();
    TestController c = new TestController(run, dir, gateway + ":" + freePort(gateway));
    CommandResult init = c.cli("ca", "init", "--data-dir", c.dataDir.toString(), "--listen", c.address,
        "--server-name", gateway, "--metrics-listen", "off");
    if (!init.ok()) {
      throw new IllegalStateException("ca init failed: " + init.all());
    }
    try {
      Files.writeString(c.dataDir.resolve("controller.yaml"), "# TestController: detect a cut link in ~4 s\n"
          + "heartbeat_seconds: 2\nkeepalive_time: 2s\nkeepalive_timeout: 2s\n",
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    c.startServer();
    return c;
  }

  private static int freePort(String address) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + address, e);
    }
  }

  /** (Re)starts the server on the same data dir. */
  public void startServer() {
    ProcessBuilder pb = new ProcessBuilder(Launchers.cli().toString(), "server", "--data-dir", dataDir.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    long mark = logLength();
    process = run.launch(pb);
    Process started = process;
    Waits.until("the controller listening", Duration.ofSeconds(60), Duration.ofMillis(100), started,
        () -> readLog().substring((int) Math.min(mark, readLog().length())).contains("listening on"), this::readLog);
  }

  /** Stops the server with SIGTERM (SIGKILL after 10 s). */
  public void stopServer() {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Kills the server with SIGKILL (no shutdown hook, no goodbye): a crash, for the fault cases. */
  public void killServer() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** {@code GATEWAY:PORT}. */
  public String address() {
    return address;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Runs {@code bin/homefleet ARGS} in the root namespace with this controller's operator home. */
  public CommandResult cli(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Launchers.cli().toString());
    cmd.addAll(List.of(args));
    return Commands.run(Duration.ofSeconds(120), cmd, Map.of("HOMEFLEET_HOME", home.toString(),
        "HOMEFLEET_CONTROLLER", address));
  }

  /** Mints a single-use token for {@code host} with {@code role}. */
  public Enrollment token(String host, String role) {
    CommandResult r = cli("token", "create", "--host", host, "--role", role, "--ttl", "10m");
    if (!r.ok()) {
      throw new IllegalStateException("token create failed: " + r.all());
    }
    return new Enrollment(field(r.stdout(), "token"), field(r.stdout(), "ca_fingerprint"));
  }

  /** Mints a token for the host and starts its agent inside its namespace, pointed at this controller. */
  public Process enroll(TestHost host, String role, Map<String, String> labels) {
    return enroll(host, role, labels, "");
  }

  /** {@link #enroll(TestHost, String, Map)} with more of agent.yaml ({@code telemetry:}) at its end. */
  public Process enroll(TestHost host, String role, Map<String, String> labels, String moreYaml) {
    Enrollment e = token(host.name(), role);
    return host.startAgent(address, e.token(), e.caFingerprint(), labels, moreYaml);
  }

  /**
   * Waits until {@code homefleet hosts --json} shows every named host with {@code status}
   * ({@code online}, {@code offline}, ...).
   */
  public void awaitStatus(Duration timeout, String status, String... hosts) {
    CommandResult[] last = {null};
    Waits.until(List.of(hosts) + " " + status, timeout, Duration.ofMillis(300), null, () -> {
      last[0] = cli("hosts", "--json");
      return last[0].ok() && Stream.of(hosts).allMatch(h -> Pattern.compile("\"name\" : \"" + Pattern.quote(h)
          + "\",\\s*\"role\" : \"[^\"]*\",\\s*\"status\" : \"" + Pattern.quote(status) + "\"").matcher(
              last[0].stdout()).find());
    }, () -> (last[0] == null ? "" : last[0].all()) + "\n" + logs());
  }

  /** The controller's log and every host's agent log, for failure messages. */
  public String logs() {
    StringBuilder sb = new StringBuilder("--- controller.log\n").append(readLog());
    for (TestHost h : run.hosts()) {
      try {
        if (Files.exists(h.agentLog())) {
          sb.append("\n--- ").append(h.name()).append(" agent.log\n").append(Files.readString(h.agentLog()));
        }
      } catch (IOException e) {
        sb.append("(unreadable: ").append(e.getMessage()).append(")\n");
      }
    }
    return sb.toString();
  }

  private static String field(String text, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + ":\\s+(\\S+)").matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("no " + name + " in: " + text);
    }
    return m.group(1);
  }

  private String readLog() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(unreadable " + log + ": " + e.getMessage() + ")";
    }
  }

  private long logLength() {
    try {
      return Files.exists(log) ? Files.size(log) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** Stops the server; the run's close() would too, this just does it first. */
  @Override
  public void close() {
    stopServer();
  }
}
