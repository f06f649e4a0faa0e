package io.homefleet.agent.module.user;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Diff;
import io.homefleet.agent.exec.Plan;
import io.homefleet.agent.exec.StateModule;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.file.AtomicFiles;
import io.homefleet.agent.module.file.PathInfo;
import io.homefleet.agent.module.file.PosixAttrs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ansible.posix's {@code authorized_key}: SSH public keys in a user's authorized_keys file
 * (default {@code ~USER/.ssh/authorized_keys}), added, replaced when their options or comment
 * differ, removed, or made the only ones ({@code exclusive}). A port of the collection's
 * {@code enforce_state}: the file is parsed into entries by key blob (comments and blank lines
 * are entries too, by their text), kept in their order by rank, and written back as the
 * collection writes it, {@code [OPTIONS ]TYPE BLOB COMMENT} (a key without comment keeps the
 * trailing space).
 */
public final class AuthorizedKeyModule implements StateModule {
  private static final Set<String> TYPES = Set.of("sk-ecdsa-sha2-nistp256@openssh.com",
      "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", "webauthn-sk-ecdsa-sha2-nistp256@openssh.com",
      "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp384",
      "ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp521", "ecdsa-sha2-nistp521-cert-v01@openssh.com",
      "sk-ssh-ed25519@openssh.com", "sk-ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519",
      "ssh-ed25519-cert-v01@openssh.com", "ssh-dss", "ssh-rsa", "ssh-xmss@openssh.com", "ssh-xmss-cert-v01@openssh.com",
      "rsa-sha2-256", "rsa-sha2-512", "ssh-rsa-cert-v01@openssh.com", "rsa-sha2-256-cert-v01@openssh.com",
      "rsa-sha2-512-cert-v01@openssh.com", "ssh-dss-cert-v01@openssh.com");
  private static final Pattern OPTION = Pattern.compile("((?:[^,\"']|\"[^\"]*\"|'[^']*')+)");
  private static final Pattern WHITESPACE = Pattern.compile("[ \t\r\n]+");

  /**
   * One entry of the file: a key ({@code type} its type) or a line kept as it is ({@code type}
   * "skipped", {@code blob} the line). {@code options} keep their order and repeats.
   */
  record Entry(String blob, String type, List<Map.Entry<String, String>> options, String comment, int rank) {
    /** The collection compares key, type, options (as a dict of lists) and comment. */
    boolean sameAs(Entry o) {
      return blob.equals(o.blob) && type.equals(o.type) && Objects.equals(optionMap(), o.optionMap())
          && Objects.equals(comment, o.comment);
    }

    private Map<String, List<String>> optionMap() {
      if (options == null) {
        return null;
      }
      Map<String, List<String>> m = new java.util.HashMap<>();
      options.forEach(e -> m.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
      return m;
    }

    Entry withRank(int r) {
      return new Entry(blob, type, options, comment, r);
    }
  }

  @Override
  public String name() {
    return "authorized_key";
  }

  @Override
  public Plan plan(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), raw);
    String user = a.required("user");
    String keyArg = a.required("key");
    Optional<String> path = a.str("path");
    boolean manageDir = a.bool("manage_dir", true);
    String state = a.choice("state", "present", "absent", "present");
    String keyOptions = a.str("key_options").orElse(null);
    boolean exclusive = a.bool("exclusive", false);
    String comment = a.str("comment").orElse(null);
    boolean follow = a.bool("follow", false);
    boolean validateCerts = a.bool("validate_certs", true);

    String keys = keyArg.startsWith("http") ? fetch(a, keyArg, validateCerts) : keyArg;
    List<String> newKeys = keys.lines().filter(s -> !s.isEmpty() && !s.startsWith("#")).toList();

