package io.homefleet.agent.module.apt;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Commands;
import io.homefleet.agent.exec.Diff;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.Plan;
import io.homefleet.agent.exec.StateModule;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.ansible.AnsibleModule;
import io.homefleet.agent.module.uri.UriModule;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * ansible-core 2.14's {@code apt_key} with the tools it drives: the key's id read with
 * {@code gpg --with-colons} from {@code file}, {@code data} or the download of {@code url}; the
 * keys there listed with {@code apt-key [--keyring K] adv --list-public-keys --keyid-format=long};
 * {@code apt-key add} and {@code apt-key del} to change them, and the list read again to prove it.
 * {@code keyserver} needs a network keyserver and dirmngr: such a task runs Ansible's own module
 * with python3, as any module without a native one does.
 */
public final class AptKeyModule implements StateModule {
  private static final Pattern PYTHON_HEX = Pattern.compile("\\s*[+-]?(0[xX])?_?[0-9a-fA-F](_?[0-9a-fA-F])*\\s*");
  private static final String NO_ERROR = "apt-key did not return an error, but %s (check that the id is correct and"
      + " *not* a subkey)";

  private final Map<String, String> env;

  /** The host's apt configuration (APT_CONFIG from the task's environment, if it sets one). */
  public AptKeyModule() {
    this(java.util.Optional.empty());
  }

  /** @param aptConfig an apt configuration file of the caller's (tests: trusted.gpg and trusted.gpg.d of their own) */
  public AptKeyModule(java.util.Optional<Path> aptConfig) {
    this.env = AptRepositoryModule.aptEnv(aptConfig);
  }

  @Override
  public String name() {
    return "apt_key";
  }

