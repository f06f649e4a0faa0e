package io.homefleet.playbook.source;

import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import io.homefleet.playbook.vault.Vault;
import io.homefleet.playbook.vault.VaultCipher;
import io.homefleet.playbook.vault.VaultException;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.scanner.ScannerImpl;

/**
 * Reads one YAML document into {@link YamlNode}s that remember their file, line and column.
 *
 * <p>It follows Ansible (PyYAML, YAML 1.1): {@code yes}/{@code no}/{@code on}/{@code off} are
 * booleans, {@code 0644} is octal, merge keys ({@code <<}) work. {@code !unsafe} strings become
 * {@link Unsafe}; {@code !vault} values are decrypted with the load's {@link Vault} (and a whole
 * file that is vault-encrypted, by {@link #loadFile}), their plaintexts recorded there as secrets. Duplicate keys are
 * errors, not the silent last-one-wins of most YAML libraries. Every problem goes to the caller's
 * list; loading goes on where it can so that one run reports as much as possible.
 *
 * <p>SnakeYAML's composer rather than Jackson's streaming parser: its nodes carry their tags and
 * marks and it resolves anchors and aliases, which Ansible playbooks use.
 */
public final class YamlLoader {
  private static final Tag UNSAFE = new Tag("!unsafe");
  private static final Tag VAULT = new Tag("!vault");
  private static final Tag VAULT_OLD = new Tag("!vault-encrypted");
  private static final Pattern INT_DECIMAL = Pattern.compile("[-+]?(0|[1-9][0-9_]*)");

  static {
    // PyYAML, which ansible-playbook reads playbooks with, also takes "\/" and an escaped tab in
    // double-quoted scalars (YAML 1.2's escapes); SnakeYAML's scanner keeps its table in this map.
    ScannerImpl.ESCAPE_REPLACEMENTS.putIfAbsent('/', "/");
    ScannerImpl.ESCAPE_REPLACEMENTS.putIfAbsent('\t', "\t");
  }
  private static final Pattern INT_OCTAL = Pattern.compile("[-+]?0[0-7_]+");
  private static final Pattern INT_OCTAL_O = Pattern.compile("[-+]?0o[0-7_]+");
  private static final Pattern INT_HEX = Pattern.compile("[-+]?0x[0-9a-fA-F_]+");
  private static final Pattern INT_BIN = Pattern.compile("[-+]?0b[01_]+");

  private YamlLoader() {}

  /**
   * Parses {@code text} as one YAML document.
   *
   * @param file the file's display path, used in every location
   * @param text the file's content
   * @param problems receives every error found
   * @return the document's root, or empty when the document is empty or cannot be parsed
   */
  public static Optional<YamlNode> load(String file, String text, List<Diagnostic> problems) {
    return load(file, text, problems, Vault.none());
  }

