package io.homefleet.playbook.compile;

import io.homefleet.playbook.source.Diagnostic;
import io.homefleet.playbook.source.Unsafe;
import io.homefleet.playbook.source.YamlLoader;
import io.homefleet.playbook.source.YamlNode;
import io.homefleet.playbook.vault.Vault;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * include_vars as ansible-core 2.14's action plugin runs it on the controller: the files of the
 * run's playbook tree (its snapshot in {@link ControllerLookups}) that {@code file}, {@code dir}
 * and the free form name, read as YAML with vault values decrypted. Paths in the result are
 * relative to the playbook's directory; the host resolves them against its {@code playbook_dir}.
 * {@code hash_behaviour} is the host's to apply, since it merges with the host's own values.
 */
public final class IncludeVars {
  private static final List<String> VALID_EXTENSIONS = List.of("yaml", "yml", "json");
  private static final Set<String> DIR_ARGS = Set.of("dir", "depth", "files_matching", "ignore_files", "extensions",
      "ignore_unknown_extensions");
  private static final Set<String> FILE_ARGS = Set.of("file", "_raw_params");

  private final ControllerLookups tree;
  private final Vault vault;

  /**
   * @param tree the run's playbook tree
   * @param vault the run's vault passwords (each call decrypts with a vault of its own, so that
   *     it knows which secrets it revealed)
   */
  public IncludeVars(ControllerLookups tree, Vault vault) {
    this.tree = tree;
    this.vault = vault;
  }

  /**
   * The module's result and the vault values it holds.
   *
   * @param result Ansible's result: {@code ansible_facts}, {@code ansible_included_var_files}, and
   *     {@code failed} with {@code message} when a file is missing or not a mapping
   * @param secrets the values decrypted from vault data, for the host to mask
   */
  public record Result(Map<String, Object> result, Set<String> secrets) {}