  @Override
  public Outcome run(Map<String, Object> args, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), args);
    exclusive(a);
    if (a.has("keyserver")) {
      // A keyserver is reached through gpg's dirmngr over the network: Ansible's own module does that.
      if (!env.isEmpty()) {
        throw a.error("keyserver runs Ansible's own module, which reads the host's apt configuration, not " + env);
      }
      return new AnsibleModule("ansible.builtin.apt_key").run(args, ctx);
    }
    return Plan.execute(plan(args, ctx), ctx);
  }

  private static void exclusive(Args a) throws TaskException {
    List<String> given = List.of("data", "file", "keyserver", "url").stream().filter(a::has).toList();
    if (given.size() > 1) {
      throw TaskException.asAnsible("parameters are mutually exclusive: data|file|keyserver|url");
    }
  }

  /** The key ids Ansible derives from one: for {@code apt-key del}, for comparing, and as given. */
  record KeyId(String shortId, String fingerprint, String keyId) {
    /** Ansible's {@code parse_key_id}; empty for what Ansible calls an invalid key_id. */
    static java.util.Optional<KeyId> parse(String given) {
      if (given == null || !PYTHON_HEX.matcher(given).matches()) {
        return java.util.Optional.empty();
      }
      String id = given.toUpperCase(Locale.ROOT);
      if (id.startsWith("0X")) {
        id = id.substring(2);
      }
      int len = id.length();
      if (len != 8 && len != 16 && len <= 16) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(new KeyId(id.substring(len - 8), len > 16 ? id.substring(len - 16) : id, id));
    }
  }

  @Override
  public Plan plan(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), raw);
    exclusive(a);
    if (a.has("keyserver")) {
      throw a.error("keyserver runs Ansible's own apt_key (run, not plan, handles it)");
    }
    String state = a.choice("state", "present", "absent", "present");
    String given = a.str("id").filter(s -> !s.isEmpty()).orElse(null);
    String url = a.str("url").orElse(null);
    String file = a.str("file").orElse(null);
    String data = a.str("data").orElse(null);
    String keyring = a.str("keyring").orElse(null);
    for (String tool : List.of("apt-key", "gpg")) {
      if (!onPath(tool)) {
        throw a.error("Failed to find required executable \"" + tool + "\" on the PATH: apt-get install "
            + (tool.equals("gpg") ? "gpg" : "apt") + " (apt-key is in Debian 12's apt; later releases dropped it: use"
            + " a keyring file and signed-by= instead)");
      }
    }
    byte[] downloaded = null;
    if (given == null) {
      if (url != null) {
        downloaded = download(a, url);
        data = new String(downloaded, StandardCharsets.UTF_8);
      }
      if (file != null) {
        given = keyIdOf(ctx, a, file, null);
      } else if (data != null && !data.isEmpty()) {
        given = keyIdOf(ctx, a, "-", data.getBytes(StandardCharsets.UTF_8));
      }
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("id", given);
    KeyId id = KeyId.parse(given).orElseThrow(() -> TaskException.asAnsible("Invalid key_id"));
    r.put("short_id", id.shortId());
    r.put("fp", id.fingerprint());
    r.put("key_id", id.keyId());
    boolean shortFormat = id.keyId().length() == 8;
    // apt-key creates a keyring it is asked to list; one that is not there holds no keys, and check mode makes none.
    List<String> keys = keyring != null && !Files.exists(Path.of(keyring)) ? List.of()
        : allKeys(ctx, a, keyring, shortFormat);
    r.put("before", keys);
    String shown = keyring == null ? "apt keys" : keyring;
    if (state.equals("present")) {
      if (keys.contains(shortFormat ? id.shortId() : id.fingerprint())) {
        return Plan.inSync(r);
      }
      if (file == null && data == null && url == null) {
        throw a.error("key " + given + " is not in " + shown + " and nothing says where to get it: give file, data, url"
            + " or keyserver");
      }
      String fromFile = file;
      String fromData = data;
      byte[] fetched = downloaded;
      return new Plan.Drift(Diff.attrs(shown, Map.of("id", id.keyId(), "state", "absent"),
          Map.of("id", id.keyId(), "state", "present")), r, () -> {
            if (fromFile != null) {
              add(ctx, a, keyring, fromFile, null, "Unable to add a key from file " + fromFile);
            } else {
              byte[] bytes = fromData != null ? fromData.getBytes(StandardCharsets.UTF_8)
                  : fetched != null ? fetched : download(a, url);
              add(ctx, a, keyring, "-", bytes, "Unable to add a key from binary data");
            }
            List<String> after = allKeys(ctx, a, keyring, shortFormat);
            if (!after.contains(shortFormat ? id.shortId() : id.fingerprint())) {
              throw TaskException.asAnsible(String.format(NO_ERROR, "failed to add the key"));
            }
            return Map.of("after", after);
          });
    }
    if (!keys.contains(id.fingerprint())) {
      return Plan.inSync(r);
    }
    return new Plan.Drift(Diff.attrs(shown, Map.of("id", id.keyId(), "state", "present"),
        Map.of("id", id.keyId(), "state", "absent")), r, () -> {
          List<String> argv = aptKey(keyring);
          argv.addAll(List.of("del", id.shortId()));
          Commands.Result del = Commands.run(ctx, argv, env, null);
          if (!del.ok()) {
            throw a.error("Unable to remove a key with id " + id.shortId() + ": " + del.describe());
          }
          List<String> after = allKeys(ctx, a, keyring, shortFormat);
          if (after.contains(id.fingerprint())) {
            throw TaskException.asAnsible(String.format(NO_ERROR, "the key was not removed"));
          }
          return Map.of("after", after);
        });
  }

  private static List<String> aptKey(String keyring) {
    List<String> argv = new ArrayList<>(List.of("apt-key"));
    if (keyring != null) {
      argv.addAll(List.of("--keyring", keyring));
    }
    return argv;
  }

  private void add(TaskContext ctx, Args a, String keyring, String file, byte[] stdin, String failure)
      throws TaskException, InterruptedException {
    List<String> argv = aptKey(keyring);
    argv.addAll(List.of("add", file));
    Commands.Result r = Commands.run(ctx, argv, env, stdin);
    if (!r.ok()) {
      throw a.error(failure + ": " + r.describe());
    }
  }

  /** Ansible's {@code all_keys}: the long ids (short with {@code shortFormat}) of every key apt-key lists. */
  private List<String> allKeys(TaskContext ctx, Args a, String keyring, boolean shortFormat)
      throws TaskException, InterruptedException {
    List<String> argv = aptKey(keyring);
    argv.addAll(List.of("adv", "--list-public-keys", "--keyid-format=long"));
    Commands.Result r = Commands.run(ctx, argv, env, null);
    if (!r.ok()) {
      throw a.error("Unable to list public keys: " + r.describe());
    }
    List<String> keys = parseKeys(r.stdout());
    return shortFormat ? keys.stream().map(k -> k.length() > 8 ? k.substring(k.length() - 8) : k).toList() : keys;
  }

  /** Ansible's {@code parse_output_for_keys}: pub and sub lines not expired, as {@code type/ID} or gpg's colons. */
  static List<String> parseKeys(String output) {
    List<String> found = new ArrayList<>();
    for (String line : output.split("\n", -1)) {
      if ((line.startsWith("pub") || line.startsWith("sub")) && !line.contains("expired")) {
        List<String> tokens = SourcesList.words(line);
        String[] code = tokens.size() > 1 ? tokens.get(1).split("/", -1) : new String[0];
        if (code.length == 2) {
          found.add(code[1]);
          continue;
        }
        String[] colons = line.split(":", -1);
        if (colons.length > 4) {
          found.add(colons[4]);
        }
      }
    }
    return found;
  }

  /** The first key's id in a key file (or {@code -}, {@code stdin}), by {@code gpg --with-colons}, with a throw-away home. */
  private static String keyIdOf(TaskContext ctx, Args a, String file, byte[] stdin)
      throws TaskException, InterruptedException {
    Path home;
    try {
      home = Files.createTempDirectory(ctx.workDir(), "gnupg-");
    } catch (IOException e) {
      throw a.error("cannot make a temporary gpg home in " + ctx.workDir() + ": " + e.getMessage());
    }
    try {
      Commands.Result r = Commands.run(ctx, List.of("gpg", "--homedir", home.toString(), "--with-colons", file),
          Map.of(), stdin);
      if (!r.ok()) {
        throw a.error("Unable to extract key from '" + (stdin != null ? "inline data" : file) + "': " + r.describe());
      }
      List<String> keys = parseKeys(r.stdout());
      return keys.isEmpty() ? null : keys.get(0);
    } finally {
      deleteTree(home);
    }
  }

  private static byte[] download(Args a, String url) throws TaskException, InterruptedException {
    try {
      HttpClient client = HttpClient.newBuilder().sslContext(UriModule.ssl(a)).connectTimeout(Duration.ofSeconds(10))
          .followRedirects(HttpClient.Redirect.NORMAL).build();
      HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
          .header("User-Agent", "ansible-httpget").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw TaskException.asAnsible("Failed to download key at " + url + ": HTTP Error " + r.statusCode() + ": "
            + UriModule.reason(r.statusCode()));
      }
      return r.body();
    } catch (IOException | IllegalArgumentException e) {
      throw TaskException.asAnsible("error getting key id from url: " + url + " (" + e + ")");
    }
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  private static void deleteTree(Path dir) {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A gpg home left in the task's work dir goes with the work dir.
    }
  }
}
