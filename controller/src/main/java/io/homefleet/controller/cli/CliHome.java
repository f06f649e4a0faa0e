package io.homefleet.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
    JsonNode node;
    try {
      node = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (IOException e) {
      throw new CliException(1, file + ": " + e.getMessage());
    }
    if (node == null || !node.hasNonNull("controller") || !node.hasNonNull("ca_fingerprint")) {
      throw new CliException(1, file + ": needs 'controller: HOST:PORT' and 'ca_fingerprint: sha256:...'");
    }
    String env = System.getenv("HOMEFLEET_CONTROLLER");
    String controller = controllerOverride != null ? controllerOverride
        : env != null && !env.isBlank() ? env : node.get("controller").asText();
    return new CliHome(dir, controller, node.get("ca_fingerprint").asText());
  }
}
