package io.homefleet.e2e.terraform;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.homefleet.e2e.netns.CommandResult;
import io.homefleet.e2e.netns.Commands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A directory of Terraform files as hashicorp/hcl reads them: terraform/check/hcl2json.mjs runs
 * npm's {@code @cdktf/hcl2json} (hcl compiled to WASM) under node and hands back every file's
 * blocks and the syntax tree of every interpolated expression. Nothing here parses HCL itself.
 */
final class TerraformFiles {
  /** The repository root; failsafe sets {@code homefleet.root} (e2e/pom.xml). */
  static final Path ROOT = Path.of(System.getProperty("homefleet.root", "..")).toAbsolutePath().normalize();
  static final Path TERRAFORM = ROOT.resolve("terraform");
  private static final Path CHECK = TERRAFORM.resolve("check");
  // npm ci installs into the build directory, never into the source tree.
  private static final Path TOOL = ROOT.resolve("e2e/target/terraform-check");
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private final Map<String, JsonNode> files;
  private final JsonNode expressions;

  private TerraformFiles(Map<String, JsonNode> files, JsonNode expressions) {
    this.files = files;
    this.expressions = expressions;
  }

  /** Runs the check on {@code dir}: exit 0 and the JSON on stdout, or exit 1 and FILE:LINE,COL errors on stderr. */
  static CommandResult run(Path dir) {
    Path script = tool();
    return Commands.run(Duration.ofSeconds(120), List.of("node", script.toString(), dir.toString()), Map.of());
  }

  private static TerraformFiles repository;

  /** The repository's terraform/, read once for all the tests of this JVM (node and the WASM start take seconds). */
  static synchronized TerraformFiles repository() {
    if (repository == null) {
      repository = read(TERRAFORM);
    }
    return repository;
  }

  /** The files of {@code dir}, which must parse. */
  static TerraformFiles read(Path dir) {
    CommandResult r = run(dir);
    if (!r.ok()) {
      throw new IllegalStateException("terraform files do not parse:\n" + r.all());
    }
    try {
      JsonNode root = JSON.readTree(r.stdout());
      Map<String, JsonNode> files = new LinkedHashMap<>();
      root.get("files").properties().forEach(e -> files.put(e.getKey(), e.getValue()));
      return new TerraformFiles(files, root.get("expressions"));
    } catch (IOException e) {
      throw new UncheckedIOException("hcl2json.mjs printed no JSON: " + r.all(), e);
    }
  }

  /** The file names, in order. */
  List<String> names() {
    return List.copyOf(files.keySet());
  }

  /** hcl's syntax tree of an expression string as it appears in the files. */
  JsonNode tree(String expression) {
    JsonNode tree = expressions.get(expression);
    if (tree == null) {
      throw new IllegalArgumentException("no syntax tree for " + expression);
    }
    if (tree.has("error")) {
      throw new IllegalArgumentException("hcl could not parse " + expression + ": " + tree.get("error").asText());
    }
    return tree;
  }

  /** Every expression string with its syntax tree. */
  Map<String, JsonNode> expressions() {
    Map<String, JsonNode> all = new LinkedHashMap<>();
    expressions.properties().forEach(e -> all.put(e.getKey(), e.getValue()));
    return all;
  }

  /** Every {@code locals} entry, name to file and value. */
  Map<String, Located> locals() {
    Map<String, Located> locals = new LinkedHashMap<>();
    files.forEach((file, body) -> body.path("locals").forEach(block -> block.properties().forEach(e -> {
      Located previous = locals.put(e.getKey(), new Located(file, e.getValue()));
      if (previous != null) {
        throw new IllegalStateException(file + ": local." + e.getKey() + " is defined in " + previous.file() + " too");
      }
    })));
    return locals;
  }

  /** Every {@code variable} block, name to file and block. */
  Map<String, Located> variables() {
    return labelled("variable");
  }

  /** Every block of {@code kind} (resource, data) with two labels, keyed TYPE.NAME. */
  Map<String, Located> blocks(String kind) {
    Map<String, Located> blocks = new LinkedHashMap<>();
    files.forEach((file, body) -> body.path(kind).properties().forEach(type -> type.getValue().properties()
        .forEach(name -> blocks.put(type.getKey() + "." + name.getKey(), new Located(file, name.getValue().get(0))))));
    return blocks;
  }

  /** The blocks of {@code kind} with one label (variable, output), name to file and block. */
  Map<String, Located> labelled(String kind) {
    Map<String, Located> blocks = new LinkedHashMap<>();
    files.forEach((file, body) -> body.path(kind).properties()
        .forEach(e -> blocks.put(e.getKey(), new Located(file, e.getValue().get(0)))));
    return blocks;
  }

  /** Every string of every file with where it is (FILE:block/label/.../attribute), for checks that walk all expressions. */
  Map<String, String> strings() {
    Map<String, String> all = new LinkedHashMap<>();
    files.forEach((file, body) -> collect(file + ":", body, all));
    return all;
  }

  private static void collect(String path, JsonNode node, Map<String, String> into) {
    if (node.isTextual()) {
      into.put(path, node.asText());
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collect(path + "[" + i + "]", node.get(i), into);
      }
    } else {
      node.properties().forEach(e -> collect(path + (path.endsWith(":") ? "" : "/") + e.getKey(), e.getValue(), into));
    }
  }

  /**
   * The check script and its package installed with {@code npm ci} from the committed lock file
   * (once; npm's cache keeps later installs offline).
   */
  private static synchronized Path tool() {
    try {
      Files.createDirectories(TOOL);
      Path lock = TOOL.resolve("package-lock.json");
      boolean current = Files.isDirectory(TOOL.resolve("node_modules/@cdktf/hcl2json")) && Files.exists(lock)
          && Files.mismatch(lock, CHECK.resolve("package-lock.json")) == -1;
      for (String f : List.of("package.json", "package-lock.json", "hcl2json.mjs")) {
        Files.copy(CHECK.resolve(f), TOOL.resolve(f), StandardCopyOption.REPLACE_EXISTING);
      }
      if (!current) {
        CommandResult npm = Commands.run(Duration.ofMinutes(5), List.of("npm", "ci", "--prefix", TOOL.toString(),
            "--no-audit", "--no-fund", "--prefer-offline"), Map.of());
        if (!npm.ok()) {
          throw new IllegalStateException("npm ci of terraform/check failed (npm's registry unreachable?):\n" + npm.all());
        }
      }
      return TOOL.resolve("hcl2json.mjs");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set up " + TOOL, e);
    }
  }

  /** A value and the file it is in. */
  record Located(String file, JsonNode value) {}
}
