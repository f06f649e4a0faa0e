package io.homefleet.agent.config;

import io.homefleet.pki.Identity;
import io.homefleet.pki.SecureFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.emitter.Emitter;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.resolver.Resolver;
import org.yaml.snakeyaml.serializer.Serializer;

/**
 * The enroll file cloud-init writes on a VM's first boot ({@code /etc/homefleet/enroll.yaml}):
 * the controller, the CA fingerprint, the single-use token, and the role and labels of this one
 * VM. Every field is optional in the file itself (the image's agent.yaml may name the controller);
 * a field that is there is checked as agent.yaml's is.
 *
 * <p>Once the agent has enrolled, {@link #removeToken} rewrites the file without its token rather
 * than deleting it: the rest of it (controller, fingerprint, host, labels) is what the agent
 * connects with on every later boot, since the image's own agent.yaml is the same on every VM.
 */
public record EnrollFile(Path source, Optional<String> controller, Optional<String> token,
    Optional<String> caFingerprint, Optional<String> host, Optional<String> role, Map<String, String> labels) {

  static final List<String> FIELDS = List.of("controller", "token", "ca_fingerprint", "host", "role", "labels");

  public EnrollFile {
    labels = Map.copyOf(labels);
  }

  /** Reads and checks the file; a problem is named with the file, the field (and line) and the fix. */
  public static EnrollFile read(Path file) throws ConfigException {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(file + ": not a regular file; cloud-init's write_files writes it as one (docs/configuration.md,"
          + " \"First boot\")");
    }
    MappingNode map = AgentConfig.mapping(file);
    if (map == null) {
      throw new ConfigException(file + ": the file is empty; it needs at least 'token:' (and 'controller:' and"
          + " 'ca_fingerprint:' unless agent.yaml has them), as docs/configuration.md, \"First boot\", shows");
    }
    String where = file + ": ";
    Optional<String> controller = Optional.empty();
    Optional<String> token = Optional.empty();
    Optional<String> fingerprint = Optional.empty();
    Optional<String> host = Optional.empty();
    Optional<String> role = Optional.empty();
    Map<String, String> labels = Map.of();
    for (Map.Entry<String, Node> e : AgentConfig.fields(file, map, FIELDS).entrySet()) {
      String key = e.getKey();
      if (key.equals("labels")) {
        labels = AgentConfig.labels(file, e.getValue());
        continue;
      }
      String at = AgentConfig.at(file, e.getValue().getStartMark());
      Optional<String> value = Optional.ofNullable(AgentConfig.scalar(file, key, e.getValue())).map(String::trim)
          .filter(v -> !v.isEmpty());
      if (value.isEmpty()) {
        continue;
      }
      String v = value.get();
      switch (key) {
        case "controller" -> controller = Optional.of(AgentConfig.controller(at, v));
        case "ca_fingerprint" -> fingerprint = Optional.of(AgentConfig.fingerprint(at, v));
        case "host" -> host = Optional.of(AgentConfig.host(at, v));
        case "token" -> {
          AgentConfig.token(at, "token", v);
          token = value;
        }
        default -> {
          if (!Identity.isValidName(v)) {
            throw new ConfigException(at + "role: '" + v + "' is not a valid role (lower-case letters, digits, '.', '_',"
                + " '-'), e.g. 'role: prod'");
          }
          role = value;
        }
      }
    }
    return new EnrollFile(file, controller, token, fingerprint, host, role, labels);
  }

  /**
   * Rewrites {@code file} without its {@code token:} field, atomically and 0600, with a first line
   * saying why; every other field is kept as written (comments are not). Returns false, changing
   * nothing, when the file has no token.
   */
  public static boolean removeToken(Path file, String enrolledAs, Instant when) throws ConfigException, IOException {
    MappingNode map = AgentConfig.mapping(file);
    if (map == null || map.getValue().stream().noneMatch(EnrollFile::isToken)) {
      return false;
    }
    map.setValue(map.getValue().stream().filter(t -> !isToken(t)).toList());
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    StringWriter out = new StringWriter();
    out.write("# homefleet-agent enrolled as " + enrolledAs + " at " + when + " and removed the used (single-use)"
        + " token from this file.\n");
    if (!map.getValue().isEmpty()) {
      // The parsed nodes serialised back: the values keep their quoting, so nothing is re-typed.
      Serializer serializer = new Serializer(new Emitter(out, options), new Resolver(), options, null);
      serializer.open();
      serializer.serialize(map);
      serializer.close();
    }
    SecureFiles.writePrivate(file, out.toString());
    return true;
  }

  private static boolean isToken(org.yaml.snakeyaml.nodes.NodeTuple t) {
    return t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("token");
  }

  /**
   * Takes group and other access off {@code file} (it holds a token), returning its former mode
   * when it had any, so the caller can say so. cloud-init writes it 0600 when told to
   * ({@code permissions: '0600'}); a file written without that is made private here.
   */
  public static Optional<String> makePrivate(Path file) throws IOException {
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
    if (perms.stream().allMatch(p -> p == PosixFilePermission.OWNER_READ || p == PosixFilePermission.OWNER_WRITE
        || p == PosixFilePermission.OWNER_EXECUTE)) {
      return Optional.empty();
    }
    String before = PosixFilePermissions.toString(perms);
    Files.setPosixFilePermissions(file, SecureFiles.OWNER_ONLY);
    return Optional.of(before);
  }
}
