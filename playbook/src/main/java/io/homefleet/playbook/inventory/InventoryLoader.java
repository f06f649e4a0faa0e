package io.homefleet.playbook.inventory;

import io.homefleet.playbook.source.Diagnostic;
import io.homefleet.playbook.source.YamlLoader;
import io.homefleet.playbook.source.YamlNode;
import io.homefleet.playbook.vault.Vault;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads inventory sources: a YAML or INI file, or a directory of them, and the
 * {@code group_vars/} and {@code host_vars/} directories beside the file (or inside the directory).
 */
final class InventoryLoader {
  /** Ansible's INVENTORY_IGNORE_EXTS: files in an inventory directory that are not inventories. */
  private static final List<String> IGNORED = List.of(".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md",
      ".txt", ".rst", ".orig", ".cfg", ".retry");

  private InventoryLoader() {}

  static Inventory load(Path path, Vault vault) throws InventoryException {
    if (!Files.exists(path)) {
      throw new InventoryException(path + ": no such inventory file or directory (give -i an existing path, "
          + "or leave it out to use only enrolled hosts)");
    }
    Inventory.Builder b = new Inventory.Builder();
    Path varsDir;
    if (Files.isDirectory(path)) {
      for (Path f : list(path)) {
        String name = f.getFileName().toString();
        if (Files.isRegularFile(f) && !name.startsWith(".") && IGNORED.stream().noneMatch(name::endsWith)) {
          file(f, b, vault);
        }
      }
      varsDir = path;
    } else {
      file(path, b, vault);
      varsDir = path.toAbsolutePath().getParent();
    }
    varsDirectories(varsDir, b, vault);
    return b.build();
  }

  private static void file(Path file, Inventory.Builder b, Vault vault) throws InventoryException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InventoryException(file + ": cannot read: " + e.getMessage(), e);
    }
    String name = file.getFileName().toString();
    boolean yaml = name.endsWith(".yml") || name.endsWith(".yaml") || name.endsWith(".json");
    if (!yaml && !name.endsWith(".ini")) {
      yaml = looksLikeYaml(text);
    }
    if (yaml) {
      YamlInventoryParser.parse(file, readYaml(file, text, vault), b);
    } else {
      IniInventoryParser.parse(file, text.lines().toList(), b);
    }
  }

  /** An extension-less file is YAML if its first meaningful line is a top-level 'name:' key. */
  private static boolean looksLikeYaml(String text) {
    for (String line : text.lines().toList()) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#") || t.equals("---")) {
        continue;
      }
      return t.matches("[A-Za-z_][A-Za-z0-9_-]*:\\s*(#.*)?");
    }
    return false;
  }

  private static void varsDirectories(Path dir, Inventory.Builder b, Vault vault) throws InventoryException {
    Path groupVars = dir.resolve("group_vars");
    if (Files.isDirectory(groupVars)) {
      for (Inventory.Builder.MutableGroup g : b.groups.values()) {
        g.fileVars.putAll(varsFor(groupVars, g.name, vault));
      }
    }
    Path hostVars = dir.resolve("host_vars");
    if (Files.isDirectory(hostVars)) {
      for (Inventory.Builder.MutableHost h : b.hosts.values()) {
        h.fileVars.putAll(varsFor(hostVars, h.name, vault));
      }
    }
  }

  /** Vars of NAME, NAME.yml, NAME.yaml, NAME.json and every such file under NAME/, later files winning. */
  static Map<String, Object> varsFor(Path dir, String name, Vault vault) throws InventoryException {
    Map<String, Object> vars = new LinkedHashMap<>();
    for (String candidate : List.of(name, name + ".yml", name + ".yaml", name + ".json")) {
      Path f = dir.resolve(candidate);
      if (Files.isRegularFile(f)) {
        vars.putAll(readVarsFile(f, vault));
      }
    }
    Path sub = dir.resolve(name);
    if (Files.isDirectory(sub)) {
      List<Path> files;
      try (Stream<Path> walk = Files.walk(sub)) {
        files = walk.filter(Files::isRegularFile)
            .filter(f -> {
              String n = f.getFileName().toString();
              return !n.startsWith(".") && (n.endsWith(".yml") || n.endsWith(".yaml") || n.endsWith(".json")
                  || !n.contains("."));
            })
            .sorted()
            .toList();
      } catch (IOException e) {
        throw new InventoryException(sub + ": cannot list: " + e.getMessage(), e);
      }
      for (Path f : files) {
        vars.putAll(readVarsFile(f, vault));
      }
    }
    return vars;
  }

  /** A vars file: a YAML (or JSON) mapping of names to values; an empty file is no vars. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> readVarsFile(Path file, Vault vault) throws InventoryException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InventoryException(file + ": cannot read: " + e.getMessage(), e);
    }
    YamlNode root = readYaml(file, text, vault);
    if (root == null || YamlInventoryParser.isNull(root)) {
      return Map.of();
    }
    if (!(root instanceof YamlNode.Mapping)) {
      throw YamlInventoryParser.at(file, root,
          "a vars file must be a mapping of variable names to values, found " + YamlInventoryParser.typeName(root));
    }
    return (Map<String, Object>) root.toPlain();
  }

  /**
   * The document's root (null when empty), read as playbooks are (YAML 1.1 as Ansible's PyYAML,
   * duplicate keys refused); every error in it, each with its file:line:column.
   */
  private static YamlNode readYaml(Path file, String text, Vault vault) throws InventoryException {
    List<Diagnostic> problems = new ArrayList<>();
    Optional<YamlNode> root = YamlLoader.loadFile(file.toString(), text, problems, vault);
    List<String> errors = problems.stream().filter(Diagnostic::isError)
        .map(d -> d.location() + ": " + (d.message().toLowerCase(java.util.Locale.ROOT).contains("vault") ? "" : "not valid YAML: ")
            + d.message().replaceFirst("^YAML syntax error: ", "")).toList();
    if (!errors.isEmpty()) {
      throw new InventoryException(String.join("\n", errors));
    }
    return root.orElse(null);
  }

  private static List<Path> list(Path dir) throws InventoryException {
    try (Stream<Path> s = Files.list(dir)) {
      return new ArrayList<>(s.sorted().toList());
    } catch (IOException e) {
      throw new InventoryException(dir + ": cannot list: " + e.getMessage(), e);
    }
  }
}