  /**
   * Parses a file's content, decrypting it first when it is vault-encrypted as a whole (then every
   * string in it is a secret of {@code vault}), and every {@code !vault} value in it.
   */
  public static Optional<YamlNode> loadFile(String file, String text, List<Diagnostic> problems, Vault vault) {
    if (!VaultCipher.isEncrypted(text)) {
      return load(file, text, problems, vault);
    }
    String plain;
    try {
      plain = new String(vault.decrypt(text, file).plaintext(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (VaultException e) {
      problems.add(Diagnostic.error(Location.of(file), e.getMessage() + (vault.hasSecrets() ? "" : HINT)));
      return Optional.empty();
    }
    Optional<YamlNode> root = load(file, plain, problems, vault);
    root.ifPresent(r -> revealStrings(r, vault));
    return root;
  }

  private static final String HINT = " (give the vault password with --vault-password-file FILE or"
      + " --vault-id LABEL@FILE)";

  private static void revealStrings(YamlNode node, Vault vault) {
    if (node instanceof YamlNode.Scalar s && s.value() instanceof String str) {
      vault.reveal(str);
    } else if (node instanceof YamlNode.Mapping m) {
      m.entries().forEach(e -> revealStrings(e.value(), vault));
    } else if (node instanceof YamlNode.Sequence q) {
      q.items().forEach(i -> revealStrings(i, vault));
    }
  }

  /** As {@link #load(String, String, List)}, decrypting {@code !vault} values with {@code vault}. */
  public static Optional<YamlNode> load(String file, String text, List<Diagnostic> problems, Vault vault) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(true); // reported by us, with a location
    options.setMaxAliasesForCollections(100);
    options.setAllowRecursiveKeys(false);
    options.setProcessComments(false);
    DumperOptions dump = new DumperOptions();
    Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(dump), dump, options);
    Node root;
    try {
      root = yaml.compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      problems.add(Diagnostic.error(at(file, e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark()),
          "YAML syntax error: " + describe(e) + " (check indentation and quoting near here)"));
      return Optional.empty();
    } catch (YAMLException e) {
      problems.add(Diagnostic.error(Location.of(file), "YAML error: " + e.getMessage()));
      return Optional.empty();
    }
    if (root == null) {
      return Optional.empty();
    }
    return Optional.of(new Converter(file, problems, vault).convert(root, new HashSet<>()));
  }

  private static String describe(MarkedYAMLException e) {
    String problem = e.getProblem() == null ? "" : e.getProblem();
    String context = e.getContext() == null ? "" : e.getContext();
    return context.isEmpty() ? problem : problem + " (" + context + ")";
  }

  private static Location at(String file, Mark mark) {
    if (mark == null) {
      return Location.of(file);
    }
    return new Location(file, mark.getLine() + 1, mark.getColumn() + 1);
  }

  private static final class Converter {
    private final String file;
    private final List<Diagnostic> problems;
    private final Vault vault;

    Converter(String file, List<Diagnostic> problems, Vault vault) {
      this.file = file;
      this.problems = problems;
      this.vault = vault;
    }

    YamlNode convert(Node node, Set<Node> path) {
      Location loc = at(file, node.getStartMark());
      Tag tag = node.getTag();
      if (tag.equals(VAULT) || tag.equals(VAULT_OLD)) {
        return vaulted(node, loc);
      }
      if (!path.add(node)) {
        problems.add(Diagnostic.error(loc, "recursive YAML alias (an anchor refers to itself)"));
        return new YamlNode.Scalar(null, "", loc);
      }
      try {
        if (node instanceof ScalarNode s) {
          return scalar(s, loc);
        }
        if (node instanceof SequenceNode seq) {
          checkCollectionTag(tag, Tag.SEQ, loc);
          List<YamlNode> items = new ArrayList<>();
          for (Node item : seq.getValue()) {
            items.add(convert(item, path));
          }
          return new YamlNode.Sequence(items, loc);
        }
        MappingNode map = (MappingNode) node;
        checkCollectionTag(tag, Tag.MAP, loc);
        return mapping(map, loc, path);
      } finally {
        path.remove(node);
      }
    }

    /** A {@code !vault} value: its plaintext as a string, as Ansible's AnsibleVaultEncryptedUnicode reads. */
    private YamlNode vaulted(Node node, Location loc) {
      if (!(node instanceof ScalarNode s)) {
        problems.add(Diagnostic.error(loc, "!vault takes the vault text as a string (a block scalar: '!vault |'),"
            + " not a " + describeKind(node)));
        return new YamlNode.Scalar(null, "", loc);
      }
      try {
        return new YamlNode.Scalar(vault.decryptString(s.getValue(), file), "", loc);
      } catch (VaultException e) {
        problems.add(Diagnostic.error(loc, e.getMessage() + (vault.hasSecrets() ? "" : HINT)));
        return new YamlNode.Scalar(null, "", loc);
      }
    }

    private void checkCollectionTag(Tag tag, Tag expected, Location loc) {
      if (!tag.equals(expected)) {
        problems.add(Diagnostic.error(loc, "YAML tag " + tag.getValue() + " is not supported here"
            + (tag.equals(UNSAFE) ? " (!unsafe marks strings only; tag each string)" : "")));
      }
    }

    private YamlNode mapping(MappingNode map, Location loc, Set<Node> path) {
      Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
      Map<String, YamlNode.Entry> merged = new LinkedHashMap<>();
      for (NodeTuple t : map.getValue()) {
        Node keyNode = t.getKeyNode();
        Location keyLoc = at(file, keyNode.getStartMark());
        if (keyNode.getTag().equals(Tag.MERGE)) {
          merge(t.getValueNode(), merged, path);
          continue;
        }
        if (!(keyNode instanceof ScalarNode ks)) {
          problems.add(Diagnostic.error(keyLoc, "mapping keys must be plain strings, not a " + describeKind(keyNode)));
          continue;
        }
        YamlNode key = scalar(ks, keyLoc);
        String name = key.toPlain() == null ? "null" : String.valueOf(key.toPlain());
        YamlNode.Entry previous = entries.get(name);
        if (previous != null) {
          problems.add(Diagnostic.error(keyLoc, "duplicate key '" + name + "' (first at line "
              + previous.keyLocation().line() + "; remove one of them)"));
          entries.remove(name); // the last one wins, in the position it was written
        }
        entries.put(name, new YamlNode.Entry(name, keyLoc, convert(t.getValueNode(), path)));
      }
      List<YamlNode.Entry> out = new ArrayList<>();
      for (YamlNode.Entry e : merged.values()) {
        if (!entries.containsKey(e.key())) {
          out.add(e);
        }
      }
      out.addAll(entries.values());
      return new YamlNode.Mapping(out, loc);
    }

    /** YAML merge keys: explicit keys win, and earlier merged maps win over later ones. */
    private void merge(Node value, Map<String, YamlNode.Entry> into, Set<Node> path) {
      List<Node> sources = new ArrayList<>();
      if (value instanceof SequenceNode seq) {
        sources.addAll(seq.getValue());
      } else {
        sources.add(value);
      }
      for (Node source : sources) {
        YamlNode converted = convert(source, path);
        if (converted instanceof YamlNode.Mapping m) {
          for (YamlNode.Entry e : m.entries()) {
            into.putIfAbsent(e.key(), e);
          }
        } else {
          problems.add(Diagnostic.error(converted.location(), "a merge key (<<) takes a mapping or a list of mappings"));
        }
      }
    }

    private static String describeKind(Node n) {
      return n instanceof SequenceNode ? "list" : n instanceof MappingNode ? "mapping" : "scalar";
    }

    private YamlNode scalar(ScalarNode s, Location loc) {
      String text = s.getValue();
      Tag tag = s.getTag();
      if (tag.equals(UNSAFE)) {
        return new YamlNode.Scalar(new Unsafe(text), text, loc);
      }
      if (tag.equals(Tag.STR) || tag.equals(Tag.TIMESTAMP) || tag.equals(Tag.BINARY)) {
        return new YamlNode.Scalar(text, text, loc);
      }
      if (tag.equals(Tag.NULL)) {
        return new YamlNode.Scalar(null, text, loc);
      }
      if (tag.equals(Tag.BOOL)) {
        String t = text.toLowerCase(java.util.Locale.ROOT);
        return new YamlNode.Scalar(t.equals("yes") || t.equals("true") || t.equals("on"), text, loc);
      }
      if (tag.equals(Tag.INT)) {
        return new YamlNode.Scalar(integer(text).orElse(text), text, loc);
      }
      if (tag.equals(Tag.FLOAT)) {
        return new YamlNode.Scalar(floating(text).orElse(text), text, loc);
      }
      problems.add(Diagnostic.error(loc, "YAML tag " + tag.getValue() + " is not supported"
          + " (homefleet knows !unsafe; remove the tag)"));
      return new YamlNode.Scalar(text, text, loc);
    }
  }

  static Optional<Object> integer(String text) {
    String t = text.replace("_", "");
    boolean negative = t.startsWith("-");
    String body = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
    BigInteger value;
    try {
      if (INT_HEX.matcher(t).matches()) {
        value = new BigInteger(body.substring(2), 16);
      } else if (INT_BIN.matcher(t).matches()) {
        value = new BigInteger(body.substring(2), 2);
      } else if (INT_OCTAL_O.matcher(t).matches()) {
        value = new BigInteger(body.substring(2), 8);
      } else if (INT_OCTAL.matcher(t).matches()) {
        value = new BigInteger(body.substring(1), 8);
      } else if (INT_DECIMAL.matcher(t).matches()) {
        value = new BigInteger(body);
      } else if (body.contains(":")) {
        value = BigInteger.ZERO; // sexagesimal (1:30), YAML 1.1
        for (String part : body.split(":")) {
          value = value.multiply(BigInteger.valueOf(60)).add(new BigInteger(part));
        }
      } else {
        return Optional.empty();
      }
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    if (negative) {
      value = value.negate();
    }
    if (value.bitLength() < 32) {
      return Optional.of(value.intValue());
    }
    if (value.bitLength() < 64) {
      return Optional.of(value.longValue());
    }
    return Optional.of(value);
  }

  static Optional<Object> floating(String text) {
    String t = text.replace("_", "").toLowerCase(java.util.Locale.ROOT);
    switch (t) {
      case ".inf", "+.inf" -> {
        return Optional.of(Double.POSITIVE_INFINITY);
      }
      case "-.inf" -> {
        return Optional.of(Double.NEGATIVE_INFINITY);
      }
      case ".nan" -> {
        return Optional.of(Double.NaN);
      }
      default -> {
        try {
          return Optional.of(Double.parseDouble(t));
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
      }
    }
  }
}
