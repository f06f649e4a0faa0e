package io.homefleet.playbook.compile;

import io.homefleet.playbook.inventory.HostPattern;
import io.homefleet.playbook.inventory.Inventory;
import io.homefleet.playbook.inventory.InventoryException;
import io.homefleet.playbook.source.KeyValueArgs;
import io.homefleet.playbook.template.ControllerLookup;
import io.homefleet.playbook.template.Templar;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.codec.digest.Sha2Crypt;

/**
 * The lookups Ansible runs on the controller, as ansible-core 2.14's plugins do, for one run:
 * {@code file}, {@code template}, {@code first_found} and {@code fileglob} read the playbook's
 * tree as the controller received it (a snapshot, since the upload is removed once the run has
 * started; nothing outside it is read), {@code env} and {@code pipe} run in the controller's
 * process, {@code password} keeps its files under the controller's data directory (a relative
 * path, which Ansible takes from the playbook's directory, is taken from
 * {@code DATA_DIR/lookups/passwords/} here: the playbook's directory is an upload and goes), and
 * {@code inventory_hostnames} matches host patterns against the run's inventory.
 *
 * <p>The compiler calls it for lookups whose arguments are constants ({@link LookupFolding}); the
 * agent's channel to the controller calls {@link #lookup} for the others, during the play.
 * Thread-safe: password files are written under a lock.
 */
