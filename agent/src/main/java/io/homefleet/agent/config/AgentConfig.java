package io.homefleet.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.homefleet.pki.EnrollmentTokens;
import io.homefleet.pki.Identity;
import io.homefleet.pki.Keys;
import io.homefleet.pki.PkiException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The agent's configuration ({@code /etc/homefleet/agent.yaml}). Validated whole on load: a bad
 * file is refused with the field, the place and the fix, before anything is done.
 */
public record AgentConfig(Path source, String controller, String hostName, Optional<String> token,
    String caFingerprint, Path stateDir, Map<String, String> labels, Duration keepAliveTime,
    Duration keepAliveTimeout, Duration reconnectMax, int maxConcurrentTasks) {

  public static final Path DEFAULT_FILE = Path.of("/etc/homefleet/agent.yaml");

  record Yaml(@JsonProperty("controller") String controller, @JsonProperty("host") String host,
      @JsonProperty("token") String token, @JsonProperty("token_file") String tokenFile,
      @JsonProperty("ca_fingerprint") String caFingerprint, @JsonProperty("state_dir") String stateDir,
      @JsonProperty("labels") Map<String, String> labels, @JsonProperty("keepalive_time") String keepAliveTime,
      @JsonProperty("keepalive_timeout") String keepAliveTimeout, @JsonProperty("reconnect_max") String reconnectMax,
      @JsonProperty("max_concurrent_tasks") Integer maxConcurrentTasks) {}

  public AgentConfig {
    labels = Map.copyOf(labels);
  }

  public Path identityFile() {
    return stateDir.resolve("identity.pem");
  }

  public Path caFile() {
    return stateDir.resolve("ca.crt");
  }

  public static AgentConfig load(Path file) throws ConfigException {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(file + ": no such file (write one from docs/configuration.md, or pass --config FILE)");
    }
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
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
      throw new ConfigException(at(file, e) + firstLine(e.getOriginalMessage()));
    } catch (JsonProcessingException e) {
      throw new ConfigException(at(file, e) + "not valid YAML: " + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage());
    }
    if (y == null) {
      throw new ConfigException(file + ": the file is empty; it needs at least controller, ca_fingerprint and token");
    }
    return validate(file, y);
  }

  private static String at(Path file, JsonProcessingException e) {
    return e.getLocation() == null ? file + ": "
        : file + ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr() + ": ";
  }

  private static AgentConfig validate(Path file, Yaml y) throws ConfigException {
    String where = file + ": ";
    if (y.controller() == null || y.controller().isBlank()) {
      throw new ConfigException(where + "controller: missing; set it to the controller's HOST:PORT, e.g. 'controller: 10.0.0.2:7443'");
    }
    String controller = y.controller().trim();
    int colon = controller.lastIndexOf(':');
    if (colon <= 0 || !controller.substring(colon + 1).matches("\\d{1,5}")
        || Integer.parseInt(controller.substring(colon + 1)) > 65535) {
      throw new ConfigException(where + "controller: '" + controller + "' is not HOST:PORT (example: 'controller: 10.0.0.2:7443')");
    }
    String fingerprint;
    try {
      fingerprint = Keys.normaliseFingerprint(y.caFingerprint());
    } catch (PkiException e) {
      throw new ConfigException(where + "ca_fingerprint: " + e.getMessage());
    }
    String host = y.host() == null || y.host().isBlank() ? systemHostName() : y.host().trim();
    if (!Identity.isValidName(host)) {
      throw new ConfigException(where + "host: '" + host + "' is not a valid host name (lower-case letters, digits, "
          + "'.', '_', '-'; set 'host:' explicitly if the system host name does not fit)");
    }
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
    if (token.isPresent() && !token.get().isEmpty() && !EnrollmentTokens.wellFormed(token.get())) {
      throw new ConfigException(where + (y.tokenFile() != null ? "token_file" : "token")
          + ": malformed enrollment token: expected 'hf1.' followed by 43 base64url characters, as printed by"
          + " 'homefleet token create'");
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
        duration(where, "reconnect_max", y.reconnectMax(), "60s"), max);
  }

  private static Duration duration(String where, String field, String value, String dflt) throws ConfigException {
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

  private static String systemHostName() {
    try {
      String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
      int dot = h.indexOf('.');
      return (dot > 0 ? h.substring(0, dot) : h).toLowerCase(java.util.Locale.ROOT);
    } catch (IOException e) {
      return "";
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
