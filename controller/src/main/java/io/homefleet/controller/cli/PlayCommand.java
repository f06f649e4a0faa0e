package io.homefleet.controller.cli;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.homefleet.controller.config.Durations;
import io.homefleet.proto.v1.PlayRequest;
import io.homefleet.proto.v1.PlayRunEvent;
import io.homefleet.proto.v1.SourceFile;
import io.homefleet.proto.v1.VaultPassword;
import io.homefleet.playbook.vault.Vault;
import io.homefleet.playbook.vault.VaultSecret;
import java.util.Iterator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.homefleet.playbook.parse.LoadedPlaybook;
import io.homefleet.playbook.parse.PlaybookException;
import io.homefleet.playbook.parse.PlaybookLoader;
import io.homefleet.playbook.source.Diagnostic;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code homefleet play PLAYBOOK}: runs an Ansible playbook on the controller's hosts. It parses
 * and validates locally first (every error with file:line:column; {@code --syntax-check},
 * {@code --list-tasks} and {@code --list-tags} stop there), then uploads the playbook's directory
 * and the inventory to the controller, which validates again, runs the plays on the agents and
 * streams the events, printed by {@link PlayOutput}.
 */
@Command(name = "play", description = {"Run an Ansible playbook on the enrolled hosts, like ansible-playbook.",
    "Exit code: 0 ok, 1 error, 2 a host failed or the playbook or options are invalid, 3 controller unreachable,",
    "4 a host was unreachable (and none failed)."})
