package io.homefleet.agent.config;

import io.homefleet.pki.EnrollmentTokens;
import io.homefleet.pki.Identity;
import io.homefleet.pki.Keys;
import io.homefleet.pki.PkiException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * The agent's configuration ({@code /etc/homefleet/agent.yaml}), with the enroll file beside it
 * ({@code enroll.yaml}, written by cloud-init on a VM's first boot) laid over it. Validated whole
 * on load: a bad file is refused with the field, the place and the fix, before anything is done.
 * The image's agent.yaml may name no controller at all: the enroll file brings the controller,
 * the CA fingerprint, the token and the labels of the one VM it is written on.
 *
 * @param enrollFile where the enroll file is looked for (whether or not it exists)
 * @param role the role the enroll file expects the controller to assign, if it names one
 */
public record AgentConfig(Path source, String controller, String hostName, Optional<String> token,
    String caFingerprint, Path stateDir, Map<String, String> labels, Duration keepAliveTime,
    Duration keepAliveTimeout, Duration reconnectMax, int maxConcurrentTasks, Duration playWorkerIdle,
    TelemetryConfig telemetry, Path enrollFile, Optional<String> role) {

  public static final Path DEFAULT_FILE = Path.of("/etc/homefleet/agent.yaml");
  /** The enroll file's name, looked for beside agent.yaml unless {@code enroll_file} says otherwise. */
  public static final String ENROLL_FILE_NAME = "enroll.yaml";

  /** The file's fields as written; null where absent. */
  record Yaml(String controller, String host, String token, String tokenFile, String caFingerprint, String stateDir,
      Map<String, String> labels, String keepAliveTime, String keepAliveTimeout, String reconnectMax,
      Integer maxConcurrentTasks, String playWorkerIdle, TelemetryConfig telemetry, String enrollFile) {
    static final Yaml EMPTY = new Yaml(null, null, null, null, null, null, null, null, null, null, null, null,
        TelemetryConfig.OFF, null);

    /** These fields with the enroll file's laid over them: its values win, its labels are added. */
    Yaml with(EnrollFile e) {
      Map<String, String> merged = new LinkedHashMap<>(labels == null ? Map.of() : labels);
      merged.putAll(e.labels());
      boolean hasToken = e.token().isPresent();
      return new Yaml(e.controller().orElse(controller), e.host().orElse(host), hasToken ? e.token().get() : token,
          hasToken ? null : tokenFile, e.caFingerprint().orElse(caFingerprint), stateDir, merged, keepAliveTime,
          keepAliveTimeout, reconnectMax, maxConcurrentTasks, playWorkerIdle, telemetry, enrollFile);
    }
  }

  private static final List<String> FIELDS = List.of("controller", "host", "token", "token_file", "ca_fingerprint",
      "state_dir", "labels", "keepalive_time", "keepalive_timeout", "reconnect_max", "max_concurrent_tasks", "play_worker_idle",
      "telemetry", "enroll_file");

  /** What loading found: a configuration to run with, or a first boot that waits for its enroll file. */
  public sealed interface Loaded permits Ready, Waiting {}

  /** A whole configuration. */
  public record Ready(AgentConfig config) implements Loaded {}

  /**
   * No configuration to run with yet: the enroll file is missing (and agent.yaml alone does not
   * name a controller), or it is there but malformed, or there is nothing to enroll with.
   *
   * @param reason one line a person reads: the file, the field and the fix
   * @param malformed true when the enroll file is there but wrong (an error, not the normal wait)
   */
  public record Waiting(Path stateDir, String host, Path enrollFile, String reason, boolean malformed)
      implements Loaded {}

  public AgentConfig {
    labels = Map.copyOf(labels);
    java.util.Objects.requireNonNull(telemetry, "telemetry");
    java.util.Objects.requireNonNull(enrollFile, "enrollFile");
  }

  public Path identityFile() {
    return stateDir.resolve("identity.pem");
  }

  public Path caFile() {
    return stateDir.resolve("ca.crt");
  }

  /** The whole configuration; a first boot still waiting for its enroll file is an error here, with the reason. */
  public static AgentConfig load(Path file) throws ConfigException {
    Loaded l = loadForFirstBoot(file);
    if (l instanceof Waiting w) {
      throw new ConfigException(w.reason());
    }
    return ((Ready) l).config();
  }

  /**
   * agent.yaml with the enroll file laid over it. An error in agent.yaml is thrown; a missing or
   * malformed enroll file is a {@link Waiting}, since cloud-init may write (or rewrite) it later.
   */
  public static Loaded loadForFirstBoot(Path file) throws ConfigException {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(file + ": no such file (write one from docs/configuration.md, or pass --config FILE)");
    }
    Yaml parsed = parse(file);
    Yaml y = parsed == null ? Yaml.EMPTY : parsed;
    Path dir = file.toAbsolutePath().getParent();
    Path enrollFile = dir.resolve(y.enrollFile() == null ? ENROLL_FILE_NAME : y.enrollFile());
    Path stateDir = y.stateDir() == null ? Path.of("/var/lib/homefleet-agent") : dir.resolve(y.stateDir());
    String host = y.host() == null || y.host().isBlank() ? systemHostName() : y.host().trim();
    Optional<String> role = Optional.empty();
    if (Files.exists(enrollFile)) {
      EnrollFile e;
      try {
        e = EnrollFile.read(enrollFile);
        if (e.controller().isEmpty() && y.controller() == null) {
          throw new ConfigException(enrollFile + ": controller: missing; set it to the controller's HOST:PORT, e.g."
              + " 'controller: 10.0.0.2:7443' (neither this file nor " + file + " names one)");
        }
        if (e.caFingerprint().isEmpty() && y.caFingerprint() == null) {
          throw new ConfigException(enrollFile + ": ca_fingerprint: missing; set it to the fingerprint 'homefleet token"
              + " create' prints, e.g. 'ca_fingerprint: \"sha256:FD:3E:...\"' (neither this file nor " + file
              + " names one)");
        }
      } catch (ConfigException ex) {
        return new Waiting(stateDir, host, enrollFile, ex.getMessage(), true);
      }
      y = y.with(e);
      role = e.role();
    } else if (y.controller() == null || y.caFingerprint() == null) {
      String what = parsed == null ? "the file is empty" : (y.controller() == null ? "controller" : "ca_fingerprint")
          + ": missing";
      return new Waiting(stateDir, host, enrollFile, file + ": " + what + ", and there is no enroll file " + enrollFile
          + " (cloud-init writes it on first boot: docs/configuration.md, \"First boot\"; without one, set"
          + " 'controller: HOST:PORT' and 'ca_fingerprint' here)", false);
    }
    return new Ready(validate(file, y, enrollFile, role));
  }

  /**
   * Reads the file with SnakeYAML's node API (a real YAML parser that keeps every node's line and
   * column) rather than a data binder: the agent is resident on every VM, and a binder's classes
   * cost more memory than the rest of its configuration handling together.
   */
  private static Yaml parse(Path file) throws ConfigException {
    MappingNode map = mapping(file);
    if (map == null) {
      return null;
    }
    Map<String, String> scalars = new LinkedHashMap<>();
    Map<String, String> labels = null;
    TelemetryConfig telemetry = null;
    for (Map.Entry<String, Node> e : fields(file, map, FIELDS).entrySet()) {
      String key = e.getKey();
      if (key.equals("labels")) {
        labels = labels(file, e.getValue());
      } else if (key.equals("telemetry")) {
        telemetry = TelemetryConfig.parse(file, e.getValue());
      } else {
        scalars.put(key, scalar(file, key, e.getValue()));
      }
    }
    Integer max = null;
    if (scalars.get("max_concurrent_tasks") != null) {
      try {
        max = Integer.valueOf(scalars.get("max_concurrent_tasks").trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(file + ": max_concurrent_tasks: '" + scalars.get("max_concurrent_tasks")
            + "' is not a whole number (example: 'max_concurrent_tasks: 4')");
      }
    }
    return new Yaml(scalars.get("controller"), scalars.get("host"), scalars.get("token"), scalars.get("token_file"),
        scalars.get("ca_fingerprint"), scalars.get("state_dir"), labels, scalars.get("keepalive_time"),
        scalars.get("keepalive_timeout"), scalars.get("reconnect_max"), max, scalars.get("play_worker_idle"),
        telemetry == null ? TelemetryConfig.OFF : telemetry, scalars.get("enroll_file"));
  }

  /** The file's top-level mapping, null for an empty file; a YAML error names the file, line and column. */
  static MappingNode mapping(Path file) throws ConfigException {
    Node root;
    try (Reader r = Files.newBufferedReader(file)) {
      // The composer alone: no object constructor (bean introspection, calendars, logging).
      LoaderOptions options = new LoaderOptions();
      root = new Composer(new ParserImpl(new StreamReader(r), options), new Resolver(), options).getSingleNode();
    } catch (MarkedYAMLException e) {
      throw new ConfigException(at(file, e.getProblemMark()) + "not valid YAML: " + e.getProblem());
    } catch (YAMLException e) {
      throw new ConfigException(file + ": not valid YAML: " + firstLine(e.getMessage()));
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage());
    }
    if (root == null) {
      return null;
    }
    if (!(root instanceof MappingNode map)) {
      throw new ConfigException(at(file, root.getStartMark()) + "expected 'field: value' lines, found "
          + describe(root));
    }
    return map;
  }

  /** The mapping's fields by name, in file order; a name given twice or not in {@code known} is refused at its place. */
  static Map<String, Node> fields(Path file, MappingNode map, List<String> known) throws ConfigException {
    Map<String, Node> fields = new LinkedHashMap<>();
    for (NodeTuple t : map.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode keyNode)) {
        throw new ConfigException(at(file, t.getKeyNode().getStartMark()) + "expected a field name");
      }
      String key = keyNode.getValue();
      if (fields.containsKey(key)) {
        throw new ConfigException(at(file, keyNode.getStartMark()) + key + ": given twice; keep one");
      }
      if (!known.contains(key)) {
        throw new ConfigException(at(file, keyNode.getStartMark()) + "unknown field '" + key + "' (known fields: "
            + String.join(", ", new TreeSet<>(known)) + ")");
      }
      fields.put(key, t.getValueNode());
    }
    return fields;
  }

  /** A single value, null when written as null (or nothing). */
  static String scalar(Path file, String key, Node value) throws ConfigException {
    if (value instanceof ScalarNode sv) {
      return isNull(sv) ? null : sv.getValue();
    }
    throw new ConfigException(at(file, value.getStartMark()) + key + ": expected a single value, found "
        + describe(value));
  }

  static Map<String, String> labels(Path file, Node value) throws ConfigException {
    if (value instanceof ScalarNode sv && isNull(sv)) {
      return Map.of();
    }
    if (!(value instanceof MappingNode m)) {
      throw new ConfigException(at(file, value.getStartMark()) + "labels: expected 'key: value' pairs (example:"
          + " 'labels: {rack: a}'), found " + describe(value));
    }
    Map<String, String> labels = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k) || !(t.getValueNode() instanceof ScalarNode v)) {
        throw new ConfigException(at(file, t.getKeyNode().getStartMark())
            + "labels: each label is 'key: value' with plain values");
      }
      labels.put(k.getValue(), v.getValue());
    }
    return labels;
  }

  static boolean isNull(ScalarNode n) {
    return n.getTag().getValue().endsWith(":null");
  }

  static String describe(Node n) {
    return switch (n.getNodeId()) {
      case mapping -> "a mapping";
      case sequence -> "a list";
      case scalar -> "'" + ((ScalarNode) n).getValue() + "'";
      default -> "an alias";
    };
  }

  static String at(Path file, Mark mark) {
    return mark == null ? file + ": " : file + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1) + ": ";
  }

  private static AgentConfig validate(Path file, Yaml y, Path enrollFile, Optional<String> role)
      throws ConfigException {
    String where = file + ": ";
    String controller = controller(where, y.controller());
    String fingerprint = fingerprint(where, y.caFingerprint());
    String host = host(where, y.host() == null || y.host().isBlank() ? systemHostName() : y.host());
    if (y.token() != null && y.tokenFile() != null) {
      throw new ConfigException(where + "token and token_file: set one of them, not both");
    }
    Optional<String> token = Optional.ofNullable(y.token()).map(String::trim);
    if (y.tokenFile() != null) {
      Path tf = file.toAbsolutePath().getParent().resolve(y.tokenFile());
      try {
        token = Files.exists(tf) ? Optional.of(Files.readString(tf).trim()) : Optional.empty();
      } catch (IOException e) {
        throw new ConfigException(where + "token_file: cannot read " + tf + ": " + e.getMessage());
      }
    }
    if (token.isPresent()) {
      token(where, y.tokenFile() != null ? "token_file" : "token", token.get());
    }
    Path stateDir = y.stateDir() == null ? Path.of("/var/lib/homefleet-agent")
        : file.toAbsolutePath().getParent().resolve(y.stateDir());
    int max = y.maxConcurrentTasks() == null ? 4 : y.maxConcurrentTasks();
    if (max < 1 || max > 256) {
      throw new ConfigException(where + "max_concurrent_tasks: must be between 1 and 256, got " + max);
    }
    Duration keepAlive = duration(where, "keepalive_time", y.keepAliveTime(), "30s");
    if (keepAlive.compareTo(Duration.ofSeconds(10)) < 0) {
      throw new ConfigException(where + "keepalive_time: must be at least 10s (the controller's permit_keepalive_time"
          + " default); shorter pings are answered with GOAWAY too_many_pings");
    }
    return new AgentConfig(file, controller, host, token.filter(t -> !t.isEmpty()), fingerprint, stateDir,
        y.labels() == null ? Map.of() : y.labels(), keepAlive,
        duration(where, "keepalive_timeout", y.keepAliveTimeout(), "10s"),
        duration(where, "reconnect_max", y.reconnectMax(), "60s"), max,
        duration(where, "play_worker_idle", y.playWorkerIdle(), "30s"), y.telemetry(), enrollFile, role);
  }

  /** {@code value} as HOST:PORT, trimmed; {@code where} is the message's start (the file). */
  static String controller(String where, String value) throws ConfigException {
    if (value == null || value.isBlank()) {
      throw new ConfigException(where + "controller: missing; set it to the controller's HOST:PORT, e.g. 'controller: 10.0.0.2:7443'");
    }
    String controller = value.trim();
    int colon = controller.lastIndexOf(':');
    if (colon <= 0 || !controller.substring(colon + 1).matches("\\d{1,5}")
        || Integer.parseInt(controller.substring(colon + 1)) > 65535) {
      throw new ConfigException(where + "controller: '" + controller + "' is not HOST:PORT (example: 'controller: 10.0.0.2:7443')");
    }
    return controller;
  }

  /** The CA fingerprint in its one written form ({@code sha256:AB:CD:...}). */
  static String fingerprint(String where, String value) throws ConfigException {
    try {
      return Keys.normaliseFingerprint(value);
    } catch (PkiException e) {
      throw new ConfigException(where + "ca_fingerprint: " + e.getMessage());
    }
  }

  static String host(String where, String value) throws ConfigException {
    String host = value.trim();
    if (!Identity.isValidName(host)) {
      throw new ConfigException(where + "host: '" + host + "' is not a valid host name (lower-case letters, digits, "
          + "'.', '_', '-'; set 'host:' explicitly if the system host name does not fit)");
    }
    return host;
  }

  /** Refuses a token that is not one 'homefleet token create' prints; an empty one is no token. */
  static void token(String where, String field, String token) throws ConfigException {
    if (!token.isEmpty() && !EnrollmentTokens.wellFormed(token)) {
      throw new ConfigException(where + field
          + ": malformed enrollment token: expected 'hf1.' followed by 43 base64url characters, as printed by"
          + " 'homefleet token create'");
    }
  }

  static Duration duration(String where, String field, String value, String dflt) throws ConfigException {
    String v = value == null ? dflt : value.trim();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)").matcher(v);
    if (!m.matches()) {
      throw new ConfigException(where + field + ": '" + v + "' is not a duration (examples: 500ms, 30s, 5m, 1h)");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  static String systemHostName() {
    try {
      String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
      int dot = h.indexOf('.');
      return (dot > 0 ? h.substring(0, dot) : h).toLowerCase(java.util.Locale.ROOT);
    } catch (IOException e) {
      return "";
    }
  }

  private static String firstLine(String s) {
    int nl = s == null ? -1 : s.indexOf('\n');
    return nl < 0 ? String.valueOf(s) : s.substring(0, nl);
  }
}