public final class ControllerLookups implements ControllerLookup {
  /** A playbook tree bigger than this is not kept in memory for lookups (it is a data set, not a playbook). */
  static final long MAX_TREE_BYTES = 64L << 20;
  private static final Map<String, String> CHAR_SETS = Map.of(
      "ascii_letters", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
      "ascii_lowercase", "abcdefghijklmnopqrstuvwxyz",
      "ascii_uppercase", "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
      "digits", "0123456789",
      "hexdigits", "0123456789abcdefABCDEF",
      "octdigits", "01234567",
      "punctuation", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
      "letters", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
      "lowercase", "abcdefghijklmnopqrstuvwxyz",
      "uppercase", "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
  private static final Set<String> PASSWORD_PARAMS = Set.of("length", "encrypt", "chars", "ident", "seed");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, byte[]> tree;
  private final Inventory inventory;
  private final Path passwordDir;
  private final Map<String, String> env;
  private final Path workDir;

  /**
   * @param tree the playbook's files by path relative to its directory ({@code roles/web/files/motd})
   * @param inventory the run's inventory, for {@code inventory_hostnames}
   * @param passwordDir where relative {@code password} paths are kept ({@code DATA_DIR/lookups/passwords})
   * @param env the controller's environment, for {@code env} and for {@code pipe}'s commands
   * @param workDir the directory {@code pipe}'s commands run in
   */
  public ControllerLookups(Map<String, byte[]> tree, Inventory inventory, Path passwordDir, Map<String, String> env,
      Path workDir) {
    this.tree = Collections.unmodifiableMap(new TreeMap<>(tree));
    this.inventory = inventory;
    this.passwordDir = passwordDir;
    this.env = Map.copyOf(env);
    this.workDir = workDir;
  }

  /**
   * The lookups of a run whose playbook is in {@code root}: its files read now (they may be gone
   * when a host asks), the controller's environment, passwords under {@code dataDir}.
   *
   * @throws UncheckedIOException when the tree cannot be read or is bigger than 64 MiB
   */
  public static ControllerLookups snapshot(Path root, Inventory inventory, Path dataDir) {
    Map<String, byte[]> tree = new TreeMap<>();
    long[] size = {0};
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (!Files.isRegularFile(p)) {
          continue;
        }
        size[0] += Files.size(p);
        if (size[0] > MAX_TREE_BYTES) {
          throw new IOException("the playbook's directory " + root + " holds more than " + (MAX_TREE_BYTES >> 20)
              + " MiB: keep only the playbook, its roles and files in it");
        }
        tree.put(root.relativize(p).toString(), Files.readAllBytes(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    Path work = dataDir.resolve("lookups");
    return new ControllerLookups(tree, inventory, work.resolve("passwords"), System.getenv(), work);
  }

  /** The playbook's tree as kept. */
  Map<String, byte[]> tree() {
    return tree;
  }

  /** A file of the playbook's tree by its path relative to the playbook's directory; null when there is none. */
  byte[] file(String path) {
    return tree.get(path);
  }

  @Override
  public List<Object> lookup(String plugin, List<Object> terms, Map<String, Object> keywords, String roleDir) {
    try {
      return switch (plugin) {
        case "file" -> file(terms, keywords, roleDir);
        case "template" -> template(terms, roleDir);
        case "env" -> env(terms, keywords);
        case "pipe" -> pipe(terms);
        case "first_found" -> firstFound(terms, keywords, roleDir);
        case "fileglob" -> fileglob(terms, roleDir);
        case "password" -> password(terms, keywords);
        case "inventory_hostnames" -> inventoryHostnames(terms);
        default -> throw new Failure("lookup plugin '" + plugin + "' is not one the controller runs (it runs "
            + String.join(", ", new java.util.TreeSet<>(NAMES)) + ")");
      };
    } catch (Failure e) {
      throw e;
    } catch (RuntimeException e) {
      // Ansible's message for an error its plugin did not handle itself; errors= applies to it as well.
      throw new Failure("An unhandled exception occurred while running the lookup plugin '" + plugin
          + "'. Error was a " + e.getClass().getSimpleName() + ", original message: " + e.getMessage());
    }
  }

  private List<Object> file(List<Object> terms, Map<String, Object> keywords, String roleDir) {
    boolean rstrip = !keywords.containsKey("rstrip") || Templar.truthy(keywords.get("rstrip"));
    boolean lstrip = keywords.containsKey("lstrip") && Templar.truthy(keywords.get("lstrip"));
    List<Object> out = new ArrayList<>();
    for (Object term : terms) {
      String name = String.valueOf(term);
      String found = find("files", name, roleDir);
      if (found == null) {
        throw unhandled("file", "could not locate file in lookup: " + name + where(name));
      }
      String text = new String(tree.get(found), StandardCharsets.UTF_8);
      if (lstrip) {
        text = text.stripLeading();
      }
      if (rstrip) {
        text = text.stripTrailing();
      }
      out.add(text);
    }
    return out;
  }

  private List<Object> template(List<Object> terms, String roleDir) {
    List<Object> out = new ArrayList<>();
    for (Object term : terms) {
      String name = String.valueOf(term);
      String found = find("templates", name, roleDir);
      if (found == null) {
        throw new Failure("the template file " + name + " could not be found for the lookup" + where(name));
      }
      out.add(new String(tree.get(found), StandardCharsets.UTF_8));
    }
    return out;
  }

  private List<Object> env(List<Object> terms, Map<String, Object> keywords) {
    Object fallback = keywords.getOrDefault("default", "");
    List<Object> out = new ArrayList<>();
    for (Object term : terms) {
      String[] words = String.valueOf(term).trim().split("\\s+");
      String value = env.get(words[0]);
      out.add(value != null ? value : fallback);
    }
    return out;
  }

  private List<Object> pipe(List<Object> terms) {
    List<Object> out = new ArrayList<>();
    for (Object term : terms) {
      String command = String.valueOf(term);
      try {
        Files.createDirectories(workDir);
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command).directory(workDir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] stdout;
        try (InputStream in = p.getInputStream()) {
          stdout = in.readAllBytes();
        }
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
          p.destroyForcibly();
          throw new Failure("lookup_plugin.pipe(" + command + ") did not end in 10 minutes");
        }
        if (p.exitValue() != 0) {
          throw unhandled("pipe", "lookup_plugin.pipe(" + command + ") returned " + p.exitValue());
        }
        out.add(new String(stdout, StandardCharsets.UTF_8).stripTrailing());
      } catch (IOException e) {
        throw unhandled("pipe", "lookup_plugin.pipe(" + command + ") could not start: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Failure("lookup_plugin.pipe(" + command + ") was interrupted");
      }
    }
    return out;
  }

  /** first_found: strings, lists and {files, paths, skip} mappings, searched in files/ as Ansible does. */
  private List<Object> firstFound(List<Object> terms, Map<String, Object> keywords, String roleDir) {
    boolean[] skip = {Templar.truthy(keywords.get("skip"))};
    List<String> search = firstFoundTerms(terms, keywords, skip);
    for (String name : search) {
      if (name.contains("{{") || name.contains("{%")) {
        continue; // Ansible templates each candidate and skips the undefined ones; the host did the templating
      }
      String found = find("files", name, roleDir);
      if (found != null) {
        return List.of(found);
      }
    }
    if (skip[0]) {
      return List.of();
    }
    throw new Failure("No file was found when using first_found.");
  }

  private static List<String> firstFoundTerms(List<?> terms, Map<String, Object> keywords, boolean[] skip) {
    List<String> total = new ArrayList<>();
    for (Object term : terms) {
      Map<?, ?> options;
      if (term instanceof Map<?, ?> m) {
        options = m;
      } else if (term instanceof String) {
        options = keywords;
      } else if (term instanceof List<?> l) {
        total.addAll(firstFoundTerms(l, keywords, skip));
        continue;
      } else {
        throw new Failure("Invalid term supplied, can handle string, mapping or list of strings but got: "
            + (term == null ? "NoneType" : term.getClass().getSimpleName()) + " for " + term);
      }
      List<String> files = splitOn(options.get("files"), ",;");
      List<String> paths = splitOn(options.get("paths"), ",:;");
      skip[0] = Templar.truthy(options.get("skip"));
      if (!paths.isEmpty()) {
        for (String path : paths) {
          for (String f : files) {
            total.add(path.endsWith("/") ? path + f : path + "/" + f);
          }
        }
      } else if (!files.isEmpty()) {
        total = files; // Ansible replaces what it gathered so far here, and so do we
      } else {
        total.add(String.valueOf(term));
      }
    }
    return total;
  }

  private static List<String> splitOn(Object value, String separators) {
    List<String> out = new ArrayList<>();
    if (value == null) {
      return out;
    }
    if (value instanceof List<?> l) {
      for (Object o : l) {
        out.addAll(splitOn(o, separators));
      }
      return out;
    }
    for (String part : String.valueOf(value).split("[" + Pattern.quote(separators) + "]")) {
      if (!part.isEmpty()) {
        out.add(part);
      }
    }
    return out;
  }

  /** fileglob: the files (not directories) a glob matches in the first search directory that has any, sorted. */
  private List<Object> fileglob(List<Object> terms, String roleDir) {
    List<Object> out = new ArrayList<>();
    for (Object term : terms) {
      String t = String.valueOf(term);
      int slash = t.lastIndexOf('/');
      String base = t.substring(slash + 1);
      List<String> dirs = new ArrayList<>();
      if (slash >= 0) {
        String dir = findDir("files", t.substring(0, slash), roleDir);
        if (dir != null) {
          dirs.add(dir);
        }
      } else {
        for (String b : bases(roleDir)) {
          dirs.add(join(b, "files"));
          dirs.add(b);
        }
      }
      Pattern glob = glob(base);
      for (String dir : dirs) {
        List<String> hits = new ArrayList<>();
        String prefix = dir.isEmpty() ? "" : dir + "/";
        for (String p : tree.keySet()) {
          if (p.startsWith(prefix) && p.indexOf('/', prefix.length()) < 0 && glob.matcher(p.substring(prefix.length())).matches()) {
            hits.add(p);
          }
        }
        if (!hits.isEmpty()) {
          out.addAll(hits);
          break;
        }
      }
    }
    return out;
  }

  /** Python's glob for one path segment: * and ? and [...], a leading dot only matched by a leading dot. */
  static Pattern glob(String segment) {
    StringBuilder re = new StringBuilder();
    if (!segment.startsWith(".")) {
      re.append("(?!\\.)");
    }
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '*') {
        re.append("[^/]*");
      } else if (c == '?') {
        re.append("[^/]");
      } else if (c == '[' && segment.indexOf(']', i + 2) > 0) {
        int end = segment.indexOf(']', i + 2);
        String body = segment.substring(i + 1, end);
        re.append('[').append(body.startsWith("!") ? "^" + Pattern.quote(body.substring(1)).replace("\\Q", "").replace("\\E", "")
            : body.replace("\\", "\\\\")).append(']');
        i = end;
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString());
  }

  private List<Object> password(List<Object> terms, Map<String, Object> keywords) {
    List<Object> out = new ArrayList<>();
    for (Object term : terms) {
      String t = String.valueOf(term).strip();
      int space = t.indexOf(' ');
      String relpath = space < 0 ? t : t.substring(0, space);
      Map<String, Object> params = new LinkedHashMap<>();
      if (space >= 0) {
        params.putAll(KeyValueArgs.keyValues(t.substring(space + 1)));
      }
      List<String> unknown = params.keySet().stream().filter(k -> !PASSWORD_PARAMS.contains(k)).sorted().toList();
      if (!unknown.isEmpty()) {
        throw new Failure("Unrecognized parameter(s) given to password lookup: " + String.join(", ", unknown));
      }
      for (String k : PASSWORD_PARAMS) {
        if (!params.containsKey(k) && keywords.containsKey(k)) {
          params.put(k, keywords.get(k));
        }
      }
      int length = Integer.parseInt(String.valueOf(params.getOrDefault("length", 20)).strip());
      String chars = candidateChars(params.get("chars"));
      Object seed = params.get("seed");
      String encrypt = params.get("encrypt") == null ? null : String.valueOf(params.get("encrypt"));
      out.add(password(relpath, length, chars, seed, encrypt));
    }
    return out;
  }

  private synchronized String password(String relpath, int length, String chars, Object seed, String encrypt) {
    boolean devNull = relpath.equals("/dev/null");
    Path file;
    if (devNull) {
      file = null;
    } else if (Path.of(relpath).isAbsolute()) {
      throw new Failure("lookup('password'): '" + relpath + "' is an absolute path; the controller keeps password"
          + " files under its data directory only: give a relative path (it is kept in " + passwordDir + "), or"
          + " /dev/null for a password that is not kept");
    } else {
      file = passwordDir.resolve(relpath).normalize();
      if (!file.startsWith(passwordDir)) {
        throw new Failure("lookup('password'): '" + relpath + "' leaves " + passwordDir + ": give a path inside it");
      }
    }
    String content = null;
    if (file != null && Files.exists(file)) {
      try {
        content = Files.readString(file, StandardCharsets.UTF_8).replaceAll("\n+$", "");
      } catch (IOException e) {
        throw new Failure("lookup('password'): cannot read " + file + ": " + e.getMessage());
      }
    }
    String plain;
    String salt = null;
    boolean changed = false;
    if (content == null) {
      plain = randomPassword(length, chars, seed);
      changed = true;
    } else {
      int at = content.lastIndexOf(" salt=");
      if (at < 0) {
        plain = content;
      } else {
        plain = content.substring(0, at);
        salt = content.substring(at + " salt=".length()).split(" ")[0];
      }
    }
    if (encrypt != null && salt == null) {
      salt = randomSalt(16);
      changed = true;
    }
    if (changed && file != null) {
      write(file, encrypt == null ? plain : plain + " salt=" + salt);
    }
    if (encrypt == null) {
      return plain;
    }
    byte[] key = plain.getBytes(StandardCharsets.UTF_8);
    return switch (encrypt) {
      case "sha512_crypt" -> Sha2Crypt.sha512Crypt(key, "$6$" + salt);
      case "sha256_crypt" -> Sha2Crypt.sha256Crypt(key, "$5$" + salt);
      default -> throw new Failure("lookup('password'): encrypt=" + encrypt + " is not supported (use sha512_crypt"
          + " or sha256_crypt)");
    };
  }

  private static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent(), PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rwx------")));
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, content + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (FileAlreadyExistsException e) {
      throw new Failure("lookup('password'): " + file.getParent() + " is not a directory");
    } catch (IOException e) {
      throw new Failure("lookup('password'): cannot write " + file + ": " + e.getMessage());
    }
  }

