package io.homefleet.controller.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * The operator's {@code HOMEFLEET_HOME} (default {@code ~/.homefleet}): {@code config.yaml} with
 * the controller's address and CA fingerprint (and, on the controller's host, its control
 * socket), {@code operator.key}/{@code operator.crt} and {@code ca.crt}, all written by
 * {@code homefleet ca init}.
 *
 * <p>Where the CLI connects, first match wins: {@code --controller}, else
 * {@code $HOMEFLEET_CONTROLLER}: {@code unix:PATH} is the control socket, anything else a TLS
 * address that is used even when a socket is configured; else {@code controller: unix:PATH} in
 * config.yaml; else {@code socket: PATH} in config.yaml when that socket exists and the caller may
 * write to it (connect(2) needs that); else TLS to {@code controller: HOST:PORT}. Over the socket
 * no key, certificate or CA is read.
 */
record CliHome(Path dir, String controller, String caFingerprint) {
  /** The prefix of a control-socket address. */
  static final String UNIX = "unix:";

  /** The control socket when {@code controller} is one ({@code unix:PATH}); empty for TLS. */
  Optional<Path> socket() {
    return controller.startsWith(UNIX) ? Optional.of(Path.of(controller.substring(UNIX.length()))) : Optional.empty();
  }

  static Path resolveDir(Path explicit) {
    if (explicit != null) {
      return explicit;
    }
    String env = System.getenv("HOMEFLEET_HOME");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".homefleet");
  }

  static CliHome load(Path explicitDir, String controllerOverride) {
    return load(explicitDir, controllerOverride, System.getenv("HOMEFLEET_CONTROLLER"));
  }

  /** As {@link #load(Path, String)}, with {@code $HOMEFLEET_CONTROLLER}'s value given (tests). */
  static CliHome load(Path explicitDir, String controllerOverride, String env) {
    Path dir = resolveDir(explicitDir);
    String forced = controllerOverride != null ? controllerOverride : env != null && !env.isBlank() ? env.trim() : null;
    if (forced != null && forced.startsWith(UNIX)) {
      return onSocket(dir, forced, controllerOverride != null ? "--controller" : "HOMEFLEET_CONTROLLER");
    }
    Path file = dir.resolve("config.yaml");
    if (!Files.isRegularFile(file)) {
      throw new CliException(1, "no operator credentials in " + dir + " (" + file + " is missing): run 'homefleet ca init'"
          + " on the controller, or set HOMEFLEET_HOME to the directory it filled");
    }
    Map<String, String> values = scalars(file);
    if (!values.containsKey("controller") || !values.containsKey("ca_fingerprint")) {
      throw new CliException(1, file + ": needs 'controller: HOST:PORT' and 'ca_fingerprint: sha256:...'");
    }
    String configured = values.get("controller");
    if (forced == null && configured.startsWith(UNIX)) {
      return onSocket(dir, configured, file + ": controller");
    }
    String socket = values.get("socket");
    if (forced == null && socket != null && !socket.isBlank()) {
      Path p = Path.of(socket.trim());
      if (Files.exists(p) && !Files.isDirectory(p) && Files.isWritable(p)) {
        return new CliHome(dir, UNIX + p, "");
      }
    }
    return new CliHome(dir, forced != null ? forced : configured, values.get("ca_fingerprint"));
  }

  private static CliHome onSocket(Path dir, String address, String where) {
    String path = address.substring(UNIX.length()).trim();
    if (path.isEmpty()) {
      throw new CliException(2, where + ": '" + address + "' names no socket (example: unix:/var/lib/homefleet/control.sock)");
    }
    Path p = Path.of(path).toAbsolutePath();
    return new CliHome(dir, UNIX + p, "");
  }

  /**
   * The top-level scalar settings of {@code config.yaml}, through SnakeYAML's composer alone:
   * every CLI command reads this file, and Jackson's YAML mapper cost each one ~0.1 s of start.
   */
  private static Map<String, String> scalars(Path file) {
    LoaderOptions options = new LoaderOptions();
    Node root;
    try (Reader r = Files.newBufferedReader(file)) {
      root = new Composer(new ParserImpl(new StreamReader(r), options), new Resolver(), options).getSingleNode();
    } catch (IOException | YAMLException e) {
      throw new CliException(1, file + ": " + e.getMessage());
    }
    Map<String, String> values = new HashMap<>();
    if (root instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k && t.getValueNode() instanceof ScalarNode v
            && !v.getTag().getValue().endsWith(":null")) {
          values.put(k.getValue(), v.getValue());
        }
      }
    }
    return values;
  }
}
