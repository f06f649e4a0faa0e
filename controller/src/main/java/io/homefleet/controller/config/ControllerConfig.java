package io.homefleet.controller.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import io.homefleet.playbook.vault.VaultException;
import io.homefleet.playbook.vault.VaultPasswords;
import io.homefleet.playbook.vault.VaultSecret;

/**
 * The controller's configuration ({@code controller.yaml}): where it listens, where its data
 * lives, and the lifetimes and keepalive settings it uses. {@code metricsPort} is -1 when the
 * Prometheus endpoint ({@code metrics_listen}, default {@value #DEFAULT_METRICS_LISTEN}) is {@code off}. {@code controlSocket} is the
 * local operator socket ({@code control_socket}, default {@code <data_dir>/control.sock}), empty
 * when it is {@code off}. {@code vaultPasswordFile} and {@code vaultIds} ({@code LABEL@FILE}, the
 * file resolved against the config's directory) are the state directory's vault passwords.
 * {@code localhostAgent} ({@code localhost_agent}) is the enrolled host that {@code delegate_to:
 * localhost} and {@code local_action} run on: the agent on the controller's own machine.
 */
public record ControllerConfig(String listenHost, int listenPort, Path dataDir, List<String> serverNames,
    Duration agentCertLifetime, int heartbeatSeconds, Duration keepAliveTime, Duration keepAliveTimeout,
    Duration permitKeepAliveTime, String metricsHost, int metricsPort, int maxConnectionRate,
    Optional<Path> controlSocket, Optional<Path> vaultPasswordFile, List<String> vaultIds,
    Optional<String> localhostAgent) {

  /** The control socket's file name in the data directory, when {@code control_socket} is not set. */
  public static final String CONTROL_SOCKET = "control.sock";
  /** sun_path holds 108 bytes with its terminating NUL. */
  private static final int MAX_SOCKET_PATH = 107;

  /** New connections accepted per second at most, by default ({@code max_connection_rate}). */
  public static final int DEFAULT_MAX_CONNECTION_RATE = 200;

  public static final int DEFAULT_PORT = 7443;
  /** Where the fleet's Prometheus endpoint listens unless {@code metrics_listen} says otherwise. */
  public static final String DEFAULT_METRICS_LISTEN = "127.0.0.1:9464";
  public static final String FILE_NAME = "controller.yaml";

  /** The YAML shape, field names as users write them. */
  record Yaml(@JsonProperty("listen") String listen, @JsonProperty("data_dir") String dataDir,
      @JsonProperty("server_names") List<String> serverNames,
      @JsonProperty("agent_cert_lifetime") String agentCertLifetime,
      @JsonProperty("heartbeat_seconds") Integer heartbeatSeconds,
      @JsonProperty("keepalive_time") String keepAliveTime,
      @JsonProperty("keepalive_timeout") String keepAliveTimeout,
      @JsonProperty("permit_keepalive_time") String permitKeepAliveTime,
      @JsonProperty("metrics_listen") String metricsListen,
      @JsonProperty("max_connection_rate") Integer maxConnectionRate,
      @JsonProperty("control_socket") String controlSocket,
      @JsonProperty("vault_password_file") String vaultPasswordFile,
      @JsonProperty("vault_ids") List<String> vaultIds,
      @JsonProperty("localhost_agent") String localhostAgent) {}

  /**
   * The state directory's vault secrets, read now: {@code vault_password_file} (id {@code default}),
   * then {@code vault_ids}. A file other users can read is refused, naming the fix (chmod 600).
   */
  public List<VaultSecret> vaultSecrets() throws VaultException {
    return VaultPasswords.load(vaultPasswordFile.stream().toList(), vaultIds, VaultPasswords.Mode.OWNER_ONLY);
  }

  public Path pkiDir() {
    return dataDir.resolve("pki");
  }

  /**
   * How long a task that was out when its host's stream dropped waits for the host to come back
   * and report before it is called unreachable: a minute, or four heartbeats if that is longer.
   */
  public Duration reconnectWindow() {
    return Duration.ofSeconds(Math.max(60, 4L * heartbeatSeconds));
  }

  public String listenAddress() {
    return listenHost + ":" + listenPort;
  }

  /** False only when {@code metrics_listen} is {@code off}: otherwise the fleet's Prometheus endpoint is served. */
  public boolean metricsEnabled() {
    return metricsPort >= 0;
  }

  /** The defaults of every field but {@code listen} and {@code metrics_listen} ({@code off} for none). */
  public static ControllerConfig defaults(Path dataDir, String listen, String metricsListen) throws ConfigException {
    return from(new Yaml(listen, dataDir.toString(), null, null, null, null, null, null, metricsListen, null, null,
        null, null, null),
        dataDir, "defaults");
  }

  public static ControllerConfig load(Path file) throws ConfigException {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(file + ": no such file (create it with 'homefleet ca init --data-dir DIR')");
    }
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    Yaml y;
    try {
      if (Files.readString(file).isBlank()) {
        y = null;
      } else {
        y = yaml.readValue(file.toFile(), Yaml.class);
      }
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(keyAt(file, e) + "unknown field '" + e.getPropertyName() + "' (known fields: "
          + e.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")");
    } catch (JsonMappingException e) {
      throw new ConfigException(file + ":" + (e.getLocation() == null ? "?" : e.getLocation().getLineNr() + ":"
          + e.getLocation().getColumnNr()) + ": " + firstLine(e.getOriginalMessage()));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ConfigException(file + ":" + (e.getLocation() == null ? "?" : e.getLocation().getLineNr() + ":"
          + e.getLocation().getColumnNr()) + ": not valid YAML: " + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage());
    }
    if (y == null) {
      throw new ConfigException(file + ": the file is empty");
    }
    return from(y, file.toAbsolutePath().getParent(), file.toString());
  }

  private static ControllerConfig from(Yaml y, Path baseDir, String source) throws ConfigException {
    String listen = y.listen() == null ? "127.0.0.1:" + DEFAULT_PORT : y.listen();
    int colon = listen.lastIndexOf(':');
    int port;
    try {
      port = Integer.parseInt(listen.substring(colon + 1));
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      port = -1;
    }
    if (colon <= 0 || port < 0 || port > 65535) {
      throw new ConfigException(source + ": listen: '" + listen + "' is not HOST:PORT (example: 0.0.0.0:7443)");
    }
    String host = listen.substring(0, colon).replace("[", "").replace("]", "");
    Path dataDir = y.dataDir() == null ? baseDir : baseDir.resolve(y.dataDir());
    List<String> names = y.serverNames() == null || y.serverNames().isEmpty()
        ? List.of("localhost", "127.0.0.1") : List.copyOf(y.serverNames());
    int heartbeat = y.heartbeatSeconds() == null ? 15 : y.heartbeatSeconds();
    if (heartbeat < 1 || heartbeat > 3600) {
      throw new ConfigException(source + ": heartbeat_seconds: must be between 1 and 3600, got " + heartbeat);
    }
    Duration permit = duration(source, "permit_keepalive_time", y.permitKeepAliveTime(), "10s");
    Duration lifetime = duration(source, "agent_cert_lifetime", y.agentCertLifetime(), "24h");
    if (lifetime.compareTo(Duration.ofSeconds(30)) < 0 || lifetime.compareTo(Duration.ofDays(365)) > 0) {
      throw new ConfigException(source + ": agent_cert_lifetime: must be between 30s and 365d, got "
          + Durations.format(lifetime) + " (24h is the default; minutes only make sense for tests)");
    }
    String m = y.metricsListen() == null || y.metricsListen().isBlank() ? DEFAULT_METRICS_LISTEN
        : y.metricsListen().trim();
    String metricsHost = "";
    int metricsPort = -1;
    if (!m.equals("off")) {
      int mc = m.lastIndexOf(':');
      try {
        metricsPort = Integer.parseInt(m.substring(mc + 1));
      } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
        metricsPort = -1;
      }
      if (mc <= 0 || metricsPort < 0 || metricsPort > 65535) {
        throw new ConfigException(source + ": metrics_listen: '" + m + "' is not HOST:PORT (example: "
            + DEFAULT_METRICS_LISTEN + ", the default; off serves no metrics)");
      }
      metricsHost = m.substring(0, mc).replace("[", "").replace("]", "");
    }
    int rate = y.maxConnectionRate() == null ? DEFAULT_MAX_CONNECTION_RATE : y.maxConnectionRate();
    if (rate < 0 || rate > 100_000) {
      throw new ConfigException(source + ": max_connection_rate: must be between 1 and 100000 new connections per"
          + " second, or 0 for no cap; got " + rate + " (" + DEFAULT_MAX_CONNECTION_RATE + " is the default)");
    }
    return new ControllerConfig(host, port, dataDir, names, lifetime, heartbeat,
        duration(source, "keepalive_time", y.keepAliveTime(), "30s"),
        duration(source, "keepalive_timeout", y.keepAliveTimeout(), "10s"), permit, metricsHost, metricsPort, rate,
        controlSocket(source, y.controlSocket(), baseDir, dataDir),
        Optional.ofNullable(y.vaultPasswordFile()).map(f -> baseDir.toAbsolutePath().resolve(f).normalize()),
        vaultIds(source, y.vaultIds(), baseDir),
        Optional.ofNullable(y.localhostAgent()).map(String::strip).filter(n -> !n.isEmpty()));
  }

  /** {@code vault_ids}: each {@code LABEL@FILE}, the file relative to the config's directory. */
  private static List<String> vaultIds(String source, List<String> ids, Path baseDir) throws ConfigException {
    List<String> out = new java.util.ArrayList<>();
    for (String id : ids == null ? List.<String>of() : ids) {
      int at = id == null ? -1 : id.indexOf('@');
      if (at <= 0 || at == id.length() - 1 || id.substring(0, at).contains(";")) {
        throw new ConfigException(source + ": vault_ids: '" + id + "' is not LABEL@FILE (example: prod@vault/prod.pass)");
      }
      if (id.substring(at + 1).equals("prompt")) {
        throw new ConfigException(source + ": vault_ids: '" + id + "': the controller cannot prompt; give a password"
            + " file (mode 0600)");
      }
      out.add(id.substring(0, at + 1) + baseDir.toAbsolutePath().resolve(id.substring(at + 1)).normalize());
    }
    return out;
  }

  /**
   * {@code control_socket}: absent means {@code <data_dir>/control.sock} (or none when that path is
   * too long for a Unix socket: a data directory deep in a test's temp tree must still start),
   * {@code off} means none; a relative path is taken from the config file's directory.
   */
  private static Optional<Path> controlSocket(String source, String value, Path baseDir, Path dataDir)
      throws ConfigException {
    if (value == null) {
      Path dflt = dataDir.toAbsolutePath().normalize().resolve(CONTROL_SOCKET);
      return dflt.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH ? Optional.empty()
          : Optional.of(dflt);
    }
    String v = value.trim();
    if (v.equals("off")) {
      return Optional.empty();
    }
    if (v.isEmpty() || v.endsWith("/") || v.indexOf('\0') >= 0) {
      throw new ConfigException(source + ": control_socket: '" + value + "' is not a file path (example: "
          + "/var/lib/homefleet/control.sock, or off to serve no local socket)");
    }
    Path p = baseDir.toAbsolutePath().resolve(v).normalize();
    int len = p.toString().getBytes(StandardCharsets.UTF_8).length;
    if (len > MAX_SOCKET_PATH) {
      throw new ConfigException(source + ": control_socket: '" + p + "' is " + len + " bytes, a Unix socket path holds "
          + MAX_SOCKET_PATH + " at most (choose a shorter path, or off)");
    }
    return Optional.of(p);
  }

  private static Duration duration(String source, String field, String value, String dflt) throws ConfigException {
    try {
      return Durations.parse(value == null ? dflt : value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(source + ": " + field + ": " + e.getMessage());
    }
  }

  /**
   * Where an unknown key is written. Jackson reports the position after the key's value, so
   * look the key up in the text: the first line that starts with it (after indentation).
   */
  private static String keyAt(Path file, UnrecognizedPropertyException e) {
    try {
      java.util.List<String> lines = Files.readAllLines(file);
      java.util.regex.Pattern key = java.util.regex.Pattern.compile("^(\\s*)" + java.util.regex.Pattern.quote(e.getPropertyName())
          + "\\s*:");
      for (int i = 0; i < lines.size(); i++) {
        java.util.regex.Matcher m = key.matcher(lines.get(i));
        if (m.find()) {
          return file + ":" + (i + 1) + ":" + (m.group(1).length() + 1) + ": ";
        }
      }
    } catch (IOException ignored) {
      // Fall back to the parser's position.
    }
    return e.getLocation() == null ? file + ": " : file + ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr() + ": ";
  }

  private static String firstLine(String s) {
    int nl = s == null ? -1 : s.indexOf('\n');
    return nl < 0 ? String.valueOf(s) : s.substring(0, nl);
  }
}