  /** Ansible's _gen_candidate_chars: each spec is a Python string-module set name or literal characters. */
  static String candidateChars(Object spec) {
    List<String> specs = new ArrayList<>();
    if (spec == null) {
      specs.addAll(List.of("ascii_letters", "digits", ".,:-_"));
    } else if (spec instanceof List<?> l) {
      for (Object o : l) {
        specs.add(String.valueOf(o));
      }
    } else {
      String s = String.valueOf(spec);
      List<String> split = new ArrayList<>();
      if (s.contains(",,")) {
        split.add(",");
      }
      for (String part : s.replace(",,", ",").split(",")) {
        if (!part.isEmpty()) {
          split.add(part);
        }
      }
      specs.addAll(split);
    }
    StringBuilder chars = new StringBuilder();
    for (String s : specs) {
      chars.append(CHAR_SETS.getOrDefault(s, s));
    }
    String out = chars.toString().replace("\"", "").replace("'", "");
    if (out.isEmpty()) {
      throw new Failure("lookup('password'): chars gives no characters to choose from");
    }
    return out;
  }

  private static String randomPassword(int length, String chars, Object seed) {
    // A seed gives the same password each time (not Python's random.Random sequence: not the same one as Ansible's).
    Random random = seed == null ? RANDOM : new Random(String.valueOf(seed).hashCode() * 0x9E3779B97F4A7C15L);
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(chars.charAt(random.nextInt(chars.length())));
    }
    return out.toString();
  }

  private static String randomSalt(int length) {
    return randomPassword(length, "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", null);
  }

  private List<Object> inventoryHostnames(List<Object> terms) {
    List<String> patterns = new ArrayList<>();
    terms.forEach(t -> patterns.add(String.valueOf(t)));
    try {
      return new ArrayList<>(HostPattern.select(inventory, String.join(":", patterns)).hosts());
    } catch (InventoryException e) {
      // Ansible's plugin answers [] for a pattern it cannot use.
      return new ArrayList<>();
    }
  }

  /**
   * Ansible's find_file_in_search_path: in the role (its {@code subdir}, then itself), then in the
   * playbook's directory the same way; the tree path of the first that exists, or null.
   */
  String find(String subdir, String name, String roleDir) {
    if (name.startsWith("/") || name.startsWith("~")) {
      return null;
    }
    for (String base : bases(roleDir)) {
      for (String candidate : List.of(join(join(base, subdir), name), join(base, name))) {
        String n = normalize(candidate);
        if (n != null && tree.containsKey(n)) {
          return n;
        }
      }
    }
    return null;
  }

  private String findDir(String subdir, String name, String roleDir) {
    for (String base : bases(roleDir)) {
      for (String candidate : List.of(join(join(base, subdir), name), join(base, name))) {
        String n = normalize(candidate);
        if (n != null && tree.keySet().stream().anyMatch(p -> p.startsWith(n.isEmpty() ? "" : n + "/"))) {
          return n;
        }
      }
    }
    return null;
  }

  private static List<String> bases(String roleDir) {
    return roleDir.isEmpty() ? List.of("") : List.of(roleDir, "");
  }

  static String join(String a, String b) {
    return a.isEmpty() ? b : b.isEmpty() ? a : a + "/" + b;
  }

  /** The path with . and .. folded, or null when it leaves the tree. */
  static String normalize(String path) {
    Path p = Path.of(path.isEmpty() ? "." : path).normalize();
    String s = p.toString();
    return s.startsWith("..") ? null : s.equals(".") ? "" : s;
  }

  private static String where(String name) {
    return name.startsWith("/") || name.startsWith("~")
        ? " (an absolute path: the controller reads only the playbook's directory; put the file there)" : "";
  }

  private static Failure unhandled(String plugin, String message) {
    return new Failure("An unhandled exception occurred while running the lookup plugin '" + plugin
        + "'. Error was a <class 'ansible.errors.AnsibleError'>, original message: " + message);
  }
}
