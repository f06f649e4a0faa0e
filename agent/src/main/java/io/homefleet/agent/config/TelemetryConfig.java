package io.homefleet.agent.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * The {@code telemetry:} section of agent.yaml. Absent: no telemetry at all (nothing of it is
 * loaded). Present: host and agent metrics, served as Prometheus text on {@link #prometheus()}
 * and, when {@link #influx()} is set, pushed as InfluxDB line protocol. See docs/telemetry.md.
 *
 * @param enabled whether the section was given
 * @param prometheus where to serve {@code /metrics}; empty when {@code prometheus: off}
 * @param hostMetrics whether to collect host metrics from /proc (agent metrics are always on)
 * @param influx where to push, if anywhere
 */
public record TelemetryConfig(boolean enabled, Optional<Listen> prometheus, boolean hostMetrics,
    Optional<Influx> influx) {

  /** The default address of {@code /metrics}: loopback only, plain HTTP. */
  public static final Listen DEFAULT_LISTEN = new Listen("127.0.0.1", 9109);

  /** No {@code telemetry:} section. */
  public static final TelemetryConfig OFF = new TelemetryConfig(false, Optional.empty(), false, Optional.empty());

  private static final List<String> FIELDS = List.of("prometheus", "host_metrics", "influx");
  private static final List<String> INFLUX_FIELDS = List.of("url", "db", "username", "password", "org", "bucket",
      "token", "token_file", "interval");

  public TelemetryConfig {
    Objects.requireNonNull(prometheus, "prometheus");
    Objects.requireNonNull(influx, "influx");
  }

  /** A listen address: a host name or IP literal (IPv6 without brackets) and a port. */
  public record Listen(String host, int port) {
    public Listen {
      Objects.requireNonNull(host, "host");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port " + port);
      }
    }

    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /**
   * An InfluxDB to push to: version 1 ({@code db}, optional {@code username}/{@code password};
   * also Telegraf's influxdb_listener) or version 2 ({@code org}, {@code bucket}, {@code token}).
   */
  public record Influx(URI url, Optional<String> db, Optional<String> userName, Optional<String> password,
      Optional<String> org, Optional<String> bucket, Optional<String> token, Duration interval) {
    public Influx {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(interval, "interval");
    }

    /** Whether this is the v2 API (org and bucket given). */
    public boolean v2() {
      return org.isPresent();
    }
  }

  static TelemetryConfig parse(Path file, Node node) throws ConfigException {
    if (node instanceof ScalarNode s && AgentConfig.isNull(s)) {
      return new TelemetryConfig(true, Optional.of(DEFAULT_LISTEN), true, Optional.empty());
    }
    Map<String, Node> fields = fields(file, node, "telemetry", FIELDS,
        "'telemetry: {prometheus: 127.0.0.1:9109}'");
    Optional<Listen> listen = Optional.of(DEFAULT_LISTEN);
    if (fields.containsKey("prometheus")) {
      String v = scalar(file, fields.get("prometheus"), "telemetry.prometheus");
      listen = v == null || v.equals("off") || v.equals("false") ? Optional.empty()
          : Optional.of(listen(file, fields.get("prometheus"), v));
    }
    boolean host = true;
    if (fields.containsKey("host_metrics")) {
      String v = scalar(file, fields.get("host_metrics"), "telemetry.host_metrics");
      if (!"true".equals(v) && !"false".equals(v)) {
        throw new ConfigException(AgentConfig.at(file, fields.get("host_metrics").getStartMark())
            + "telemetry.host_metrics: expected true or false, found '" + v + "'");
      }
      host = Boolean.parseBoolean(v);
    }
    Optional<Influx> influx = Optional.empty();
    if (fields.containsKey("influx")) {
      Node n = fields.get("influx");
      if (!(n instanceof ScalarNode s && AgentConfig.isNull(s))) {
        influx = Optional.of(influx(file, n));
      }
    }
    return new TelemetryConfig(true, listen, host, influx);
  }

  private static Listen listen(Path file, Node node, String v) throws ConfigException {
    String where = AgentConfig.at(file, node.getStartMark()) + "telemetry.prometheus: ";
    int colon = v.lastIndexOf(':');
    String host = colon < 0 ? "" : v.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    String port = colon < 0 ? "" : v.substring(colon + 1);
    if (host.isEmpty() || !port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
      throw new ConfigException(where + "'" + v + "' is not HOST:PORT; write 'prometheus: 127.0.0.1:9109' (loopback,"
          + " plain HTTP), 'prometheus: 0.0.0.0:9109' (every address, TLS with client certificates) or"
          + " 'prometheus: off'");
    }
    return new Listen(host, Integer.parseInt(port));
  }

  private static Influx influx(Path file, Node node) throws ConfigException {
    Map<String, Node> f = fields(file, node, "telemetry.influx", INFLUX_FIELDS,
        "'influx: {url: http://127.0.0.1:8086, db: homefleet}'");
    String where = AgentConfig.at(file, node.getStartMark());
    Map<String, String> v = new LinkedHashMap<>();
    for (Map.Entry<String, Node> e : f.entrySet()) {
      v.put(e.getKey(), scalar(file, e.getValue(), "telemetry.influx." + e.getKey()));
    }
    String url = v.get("url");
    if (url == null || url.isBlank()) {
      throw new ConfigException(where + "telemetry.influx.url: missing; set the InfluxDB or Telegraf"
          + " influxdb_listener address, e.g. 'url: http://10.0.0.5:8086'");
    }
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      uri = null;
    }
    if (uri == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
      throw new ConfigException(AgentConfig.at(file, f.get("url").getStartMark()) + "telemetry.influx.url: '" + url
          + "' is not an http:// or https:// URL with a host (example: 'url: http://10.0.0.5:8086')");
    }
    if (v.get("token") != null && v.get("token_file") != null) {
      throw new ConfigException(where + "telemetry.influx: token and token_file: set one of them, not both");
    }
    Optional<String> token = Optional.ofNullable(v.get("token"));
    if (v.get("token_file") != null) {
      Path tf = file.toAbsolutePath().getParent().resolve(v.get("token_file"));
      try {
        token = Optional.of(Files.readString(tf).trim());
      } catch (IOException e) {
        throw new ConfigException(AgentConfig.at(file, f.get("token_file").getStartMark())
            + "telemetry.influx.token_file: cannot read " + tf + ": " + e.getMessage());
      }
    }
    boolean v2 = v.get("org") != null || v.get("bucket") != null;
    if (v2) {
      if (v.get("org") == null || v.get("bucket") == null || token.isEmpty()) {
        throw new ConfigException(where + "telemetry.influx: InfluxDB 2 needs org, bucket and token (or token_file)"
            + " together; for InfluxDB 1.x or Telegraf's influxdb_listener set 'db' instead");
      }
      if (v.get("db") != null) {
        throw new ConfigException(where + "telemetry.influx: db is for InfluxDB 1.x, org and bucket for 2.x; keep"
            + " one of them");
      }
    } else if (v.get("db") == null || v.get("db").isBlank()) {
      throw new ConfigException(where + "telemetry.influx.db: missing; name the InfluxDB 1.x database"
          + " ('db: homefleet'), or give org, bucket and token for InfluxDB 2");
    }
    Duration interval = AgentConfig.duration(where, "telemetry.influx.interval", v.get("interval"), "30s");
    if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ConfigException(where + "telemetry.influx.interval: must be at least 1s, got " + v.get("interval"));
    }
    return new Influx(uri, Optional.ofNullable(v.get("db")), Optional.ofNullable(v.get("username")),
        Optional.ofNullable(v.get("password")), Optional.ofNullable(v.get("org")), Optional.ofNullable(v.get("bucket")),
        token, interval);
  }

  private static Map<String, Node> fields(Path file, Node node, String name, List<String> known, String example)
      throws ConfigException {
    if (!(node instanceof MappingNode map)) {
      throw new ConfigException(AgentConfig.at(file, node.getStartMark()) + name + ": expected 'field: value' pairs"
          + " (example: " + example + "), found " + AgentConfig.describe(node));
    }
    Map<String, Node> out = new LinkedHashMap<>();
    for (NodeTuple t : map.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        throw new ConfigException(AgentConfig.at(file, t.getKeyNode().getStartMark()) + name + ": expected a field name");
      }
      if (!known.contains(k.getValue())) {
        throw new ConfigException(AgentConfig.at(file, k.getStartMark()) + name + ": unknown field '" + k.getValue()
            + "' (known fields: " + String.join(", ", new TreeSet<>(known)) + ")");
      }
      if (out.put(k.getValue(), t.getValueNode()) != null) {
        throw new ConfigException(AgentConfig.at(file, k.getStartMark()) + name + "." + k.getValue()
            + ": given twice; keep one");
      }
    }
    return out;
  }

  private static String scalar(Path file, Node node, String field) throws ConfigException {
    if (!(node instanceof ScalarNode s)) {
      throw new ConfigException(AgentConfig.at(file, node.getStartMark()) + field + ": expected a single value, found "
          + AgentConfig.describe(node));
    }
    return AgentConfig.isNull(s) ? null : s.getValue().trim();
  }
}