    Optional<Accounts.User> account = Accounts.system().user(user);
    if (account.isEmpty() && !(ctx.checkMode() && path.isPresent())) {
      throw a.error(ctx.checkMode() ? "Either user must exist or you must provide full path to key file in check mode"
          : "Failed to lookup user " + user + ": getpwnam(): name not found: '" + user + "'");
    }
    Path keyfile = path.map(Path::of).orElseGet(() -> Path.of(account.get().home(), ".ssh", "authorized_keys"));
    Path filename = follow ? realPath(keyfile) : keyfile;
    String existingContent;
    try {
      existingContent = Files.isRegularFile(keyfile) ? Files.readString(keyfile, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw a.error("cannot read " + keyfile + ": " + e.getMessage());
    }
    Map<String, Entry> existing = parseKeys(existingContent);

    boolean doWrite = false;
    List<String> keysToExist = new ArrayList<>();
    int maxRank = existing.size();
    for (int rank = 0; rank < newKeys.size(); rank++) {
      Entry parsed = parseKey(newKeys.get(rank), rank);
      if (parsed == null) {
        throw a.error("invalid key specified: " + newKeys.get(rank));
      }
      if (keyOptions != null) {
        parsed = new Entry(parsed.blob(), parsed.type(), parseOptions(keyOptions), parsed.comment(), parsed.rank());
      }
      if (comment != null) {
        parsed = new Entry(parsed.blob(), parsed.type(), parsed.options(), comment, parsed.rank());
      }
      boolean matched = false;
      Entry nonMatching = null;
      Entry old = existing.get(parsed.blob());
      if (old != null) {
        if (!parsed.sameAs(old) && state.equals("present")) {
          nonMatching = old;
        } else {
          matched = true;
        }
      }
      if (state.equals("present")) {
        keysToExist.add(parsed.blob());
        if (nonMatching != null && existing.remove(nonMatching.blob()) != null) {
          doWrite = true;
        }
        if (!matched) {
          existing.put(parsed.blob(), parsed.withRank(maxRank + parsed.rank()));
          doWrite = true;
        }
      } else if (matched) {
        existing.remove(parsed.blob());
        doWrite = true;
      }
    }
    if (state.equals("present") && exclusive && existing.keySet().removeIf(k -> !keysToExist.contains(k))) {
      doWrite = true;
    }

    Map<String, Object> data = new LinkedHashMap<>();
    data.put("user", user);
    data.put("key", keyArg);
    data.put("path", path.orElse(null));
    data.put("manage_dir", manageDir);
    data.put("state", state);
    data.put("key_options", keyOptions);
    data.put("exclusive", exclusive);
    data.put("comment", comment);
    data.put("validate_certs", validateCerts);
    data.put("follow", follow);
    data.put("keyfile", keyfile.toString());
    if (path.isPresent()) {
      data.putAll(pathInfo(a, keyfile));
    }
    if (!doWrite) {
      return Plan.inSync(data);
    }
    String newContent = serialize(existing);
    Diff diff = new Diff(existingContent, newContent, keyfile.toString(), filename.toString());
    return new Plan.Drift(diff, data, () -> {
      write(a, account.orElseThrow(() -> a.error("Failed to lookup user " + user)), filename, manageDir, newContent);
      return path.isPresent() ? pathInfo(a, keyfile) : Map.of();
    });
  }

  /** The collection's keyfile(write=True) and writefile: .ssh 0700 and the file 0600, both the user's. */
  private static void write(Args a, Accounts.User u, Path file, boolean manageDir, String content) throws TaskException {
    Path sshdir = file.toAbsolutePath().getParent();
    try {
      if (manageDir) {
        if (!Files.exists(sshdir)) {
          Files.createDirectory(sshdir);
        }
        PosixAttrs.chown(sshdir, u.uid(), u.gid());
        PosixAttrs.setMode(sshdir, 0700);
      }
      if (!Files.exists(file)) {
        Files.createDirectories(sshdir);
        Files.createFile(file);
      }
      PosixAttrs.chown(file, u.uid(), u.gid());
      PosixAttrs.setMode(file, 0600);
      AtomicFiles.write(file, content.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw a.error("Failed to write to file " + file + ": " + e.getMessage());
    }
  }

  private static String fetch(Args a, String url, boolean validateCerts) throws TaskException, InterruptedException {
    if (!validateCerts) {
      throw a.error("validate_certs: no is not supported (keys come only from a URL whose certificate is valid)");
    }
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
          .followRedirects(HttpClient.Redirect.NORMAL).build();
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
          .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (r.statusCode() != 200) {
        throw a.error("Error getting key from: " + url);
      }
      return r.body();
    } catch (IOException | IllegalArgumentException e) {
      throw a.error("Error getting key from: " + url);
    }
  }

