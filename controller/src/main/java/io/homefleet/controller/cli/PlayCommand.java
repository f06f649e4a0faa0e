package io.homefleet.controller.cli;

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
 * {@code homefleet play PLAYBOOK}: runs an Ansible playbook on the controller's hosts. Today it
 * parses and validates (every error with file:line:column) and lists tasks and tags, like
 * {@code ansible-playbook --syntax-check}, {@code --list-tasks} and {@code --list-tags}; running
 * the plays comes with the plan compiler.
 */
@Command(name = "play", description = {"Run an Ansible playbook on the hosts (validation and listing only, for now).",
    "Exit code: 0 ok, 1 error, 2 the playbook or the options are invalid."})
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

  @Option(names = "--json", description = "Print one JSON document (with --syntax-check: the errors and warnings).")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Map<String, Object> vars = ExtraVars.parse(extraVars);
    LoadedPlaybook loaded;
    try {
      loaded = new PlaybookLoader(Path.of("").toAbsolutePath(), rolesPath).load(playbook);
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
    if (syntaxCheck) {
      if (json) {
        out.println(Json.write(report(true, List.of(), loaded.warnings())));
      } else {
        out.println();
        out.println("playbook: " + playbook);
      }
      out.flush();
      return 0;
    }
    // Everything above needs no hosts. Running the plays (with -i, -l, --check, --diff and the
    // extra vars parsed above) needs the plan compiler and the controller, which come next.
    err.println("homefleet: running plays against hosts is not built yet (use --syntax-check, --list-tasks or"
        + " --list-tags)");
    err.flush();
    return 1;
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
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

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
        Object value = YAML.readValue(text, Object.class);
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
