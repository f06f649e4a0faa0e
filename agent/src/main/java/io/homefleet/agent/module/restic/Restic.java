package io.homefleet.agent.module.restic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Commands;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One restic repository as the restic modules name it, and the runs of Debian's restic (0.14)
 * against it. The password reaches restic only through its environment ({@code
 * RESTIC_PASSWORD_FILE} for {@code password_file}, {@code RESTIC_PASSWORD} for a value from the
 * controller's vault), never its command line; a REST server's credentials go into the
 * repository URL that {@code RESTIC_REPOSITORY} carries, for the same reason. Every text restic
 * prints passes through {@link #mask} before it reaches a result. restic's failures that a user
 * can act on (wrong password, no repository, a full disk, a held lock) become messages that say
 * so and name the fix.
 */
final class Restic {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MASK = "********";
  private static final Pattern SFTP_URL = Pattern.compile("sftp://(?:([^@/]+)@)?([^:/]+)(?::(\\d+))?(/.*)");
  private static final Pattern SFTP_SHORT = Pattern.compile("sftp:(?:([^@:/]+)@)?([^:/]+):(.+)");
  private static final Pattern REST = Pattern.compile("rest:(https?)://([^/@]+@)?(.+)");

  private final String module;
  private final String repository;
  private final String shown;
  private final Map<String, String> env;
  private final List<String> options;
  private final List<String> secrets;

  private Restic(String module, String repository, String shown, Map<String, String> env, List<String> options,
      List<String> secrets) {
    this.module = module;
    this.repository = repository;
    this.shown = shown;
    this.env = env;
    this.options = options;
    this.secrets = secrets;
  }

  /** Reads the repository arguments of a restic module; fails naming the argument and the fix. */
  static Restic of(Args a) throws TaskException {
    String repo = a.required("repository").strip();
    Map<String, String> env = new LinkedHashMap<>();
    List<String> options = new ArrayList<>();
    List<String> secrets = new ArrayList<>();
    boolean file = a.has("password_file");
    boolean value = a.has("password");
    if (file == value) {
      throw a.error("give exactly one of password_file (a file on the host, mode 0600) or password (a value from "
          + "the controller's vault, as \"{{ vault_restic_password }}\"); got " + (file ? "both" : "neither"));
    }
    if (file) {
      Path pf = Path.of(a.required("password_file"));
      if (!Files.isReadable(pf)) {
        throw a.error("password_file " + pf + " does not exist or cannot be read; create it (mode 0600) with the "
            + "repository's password on one line");
      }
      env.put("RESTIC_PASSWORD_FILE", pf.toString());
    } else {
      String pw = a.required("password");
      env.put("RESTIC_PASSWORD", pw);
      secrets.add(pw);
    }
    String shown = repo;
    Matcher rest = REST.matcher(repo);
    boolean isRest = repo.startsWith("rest:");
    boolean isSftp = repo.startsWith("sftp:");
    if ((a.has("rest_username") || a.has("rest_password")) && !isRest) {
      throw a.error("rest_username and rest_password are for a rest: repository, and repository is " + repo);
    }
    if ((a.has("ssh_key") || a.has("ssh_known_hosts")) && !isSftp) {
      throw a.error("ssh_key and ssh_known_hosts are for an sftp: repository, and repository is " + repo);
    }
    if (isRest) {
      if (!rest.matches()) {
        throw a.error("repository " + repo + " is not a REST server URL; write rest:https://HOST:8000/PATH");
      }
      if (rest.group(2) != null) {
        throw a.error("repository must not carry credentials (they would show in results and the journal); give "
            + "rest_username and rest_password (from the vault) instead");
      }
      shown = repo;
      String url = repo;
      if (a.has("rest_username") || a.has("rest_password")) {
        String user = a.required("rest_username");
        String pw = a.required("rest_password");
        secrets.add(pw);
        String encoded = URLEncoder.encode(pw, StandardCharsets.UTF_8);
        if (!encoded.equals(pw)) {
          secrets.add(encoded);
        }
        url = "rest:" + rest.group(1) + "://" + URLEncoder.encode(user, StandardCharsets.UTF_8) + ":" + encoded + "@"
            + rest.group(3);
      }
      env.put("RESTIC_REPOSITORY", url);
    } else if (isSftp) {
      env.put("RESTIC_REPOSITORY", repo);
      Optional<String> command = sftpCommand(a, repo);
      command.ifPresent(c -> options.addAll(List.of("-o", "sftp.command=" + c)));
    } else {
      if (!Path.of(repo).isAbsolute()) {
        throw a.error("repository " + repo + " is not an absolute path, an sftp: or a rest: URL");
      }
      env.put("RESTIC_REPOSITORY", repo);
    }
    a.str("cache_dir").ifPresent(d -> options.addAll(List.of("--cache-dir", d)));
    return new Restic(a.module(), repo, shown, env, options, secrets);
  }

  /**
   * The ssh command restic runs for an sftp repository when a key, a known_hosts file or a port
   * is given: batch mode (no prompt can hang a task), the key alone, host keys checked strictly.
   */
  private static Optional<String> sftpCommand(Args a, String repo) throws TaskException {
    Matcher m = SFTP_URL.matcher(repo);
    String user;
    String host;
    String port = null;
    if (m.matches()) {
      user = m.group(1);
      host = m.group(2);
      port = m.group(3);
    } else {
      m = SFTP_SHORT.matcher(repo);
      if (!m.matches()) {
        throw a.error("repository " + repo + " is not an sftp URL; write sftp:USER@HOST:/PATH or "
            + "sftp://USER@HOST:PORT//PATH");
      }
      user = m.group(1);
      host = m.group(2);
    }
    if (!a.has("ssh_key") && !a.has("ssh_known_hosts") && port == null) {
      return Optional.empty();
    }
    List<String> ssh = new ArrayList<>(List.of("ssh", "-o", "BatchMode=yes"));
    if (a.has("ssh_key")) {
      String key = a.required("ssh_key");
      if (!Files.isReadable(Path.of(key))) {
        throw a.error("ssh_key " + key + " does not exist or cannot be read");
      }
      ssh.addAll(List.of("-i", key, "-o", "IdentitiesOnly=yes"));
    }
    if (a.has("ssh_known_hosts")) {
      String kh = a.required("ssh_known_hosts");
      if (!Files.isReadable(Path.of(kh))) {
        throw a.error("ssh_known_hosts " + kh + " does not exist or cannot be read; write the server's host key "
            + "line into it (ssh-keyscan on a trusted network)");
      }
      ssh.addAll(List.of("-o", "UserKnownHostsFile=" + kh, "-o", "StrictHostKeyChecking=yes"));
    }
    if (port != null) {
      ssh.addAll(List.of("-p", port));
    }
    ssh.add(user == null ? host : user + "@" + host);
    ssh.addAll(List.of("-s", "sftp"));
    for (String part : ssh) {
      if (part.contains(" ") || part.contains("'") || part.contains("\"")) {
        throw a.error("'" + part + "' has a space or a quote, which restic's sftp.command cannot carry; use a path "
            + "without them");
      }
    }
    return Optional.of(String.join(" ", ssh));
  }

  /** The repository as results and metrics show it (no credentials). */
  String shown() {
    return shown;
  }

  String repository() {
    return repository;
  }

  /** {@code text} with every secret of this repository replaced by asterisks. */
  String mask(String text) {
    String out = text;
    for (String s : secrets) {
      if (!s.isEmpty()) {
        out = out.replace(s, MASK);
      }
    }
    return out;
  }

  /** Runs {@code restic OPTIONS ARGS}; the result's output is masked. */
  Commands.Result run(TaskContext ctx, List<String> args) throws TaskException, InterruptedException {
    List<String> argv = new ArrayList<>();
    argv.add("restic");
    argv.addAll(options);
    argv.addAll(args);
    Commands.Result r;
    try {
      r = Commands.run(ctx, argv, env, null);
    } catch (TaskException e) {
      throw new TaskException(module, mask(e.getMessage()) + (e.getMessage().contains("cannot run restic")
          ? " (install Debian's restic: apt-get install restic)" : ""));
    }
    return new Commands.Result(r.argv(), r.rc(), mask(r.stdout()), mask(r.stderr()));
  }

  /** Runs restic and fails with {@link #failure} unless it exits 0. */
  Commands.Result require(TaskContext ctx, List<String> args, String what) throws TaskException, InterruptedException {
    Commands.Result r = run(ctx, args);
    if (!r.ok()) {
      throw new TaskException(module, failure(what, r));
    }
    return r;
  }

  /** Whether restic failed because there is no repository at all. */
  static boolean missing(Commands.Result r) {
    return r.stderr().contains("unable to open config file") || r.stderr().contains("Is there a repository at");
  }

  /** The failure for a missing repository, with the fix. */
  TaskException noRepository() {
    return new TaskException(module, "there is no restic repository at " + shown + ": correct repository, or "
        + "create it with restic_backup's init: true");
  }

  /** Creates the repository. */
  void init(TaskContext ctx) throws TaskException, InterruptedException {
    require(ctx, List.of("init"), "init");
  }

  /** The snapshots, oldest first, as restic's {@code snapshots --json} lists them. */
  List<Snapshot> snapshots(TaskContext ctx, List<String> filters) throws TaskException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("snapshots", "--json"));
    args.addAll(filters);
    Commands.Result r = require(ctx, args, "list snapshots of");
    List<Snapshot> out = new ArrayList<>();
    JsonNode list = json(r.stdout());
    for (JsonNode s : list) {
      out.add(Snapshot.of(s));
    }
    return out;
  }

  /** Parses one JSON document restic printed; fails naming the command. */
  JsonNode json(String text) throws TaskException {
    try {
      return JSON.readTree(text.isBlank() ? "null" : text);
    } catch (IOException e) {
      throw new TaskException(module, "cannot read restic's JSON output (" + e.getMessage() + "): "
          + text.substring(0, Math.min(200, text.length())));
    }
  }

  /** A snapshot as {@code snapshots --json} and {@code forget --json} describe it. */
  record Snapshot(String id, String shortId, long unixMillis, List<String> paths, List<String> tags, String host) {
    static Snapshot of(JsonNode s) {
      List<String> paths = new ArrayList<>();
      s.path("paths").forEach(p -> paths.add(p.asText()));
      List<String> tags = new ArrayList<>();
      s.path("tags").forEach(t -> tags.add(t.asText()));
      String id = s.path("id").asText("");
      return new Snapshot(id, s.path("short_id").asText(id.length() >= 8 ? id.substring(0, 8) : id),
          Instant.parse(s.path("time").asText()).toEpochMilli(), paths, tags, s.path("hostname").asText(""));
    }
  }

  /** restic's failure as a message a user can act on: what happened, where, and the fix. */
  String failure(String what, Commands.Result r) {
    String err = (r.stderr().isBlank() ? r.stdout() : r.stderr()).strip();
    String said = lastLines(err, 6);
    if (err.contains("wrong password or no key found")) {
      return "wrong password for the restic repository at " + shown + ": the "
          + (env.containsKey("RESTIC_PASSWORD_FILE") ? "password_file " + env.get("RESTIC_PASSWORD_FILE")
              : "password given") + " does not open it; give the repository's own password";
    }
    if (missing(r)) {
      return noRepository().getMessage();
    }
    if (err.contains("no space left on device")) {
      return "cannot " + what + " the restic repository at " + shown + ": no space left on device; the repository "
          + "stays readable (what restic wrote in part is not referenced by any snapshot); free space there "
          + "(forget old snapshots with keep_* and prune) and run again. restic said: " + said;
    }
    if (err.contains("repository is already locked")) {
      return "the restic repository at " + shown + " is locked by another restic; wait for it, or after a crash "
          + "run 'restic unlock' against it. restic said: " + said;
    }
    return "restic could not " + what + " the repository at " + shown + " (exit " + r.rc() + "): " + said;
  }

  private static String lastLines(String text, int n) {
    List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
    return String.join(" / ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }
}