  /**
   * Reads what {@code args} name.
   *
   * @param args the task's arguments, templated with the host's variables
   * @param roleDir the task's role directory relative to the playbook's ({@code roles/web}), or empty
   */
  public Result include(Map<String, Object> args, String roleDir) {
    Vault own = new Vault(vault.secrets());
    Map<String, Object> results = new LinkedHashMap<>();
    List<String> included = new ArrayList<>();
    String error;
    try {
      error = read(args, roleDir, own, results, included);
    } catch (IllegalArgumentException e) {
      error = e.getMessage();
    }
    Map<String, Object> vars = results;
    if (args.get("name") instanceof String name && !name.isEmpty()) {
      vars = new LinkedHashMap<>();
      vars.put(name, results);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("changed", false);
    if (error != null) {
      out.put("failed", true);
      out.put("message", error);
    }
    out.put("ansible_included_var_files", included);
    out.put("ansible_facts", vars);
    return new Result(out, own.revealed());
  }

  /** Reads into {@code results}; the error that stopped it, or null. */
  private String read(Map<String, Object> args, String roleDir, Vault own, Map<String, Object> results,
      List<String> included) {
    boolean dirs = args.keySet().stream().anyMatch(DIR_ARGS::contains);
    boolean files = args.keySet().stream().anyMatch(FILE_ARGS::contains);
    if (dirs && files) {
      return "You are mixing file only and dir only arguments, these are incompatible";
    }
    Object dir = args.get("dir");
    if (dir != null && !String.valueOf(dir).isEmpty()) {
      return readDir(String.valueOf(dir), args, roleDir, own, results, included);
    }
    Object file = args.get("file");
    if (file == null || String.valueOf(file).isEmpty()) {
      file = args.get("_raw_params");
    }
    if (file == null || String.valueOf(file).isEmpty()) {
      return "include_vars needs a file name (include_vars: vars/main.yml), file: or dir:";
    }
    String name = String.valueOf(file).replaceAll("\n+$", "");
    String found = tree.find("vars", name, roleDir);
    if (found == null) {
      return "Could not find or access '" + name + "' in the playbook's directory"
          + (roleDir.isEmpty() ? "" : " or role " + roleDir) + " (searched vars/" + name + " and " + name + ")"
          + (name.startsWith("/") || name.startsWith("~")
              ? "; the controller reads only the playbook's directory: put the file there" : "");
    }
    return load(found, false, List.of(), own, results, included);
  }

  private String readDir(String dir, Map<String, Object> args, String roleDir, Vault own, Map<String, Object> results,
      List<String> included) {
    String root;
    if (!roleDir.isEmpty()) {
      String inRole = ControllerLookups.join(roleDir, dir);
      root = dir.split("/")[0].equals("vars") && isDir(inRole) ? inRole
          : ControllerLookups.join(ControllerLookups.join(roleDir, "vars"), dir);
    } else {
      root = dir;
    }
    String base = dir.startsWith("/") ? null : ControllerLookups.normalize(root);
    if (base == null || !isDir(base)) {
      return dir + " directory does not exist" + (dir.startsWith("/")
          ? " (the controller reads only the playbook's directory: give the directory relative to it)" : "");
    }
    int depth = args.get("depth") instanceof Number n ? n.intValue() : 0;
    Pattern matcher;
    List<Pattern> ignore = new ArrayList<>();
    try {
      matcher = args.get("files_matching") instanceof String m && !m.isEmpty() ? Pattern.compile(m) : null;
      for (Object p : strings(args.get("ignore_files"), true)) {
        ignore.add(Pattern.compile(p + "$"));
      }
    } catch (PatternSyntaxException e) {
      return "Invalid regular expression: " + e.getPattern();
    }
    List<String> extensions = args.containsKey("extensions") ? strings(args.get("extensions"), false)
        : VALID_EXTENSIONS;
    boolean ignoreUnknown = truthy(args.get("ignore_unknown_extensions"));
    // os.walk's directories sorted by path, each of them counting towards depth, as Ansible does.
    TreeSet<String> walked = new TreeSet<>();
    walked.add(base);
    for (String p : tree.tree().keySet()) {
      if (under(p, base)) {
        for (String d = parent(p); d != null && under(d, base); d = parent(d)) {
          walked.add(d);
        }
      }
    }
    int seen = 0;
    for (String d : walked) {
      seen++;
      if (depth != 0 && seen > depth) {
        break;
      }
      Map<String, Object> fromDir = new LinkedHashMap<>();
      String error = null;
      for (String p : tree.tree().keySet()) {
        String name = p.substring(p.lastIndexOf('/') + 1);
        if (!java.util.Objects.equals(parent(p), d) || (matcher != null && !matcher.matcher(name).find())) {
          continue;
        }
        boolean ignored = ignore.stream().anyMatch(i -> i.matcher(name).find());
        if (ignored || (ignoreUnknown && !validExtension(name, extensions))) {
          continue;
        }
        error = load(p, true, extensions, own, fromDir, included);
        if (error != null) {
          break;
        }
      }
      if (error != null) {
        return error;
      }
      results.putAll(fromDir);
    }
    return null;
  }

  /** One file into {@code results}; the error, or null. */
  @SuppressWarnings("unchecked")
  private String load(String path, boolean validate, List<String> extensions, Vault own, Map<String, Object> results,
      List<String> included) {
    if (validate && !validExtension(path, extensions)) {
      return path + " does not have a valid extension: " + String.join(", ", extensions);
    }
    List<Diagnostic> problems = new ArrayList<>();
    Optional<YamlNode> doc = YamlLoader.loadFile(path, new String(tree.file(path), StandardCharsets.UTF_8), problems,
        own);
    if (!problems.isEmpty()) {
      return String.join("\n", problems.stream().map(Diagnostic::toString).toList());
    }
    if (doc.isEmpty() || (doc.get() instanceof YamlNode.Scalar s && s.value() == null)) {
      included.add(path);
      return null;
    }
    if (!(doc.get() instanceof YamlNode.Mapping m)) {
      return doc.get().location() + ": " + path + " must be stored as a dictionary/hash (it holds a "
          + doc.get().kind() + ": write name: value lines)";
    }
    included.add(path);
    ((Map<String, Object>) plain(m.toPlain())).forEach(results::put);
    return null;
  }

  /** A plain value for the wire: an {@code !unsafe} string as its text. */
  private static Object plain(Object v) {
    if (v instanceof Unsafe u) {
      return u.text();
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, val) -> out.put(String.valueOf(k), plain(val)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(o -> out.add(plain(o)));
      return out;
    }
    return v;
  }

  /** Python's os.path.splitext: the part after the last dot that is not a leading one. */
  private static boolean validExtension(String path, List<String> extensions) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    int start = 0;
    while (start < name.length() && name.charAt(start) == '.') {
      start++;
    }
    int dot = name.lastIndexOf('.');
    return dot >= start && extensions.contains(name.substring(dot + 1));
  }

  private boolean isDir(String dir) {
    return tree.tree().keySet().stream().anyMatch(p -> under(p, dir));
  }

  private static boolean under(String path, String dir) {
    return dir.isEmpty() ? !path.isEmpty() : path.equals(dir) || path.startsWith(dir + "/");
  }

  private static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? (path.isEmpty() ? null : "") : path.substring(0, slash);
  }

  private static List<String> strings(Object v, boolean splitWords) {
    List<String> out = new ArrayList<>();
    if (v instanceof List<?> l) {
      l.forEach(o -> out.add(String.valueOf(o)));
    } else if (v instanceof String s && !s.isEmpty()) {
      out.addAll(splitWords ? List.of(s.trim().split("\\s+")) : List.of(s));
    }
    return out;
  }

  private static boolean truthy(Object v) {
    return v instanceof Boolean b ? b : v instanceof String s && List.of("yes", "true", "on", "1").contains(s.toLowerCase(
        java.util.Locale.ROOT));
  }
}