  /** Ansible adds the file's attributes to a result that has a path (its add_path_info). */
  private static Map<String, Object> pathInfo(Args a, Path p) throws TaskException {
    try {
      return PathInfo.of(p);
    } catch (IOException e) {
      throw a.error("cannot stat " + p + ": " + e.getMessage());
    }
  }

  private static Path realPath(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      // Python's realpath of a missing path is the path itself, made absolute.
      return p.toAbsolutePath().normalize();
    }
  }

  /** The collection's parsekeys: every line an entry, by key blob or by its own text; a later duplicate wins. */
  static Map<String, Entry> parseKeys(String content) {
    Map<String, Entry> keys = new LinkedHashMap<>();
    int rank = 0;
    for (String line : content.isEmpty() ? new String[0] : content.split("(?<=\n)")) {
      Entry e = parseKey(line, rank);
      Entry entry = e != null ? e : new Entry(line, "skipped", null, null, rank);
      keys.put(entry.blob(), entry);
      rank++;
    }
    return keys;
  }

  /** The collection's parsekey: options, type, blob and comment of one line, or null when it has no key type. */
  static Entry parseKey(String raw, int rank) {
    String line = raw.replace("\\#", "#");
    String stripped = line.replaceAll("^[ \t\r\n]+", "");
    List<String> parts = stripped.isEmpty() ? List.of() : List.of(WHITESPACE.split(stripped));
    if (!parts.isEmpty() && parts.get(0).equals("#")) {
      return new Entry(line, "skipped", null, null, rank);
    }
    int typeIndex = -1;
    for (int i = 0; i < parts.size(); i++) {
      if (TYPES.contains(parts.get(i))) {
        typeIndex = i;
        break;
      }
    }
    if (typeIndex < 0 || typeIndex + 1 >= parts.size()) {
      return null;
    }
    String options = typeIndex > 0 ? String.join(" ", parts.subList(0, typeIndex)) : null;
    return new Entry(parts.get(typeIndex + 1), parts.get(typeIndex), parseOptions(options),
        String.join(" ", parts.subList(typeIndex + 2, parts.size())), rank);
  }

  /** The collection's parseoptions: {@code re.split} on the quoted-aware pattern, each part a key or key=value. */
  static List<Map.Entry<String, String>> parseOptions(String options) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    if (options == null || options.isEmpty()) {
      return out;
    }
    List<String> parts = new ArrayList<>();
    Matcher m = OPTION.matcher(options);
    int last = -1;
    while (m.find()) {
      if (last >= 0) {
        parts.add(options.substring(last, m.start()));
      }
      parts.add(m.group(1));
      last = m.end();
    }
    for (String part : parts) {
      if (part.contains("=")) {
        out.add(new AbstractMap.SimpleEntry<>(part.substring(0, part.indexOf('=')), part.substring(part.indexOf('=') + 1)));
      } else if (!part.equals(",")) {
        out.add(new AbstractMap.SimpleEntry<>(part, null));
      }
    }
    return out;
  }

  /** The collection's serialize: entries by rank, keys as {@code [OPTIONS ]TYPE BLOB COMMENT}. */
  static String serialize(Map<String, Entry> keys) {
    StringBuilder out = new StringBuilder();
    List<Entry> ordered = new ArrayList<>(keys.values());
    ordered.sort(Comparator.comparingInt(Entry::rank));
    for (Entry e : ordered) {
      if (e.type().equals("skipped")) {
        out.append(e.blob());
        continue;
      }
      if (!e.options().isEmpty()) {
        List<String> opts = new ArrayList<>();
        for (Map.Entry<String, String> o : e.options()) {
          opts.add(o.getValue() == null ? o.getKey() : o.getKey() + "=" + o.getValue());
        }
        out.append(String.join(",", opts)).append(' ');
      }
      out.append(e.type()).append(' ').append(e.blob()).append(' ').append(e.comment()).append('\n');
    }
    return out.toString();
  }
}