final class PlayCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "PLAYBOOK", description = "The playbook file.")
  Path playbook;

  @Option(names = "--syntax-check", description = "Parse and validate the playbook and everything it references;"
      + " needs no controller and no hosts.")
  boolean syntaxCheck;

  @Option(names = "--list-tasks", description = "List the tasks each play would run, with their tags.")
  boolean listTasks;

  @Option(names = "--list-tags", description = "List the tags of each play.")
  boolean listTags;

  @Option(names = {"-i", "--inventory"}, description = "Inventory file or directory.")
  List<Path> inventory = new ArrayList<>();

  @Option(names = {"-l", "--limit"}, description = "Limit the plays to hosts matching this pattern.")
  String limit;

  @Option(names = {"-t", "--tags"}, split = ",", description = "Run only tasks with these tags.")
  List<String> tags = new ArrayList<>();

  @Option(names = "--skip-tags", split = ",", description = "Skip tasks with these tags.")
  List<String> skipTags = new ArrayList<>();

  @Option(names = {"-C", "--check"}, description = "Check mode: report what would change, change nothing.")
  boolean check;

  @Option(names = {"-D", "--diff"}, description = "Show the changes made to files and templates.")
  boolean diff;

  @Option(names = {"-e", "--extra-vars"}, paramLabel = "VARS",
      description = "Extra variables: key=value pairs, a JSON or YAML mapping, or @FILE (repeatable).")
  List<String> extraVars = new ArrayList<>();

  @Option(names = "--roles-path", split = ":", paramLabel = "DIR",
      description = "Directories to look for roles in after roles/ next to the playbook.")
  List<Path> rolesPath = new ArrayList<>();

  @picocli.CommandLine.Mixin
  VaultOptions vault = new VaultOptions();

  @Option(names = "--json", description = "Print one JSON document (with --syntax-check: the errors and warnings).")
  boolean json;

  @Option(names = "--queue-for", defaultValue = "0s", description = {"Deliver each play to hosts that are offline "
      + "when it reaches them if they connect within this time (e.g. 1h); then the host's part expires. Default: an "
      + "offline host is unreachable at once."})
  String queueFor;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Map<String, Object> vars = ExtraVars.parse(extraVars);
    if (!syntaxCheck && !listTasks && !listTags) {
      // A run: the controller loads and validates the playbook and answers with every error, so
      // the CLI does not load it too (YAML, Jinja and the module schemas are costly to start).
      return runOnController(playbookRoot(), vars, out, err);
    }
    LoadedPlaybook loaded;
    try {
      loaded = new PlaybookLoader(Path.of("").toAbsolutePath(), rolesPath, new Vault(vault.secrets(2))).load(playbook);
    } catch (PlaybookException e) {
      if (json) {
        out.println(Json.write(report(false, e.errors(), e.warnings())));
      } else {
        e.warnings().forEach(w -> err.println(w));
        e.errors().forEach(x -> err.println("ERROR! " + x));
        err.println(e.errors().size() + (e.errors().size() == 1 ? " error" : " errors") + " in " + playbook);
      }
      out.flush();
      err.flush();
      return 2;
    }
    if (!json) {
      loaded.warnings().forEach(w -> err.println(w));
      err.flush();
    }
    if (listTasks || listTags) {
      if (json) {
        throw new CliException(2, "--json goes with --syntax-check, not with --list-tasks or --list-tags");
      }
      new PlaybookOutline(loaded, tags, skipTags).print(out, listTasks, listTags);
      out.flush();
      return 0;
    }
    if (json) {
      Map<String, Object> doc = report(true, List.of(), loaded.warnings());
      doc.put("python_modules", loaded.notes().stream().map(PlayCommand::diagnostic).toList());
      out.println(Json.write(doc));
    } else {
      loaded.notes().forEach(out::println);
      out.println();
      out.println("playbook: " + playbook);
    }
    out.flush();
    return 0;
  }

  /** The playbook's directory, as the loader takes it: the root of what is uploaded. */
  private Path playbookRoot() {
    Path file = playbook.toAbsolutePath().normalize();
    if (!Files.isRegularFile(file)) {
      throw new CliException(2, playbook + ": playbook not found (give the path of a playbook file)");
    }
    try {
      return file.getParent().toRealPath();
    } catch (IOException e) {
      throw new CliException(2, "cannot read " + e.getMessage());
    }
  }

  /** Uploads the playbook's tree and the inventory, streams the run, prints it; returns the exit code. */
  private int runOnController(Path root, Map<String, Object> vars, PrintWriter out, PrintWriter err) {
    if (inventory.size() > 1) {
      throw new CliException(2, "-i: give one inventory (a file, or a directory of them)");
    }
    // The connection first: the event loop's thread connects (HTTP/2 set-up, and its classes'
    // loading) while this one reads and packs the playbook's files. An error of either keeps the
    // order it had: the request's errors (the playbook, the inventory) before the client's (credentials).
    HomefleetMain main = (HomefleetMain) spec.root().userObject();
    OperatorClient early = null;
    CliException clientError = null;
    try {
      early = new OperatorClient(main.cliHome());
      early.connect();
    } catch (CliException e) {
      clientError = e;
    }
    PlayRequest req;
    try {
      req = request(root, vars);
    } catch (RuntimeException e) {
      if (early != null) {
        early.close();
      }
      throw e;
    }
    if (clientError != null) {
      throw clientError;
    }
    // picocli's out flushes at every line (autoflush): a write(2) per line, hundreds in a play. The
    // printer flushes once per event instead (PlayOutput.accept), and the finally below on a failure.
    PrintWriter eventOut = new PrintWriter(out, false);
    try (OperatorClient client = early) {
      PlayOutput printer = new PlayOutput(eventOut, json, diff);
      try {
        Iterator<PlayRunEvent> events = client.streaming().runPlay(req);
        while (events.hasNext()) {
          printer.accept(events.next());
        }
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
          String d = e.getStatus().getDescription() == null ? "" : e.getStatus().getDescription();
          err.println("ERROR! the controller refused the playbook:");
          d.lines().forEach(l -> err.println(localPaths(root, l)));
          err.flush();
          return 2;
        }
        throw client.explain(e);
      }
      printer.finish();
      out.flush();
      return printer.exitCode();
    } finally {
      eventOut.flush();
    }
  }

  /** The request: the options, and every file of the playbook's directory, the roles path and the inventory. */
  private PlayRequest request(Path root, Map<String, Object> vars) {
    int queueSeconds;
    try {
      queueSeconds = (int) Durations.parse(queueFor).toSeconds();
    } catch (IllegalArgumentException e) {
      throw new CliException(2, "--queue-for: " + e.getMessage());
    }
    PlayRequest.Builder req = PlayRequest.newBuilder().setDisplayName(playbook.toString())
        .setQueueForSeconds(queueSeconds)
        .setCheckMode(check).setDiff(diff).addAllTags(tags).addAllSkipTags(skipTags)
        .setExtraVarsJson(ByteString.copyFromUtf8(PlayJson.compact(vars)));
    for (VaultSecret secret : vault.secrets(2)) {
      req.addVaultPasswords(VaultPassword.newBuilder().setId(secret.id()).setPassword(ByteString.copyFrom(
          secret.password())));
    }
    if (limit != null) {
      req.setLimit(limit);
    }
    Path pb = playbook.toAbsolutePath().normalize();
    try {
      pb = root.resolve(pb.toRealPath().getFileName());
      req.setPlaybook(root.relativize(pb).toString());
      long[] size = {0};
      Upload.tree(root, root, "", req::addPlaybookFiles, size);
      for (int i = 0; i < rolesPath.size(); i++) {
        String prefix = ".homefleet-roles-path/" + i;
        Upload.tree(rolesPath.get(i).toRealPath(), rolesPath.get(i).toRealPath(), prefix + "/", req::addPlaybookFiles,
            size);
        req.addRolesPath(prefix);
      }
      if (!inventory.isEmpty()) {
        Path inv = inventory.get(0).toRealPath();
        Path invRoot = inv.getParent();
        req.setInventory(inv.getFileName().toString());
        if (Files.isDirectory(inv)) {
          Upload.tree(invRoot, inv, "", req::addInventoryFiles, size);
        } else {
          Upload.file(invRoot, inv, "", req::addInventoryFiles, size);
          for (String d : List.of("group_vars", "host_vars")) {
            if (Files.isDirectory(invRoot.resolve(d))) {
              Upload.tree(invRoot, invRoot.resolve(d), "", req::addInventoryFiles, size);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new CliException(2, "cannot read " + e.getMessage());
    }
    return req.build();
  }

  /**
   * A line of the controller's answer with the path it starts with shown as the syntax check
   * shows it: the controller names files relative to the uploaded playbook directory
   * ({@code site.yml:3:7: ...}), the operator gave them relative to the working directory
   * ({@code playbooks/site.yml:3:7: ...}). Lines that name no file of the playbook's directory
   * are left as they are.
   */
  static String localPaths(Path root, String line) {
    int colon = line.indexOf(':');
    if (colon <= 0) {
      return line;
    }
    String name = line.substring(0, colon);
    try {
      if (name.startsWith("/") || !Files.exists(root.resolve(name))) {
        return line;
      }
    } catch (java.nio.file.InvalidPathException e) {
      return line;
    }
    Path shown = Path.of("").toAbsolutePath().relativize(root.resolve(name).normalize());
    return shown + line.substring(colon);
  }

  /** The files of a tree, for the upload: hidden directories (.git) are left out; 12 MiB at most in all. */
  static final class Upload {
    static final long MAX_BYTES = 12L * 1024 * 1024;

    private Upload() {}

    static void tree(Path base, Path dir, String prefix, java.util.function.Consumer<SourceFile> sink, long[] size)
        throws IOException {
      try (var walk = Files.walk(dir)) {
        for (Path p : (Iterable<Path>) walk::iterator) {
          Path rel = base.relativize(p);
          boolean hidden = false;
          for (Path part : rel) {
            hidden |= part.toString().startsWith(".");
          }
          if (!hidden && Files.isRegularFile(p)) {
            file(base, p, prefix, sink, size);
          }
        }
      }
    }

    static void file(Path base, Path p, String prefix, java.util.function.Consumer<SourceFile> sink, long[] size)
        throws IOException {
      byte[] content = Files.readAllBytes(p);
      size[0] += content.length;
      if (size[0] > MAX_BYTES) {
        throw new CliException(2, "the playbook's directory holds more than " + MAX_BYTES / (1024 * 1024)
            + " MiB (at " + p + "); homefleet uploads the whole directory: keep only the playbook, its roles and"
            + " files there");
      }
      sink.accept(SourceFile.newBuilder().setPath(prefix + base.relativize(p)).setContent(ByteString.copyFrom(content))
          .build());
    }
  }

  private Map<String, Object> report(boolean ok, List<Diagnostic> errors, List<Diagnostic> warnings) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("playbook", playbook.toString());
    doc.put("ok", ok);
    doc.put("errors", errors.stream().map(PlayCommand::diagnostic).toList());
    doc.put("warnings", warnings.stream().map(PlayCommand::diagnostic).toList());
    return doc;
  }

  private static Map<String, Object> diagnostic(Diagnostic d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", d.location().file());
    m.put("line", d.location().line());
    m.put("column", d.location().column());
    m.put("message", d.message());
    return m;
  }

  /** {@code -e}: key=value pairs, an inline JSON/YAML mapping, or {@code @file.yml}; later ones win. */
  static final class ExtraVars {
    /** Made on first use only: key=value pairs, the common case, need no YAML parser. */
    private static final class Yaml {
      static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());
    }

    private ExtraVars() {}

    static Map<String, Object> parse(List<String> values) {
      Map<String, Object> vars = new LinkedHashMap<>();
      for (String v : values) {
        String text = v.strip();
        if (text.startsWith("@")) {
          Path file = Path.of(text.substring(1));
          try {
            vars.putAll(mapping(Files.readString(file), "-e " + v));
          } catch (IOException e) {
            throw new CliException(2, "-e " + v + ": cannot read " + file + ": " + e.getMessage());
          }
        } else if (text.startsWith("{")) {
          vars.putAll(mapping(text, "-e " + v));
        } else {
          for (String pair : text.split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
              throw new CliException(2, "-e " + v + ": expected key=value, a JSON mapping or @FILE");
            }
            vars.put(pair.substring(0, eq), pair.substring(eq + 1));
          }
        }
      }
      return vars;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapping(String text, String what) {
      try {
        Object value = Yaml.MAPPER.readValue(text, Object.class);
        if (value instanceof Map<?, ?> m) {
          return (Map<String, Object>) m;
        }
        throw new CliException(2, what + ": expected a mapping of variables");
      } catch (JsonProcessingException e) {
        throw new CliException(2, what + ": " + e.getOriginalMessage());
      }
    }
  }
}
