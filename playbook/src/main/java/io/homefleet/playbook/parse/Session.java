package io.homefleet.playbook.parse;

import io.homefleet.playbook.source.Diagnostic;
import io.homefleet.playbook.source.Location;
import io.homefleet.playbook.source.Unsafe;
import io.homefleet.playbook.source.YamlLoader;
import io.homefleet.playbook.source.YamlNode;
import io.homefleet.playbook.vault.Vault;
import io.homefleet.playbook.vault.VaultCipher;
import io.homefleet.playbook.vault.VaultException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The state of one load: what has been found wrong, the bundle being collected, the files being
 * read (to catch include cycles), and where things are allowed to come from.
 */
final class Session {
  /** More than this in the bundle is almost certainly a mistake (a src: pointing at a big tree). */
  private static final long MAX_BUNDLE_BYTES = 256L * 1024 * 1024;

  final Path root;
  private final Path displayBase;
  final List<Path> rolesPath;
  final JinjaSyntax jinja = new JinjaSyntax();
  private final List<Diagnostic> diagnostics = new ArrayList<>();
  private final List<Diagnostic> notes = new ArrayList<>();
  private final Map<String, byte[]> bundle = new TreeMap<>();
  private final Map<Path, String> externalRoleDirs = new LinkedHashMap<>();
  private final Set<String> warnedOnce = new HashSet<>();
  private long bundleBytes;
  final Vault vault;

  Session(Path root, Path displayBase, List<Path> rolesPath, Vault vault) {
    this.root = root;
    this.vault = vault;
    this.displayBase = displayBase;
    this.rolesPath = List.copyOf(rolesPath);
  }

  // ---- diagnostics

  void error(Location at, String message) {
    diagnostics.add(Diagnostic.error(at, message));
  }

  void warning(Location at, String message) {
    diagnostics.add(Diagnostic.warning(at, message));
  }

  /** Something worth knowing that is neither wrong nor ignored: a task that runs Ansible's python module. */
  void note(Location at, String message) {
    notes.add(Diagnostic.note(at, message));
  }

  List<Diagnostic> notes() {
    return List.copyOf(notes);
  }

  /** A warning given once per key and file, so that {@code become: true} on every task says so once. */
  void warnOnce(String key, Location at, String message) {
    if (warnedOnce.add(key + "@" + at.file())) {
      warning(at, message);
    }
  }

  List<Diagnostic> errors() {
    return diagnostics.stream().filter(Diagnostic::isError).toList();
  }

  List<Diagnostic> warnings() {
    return diagnostics.stream().filter(d -> !d.isError()).toList();
  }

  List<Diagnostic> sink() {
    return diagnostics;
  }

  // ---- files

  String display(Path file) {
    Path abs = file.toAbsolutePath().normalize();
    if (abs.startsWith(displayBase)) {
      String rel = displayBase.relativize(abs).toString();
      return rel.isEmpty() ? "." : rel;
    }
    return abs.toString();
  }

