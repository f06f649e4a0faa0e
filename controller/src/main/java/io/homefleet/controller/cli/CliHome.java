package io.homefleet.controller.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
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
 * the controller's address and CA fingerprint, {@code operator.key}/{@code operator.crt} and
 * {@code ca.crt}, all written by {@code homefleet ca init}.
 */
record CliHome(Path dir, String controller, String caFingerprint) {

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
    Path dir = resolveDir(explicitDir);
    Path file = dir.resolve("config.yaml");
    if (!Files.isRegularFile(file)) {
      throw new CliException(1, "no operator credentials in " + dir + " (" + file + " is missing): run 'homefleet ca init'"
          + " on the controller, or set HOMEFLEET_HOME to the directory it filled");
    }
    Map<String, String> values = scalars(file);
    if (!values.containsKey("controller") || !values.containsKey("ca_fingerprint")) {
      throw new CliException(1, file + ": needs 'controller: HOST:PORT' and 'ca_fingerprint: sha256:...'");
    }
    String env = System.getenv("HOMEFLEET_CONTROLLER");
    String controller = controllerOverride != null ? controllerOverride
        : env != null && !env.isBlank() ? env : values.get("controller");
    return new CliHome(dir, controller, values.get("ca_fingerprint"));
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