  /** Reads a YAML file; empty (with an error recorded) when it cannot be read or parsed. */
  Optional<YamlNode> readYaml(Path file, Location referencedFrom) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      error(referencedFrom, "cannot read " + display(file) + ": " + e.getMessage());
      return Optional.empty();
    }
    return YamlLoader.loadFile(display(file), text, diagnostics, vault);
  }

  /** Registers a role directory outside the playbook's directory, shipped as {@code roles/NAME}. */
  void externalRole(Path dir, String name) {
    externalRoleDirs.putIfAbsent(dir, "roles/" + name);
  }

  /**
   * Whether {@code p} is inside the bundle's roots (the playbook's directory, or a role directory
   * from the roles path), by its normalized path and, when it exists, by its real path, so that a
   * symlink cannot lead outside.
   */
  boolean inBundle(Path p) {
    Path n = p.toAbsolutePath().normalize();
    if (!underRoots(n)) {
      return false;
    }
    if (Files.exists(n)) {
      try {
        return underRoots(n.toRealPath());
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  private boolean underRoots(Path n) {
    if (n.startsWith(root)) {
      return true;
    }
    for (Path d : externalRoleDirs.keySet()) {
      if (n.startsWith(d)) {
        return true;
      }
    }
    return false;
  }

  /** The bundle path of a file inside the bundle's roots. */
  String bundleKey(Path p) {
    Path n = p.toAbsolutePath().normalize();
    if (n.startsWith(root)) {
      return slashes(root.relativize(n));
    }
    for (Map.Entry<Path, String> e : externalRoleDirs.entrySet()) {
      if (n.startsWith(e.getKey())) {
        String rel = slashes(e.getKey().relativize(n));
        return rel.isEmpty() ? e.getValue() : e.getValue() + "/" + rel;
      }
    }
    throw new IllegalArgumentException("not in the bundle: " + p);
  }

  private static String slashes(Path rel) {
    return rel.toString().replace('\\', '/');
  }

  /** Adds a file, or every regular file under a directory, to the bundle. */
  void addToBundle(Path p, Location at) {
    if (Files.isDirectory(p)) {
      try (Stream<Path> files = Files.walk(p)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          if (inBundle(f)) {
            addFile(f, at);
          } else {
            error(at, display(f) + " is a link to outside the playbook's directory"
                + " (nothing can reach outside the bundle; copy the file in instead)");
          }
        }
      } catch (IOException e) {
        error(at, "cannot read " + display(p) + ": " + e.getMessage());
      }
    } else {
      addFile(p, at);
    }
  }

  private void addFile(Path f, Location at) {
    String key = bundleKey(f);
    if (bundle.containsKey(key)) {
      return;
    }
    try {
      byte[] bytes = decryptIfVaulted(Files.readAllBytes(f), f, at);
      bundleBytes += bytes.length;
      if (bundleBytes > MAX_BUNDLE_BYTES) {
        error(at, "the files this playbook ships add up to more than " + (MAX_BUNDLE_BYTES >> 20)
            + " MiB (fetch big files on the host with get_url instead)");
        return;
      }
      bundle.put(key, bytes);
    } catch (IOException e) {
      error(at, "cannot read " + display(f) + ": " + e.getMessage());
    }
  }

  /** A vault-encrypted file a task ships is shipped decrypted, as Ansible's copy and template do. */
  private byte[] decryptIfVaulted(byte[] bytes, Path f, Location at) {
    if (bytes.length < VaultCipher.HEADER.length()
        || !new String(bytes, 0, VaultCipher.HEADER.length(), StandardCharsets.US_ASCII).equals(VaultCipher.HEADER)) {
      return bytes;
    }
    try {
      return vault.decrypt(new String(bytes, StandardCharsets.US_ASCII), display(f)).plaintext();
    } catch (VaultException e) {
      error(at, e.getMessage());
      return bytes;
    }
  }

  Map<String, byte[]> bundle() {
    return bundle;
  }

  // ---- Jinja

  /** Checks every string inside a plain value for Jinja syntax errors. */
  void checkTemplates(Object value, Location at) {
    if (value instanceof String s) {
      checkTemplate(s, at);
    } else if (value instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        checkTemplates(e.getKey(), at);
        checkTemplates(e.getValue(), at);
      }
    } else if (value instanceof List<?> l) {
      for (Object o : l) {
        checkTemplates(o, at);
      }
    } else if (value instanceof Unsafe) {
      return; // never templated, so never checked
    }
  }

  /** Checks each string of a YAML node, each at its own location. */
  void checkTemplates(YamlNode node) {
    if (node instanceof YamlNode.Scalar s) {
      if (s.value() instanceof String str) {
        checkTemplate(str, s.location());
      }
    } else if (node instanceof YamlNode.Mapping m) {
      m.entries().forEach(e -> {
        checkTemplate(e.key(), e.keyLocation());
        checkTemplates(e.value());
      });
    } else if (node instanceof YamlNode.Sequence q) {
      q.items().forEach(this::checkTemplates);
    }
  }

  void checkTemplate(String s, Location at) {
    jinja.checkTemplate(s).ifPresent(p -> error(at, "Jinja syntax error: " + p + " (in '" + snippet(s) + "')"));
  }

  void checkCondition(String expression, Location at) {
    if (JinjaSyntax.isTemplate(expression)) {
      warnOnce("condition-braces:" + at.line(), at, "conditions are already Jinja expressions; drop the {{ }} around '"
          + snippet(expression) + "'");
      checkTemplate(expression, at);
      return;
    }
    jinja.checkExpression(expression).ifPresent(p -> error(at, "Jinja syntax error in condition '" + snippet(expression)
        + "': " + p));
  }

  static String snippet(String s) {
    String one = s.strip().replace("\n", "\\n");
    return one.length() > 60 ? one.substring(0, 57) + "..." : one;
  }
}
