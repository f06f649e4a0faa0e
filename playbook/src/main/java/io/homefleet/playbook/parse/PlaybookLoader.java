package io.homefleet.playbook.parse;

import io.homefleet.playbook.model.Block;
import io.homefleet.playbook.model.Handler;
import io.homefleet.playbook.model.IncludeRole;
import io.homefleet.playbook.model.IncludeTasks;
import io.homefleet.playbook.model.Keywords;
import io.homefleet.playbook.model.Play;
import io.homefleet.playbook.model.Playbook;
import io.homefleet.playbook.model.Role;
import io.homefleet.playbook.model.RoleRef;
import io.homefleet.playbook.model.Serial;
import io.homefleet.playbook.model.Task;
import io.homefleet.playbook.model.TaskItem;
import io.homefleet.playbook.model.VarsFile;
import io.homefleet.playbook.source.Location;
import io.homefleet.playbook.source.YamlNode;
import io.homefleet.playbook.vault.Vault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Reads a playbook and everything it references ({@code import_playbook}, task files, roles,
 * vars files, the local files of {@code copy}/{@code template}) and validates all of it before
 * anything runs. It reports every error it finds, not just the first, each as
 * {@code file:line:column: message (fix)} with the file relative to the working directory.
 *
 * <pre>{@code
 * LoadedPlaybook pb = new PlaybookLoader().load(Path.of("playbooks/site.yml"));
 * }</pre>
 *
 * <p>Nothing host-specific happens here: templates stay strings, and a task file or role whose
 * name is a template is kept as a dynamic include to be resolved per host.
 */
public final class PlaybookLoader {
  private static final Set<String> IMPORT_PLAYBOOK = Set.of("import_playbook", "ansible.builtin.import_playbook");
  private static final Set<String> PLAY_KEYWORDS = Set.of("name", "hosts", "vars", "vars_files", "gather_facts",
      "pre_tasks", "roles", "tasks", "post_tasks", "handlers", "serial", "max_fail_percentage", "tags",
      "any_errors_fatal", "environment", "strategy", "ignore_errors", "check_mode", "diff", "no_log",
      "force_handlers");
  private static final Map<String, String> PLAY_IGNORED = Map.of(
      "gather_subset", "gather_subset is ignored: the agent reports all its facts",
      "gather_timeout", "gather_timeout is ignored: facts come from the agent",
      "fact_path", "fact_path is ignored: facts come from the agent",
      "order", "order is ignored: hosts run in inventory order",
      "max_concurrent", "max_concurrent is ignored");

  private final Path displayBase;
  private final List<Path> rolesPath;
  private final Vault vault;

  /** A loader that shows paths relative to the working directory and has no extra roles path. */
  public PlaybookLoader() {
    this(Path.of("").toAbsolutePath(), List.of());
  }

  /**
   * @param displayBase the directory error locations are shown relative to (the working directory)
   * @param rolesPath directories to look for roles in after {@code roles/} next to the playbook
   */
  public PlaybookLoader(Path displayBase, List<Path> rolesPath) {
    this(displayBase, rolesPath, Vault.none());
  }

  /**
   * @param vault decrypts vault-encrypted files and {@code !vault} values, and records what it
   *     decrypted (the plan compiler needs to know which values are secret)
   */
  public PlaybookLoader(Path displayBase, List<Path> rolesPath, Vault vault) {
    this.displayBase = displayBase.toAbsolutePath().normalize();
    this.rolesPath = rolesPath.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    this.vault = vault;
  }

  /**
   * Reads and validates {@code playbook}.
   *
   * @throws PlaybookException with every error found, when there is at least one
   */
  public LoadedPlaybook load(Path playbook) throws PlaybookException {
    Path file = playbook.toAbsolutePath().normalize();
    Path root;
    try {
      root = file.getParent().toRealPath();
      file = root.resolve(file.getFileName());
    } catch (IOException e) {
      root = file.getParent();
    }
    Session s = new Session(root, displayBase, rolesPath, vault);
    Run run = new Run(s);
    List<Play> plays = new ArrayList<>();
    Location top = Location.of(s.display(file));
    if (!Files.isRegularFile(file)) {
      s.error(top, "playbook not found");
    } else {
      plays.addAll(run.playbook(file, top));
      if (plays.isEmpty() && s.errors().isEmpty()) {
        s.error(top, "this playbook has no plays (a playbook is a list of plays, each with hosts:)");
      }
    }
    if (!s.errors().isEmpty()) {
      throw new PlaybookException(s.errors(), s.warnings());
    }
    return new LoadedPlaybook(new Playbook(s.display(file), plays), root, s.bundle(), s.warnings(), s.notes());
  }

  /** One load's parsers. */
  private static final class Run {
    private final Session s;
    private final TaskParser tasks;
    private final RoleLoader roles;
    private final Deque<Path> playbooks = new ArrayDeque<>();

    Run(Session s) {
      this.s = s;
      this.roles = new RoleLoader(s);
      this.tasks = new TaskParser(s, roles);
      roles.tasks(tasks);
    }

    List<Play> playbook(Path file, Location from) {
      if (playbooks.contains(file)) {
        s.error(from, s.display(file) + " imports itself");
        return List.of();
      }
      playbooks.push(file);
      try {
        Optional<YamlNode> doc = s.readYaml(file, from);
        if (doc.isEmpty()) {
          return List.of();
        }
        if (!(doc.get() instanceof YamlNode.Sequence seq)) {
          s.error(doc.get().location(), "a playbook is a list of plays, not " + doc.get().kind()
              + " (start each play with '- hosts: ...')");
          return List.of();
        }
        List<Play> plays = new ArrayList<>();
        Path dir = file.getParent();
        for (YamlNode item : seq.items()) {
          if (!(item instanceof YamlNode.Mapping m)) {
            s.error(item.location(), "a play must be a mapping with hosts:, not " + item.kind());
            continue;
          }
          Optional<String> imp = m.entries().stream().map(YamlNode.Entry::key).filter(IMPORT_PLAYBOOK::contains)
              .findFirst();
          if (imp.isPresent()) {
            plays.addAll(importPlaybook(m, imp.get(), dir));
          } else {
            play(m, dir).ifPresent(plays::add);
          }
        }
        return plays;
      } finally {
        playbooks.pop();
      }
    }

    private List<Play> importPlaybook(YamlNode.Mapping m, String key, Path dir) {
      YamlNode value = m.get(key).orElseThrow();
      String name = tasks.scalarString(value, key);
      TaskParser.KeywordReader kw = tasks.new KeywordReader(key);
      for (YamlNode.Entry e : m.entries()) {
        if (e.key().equals(key)) {
          continue;
        }
        if (e.key().equals("when")) {
          s.error(e.keyLocation(), "when on import_playbook is not supported (put the condition on the plays' tasks)");
        } else if (!kw.accept(e)) {
          s.error(e.keyLocation(), "unknown keyword '" + e.key() + "' for import_playbook"
              + Suggest.hint(e.key(), List.of("name", "vars", "tags")));
        }
      }
      if (name == null) {
        return List.of();
      }
      if (JinjaSyntax.isTemplate(name)) {
        s.error(value.location(), "import_playbook needs a file name without templates");
        return List.of();
      }
      Optional<Path> found = tasks.findFile(name, List.of(dir.resolve(name)), value.location(), "playbook");
      if (found.isEmpty()) {
        return List.of();
      }
      Keywords extra = kw.keywords();
      List<Play> plays = playbook(found.get(), value.location());
      if (extra.vars().isEmpty() && extra.tags().isEmpty()) {
        return plays;
      }
      // The import's vars and tags apply to each imported play; its vars win, as explicit parameters.
      List<Play> out = new ArrayList<>();
      for (Play p : plays) {
        Map<String, Object> vars = new LinkedHashMap<>(p.keywords().vars());
        vars.putAll(extra.vars());
        List<String> tags = new ArrayList<>(extra.tags());
        tags.addAll(p.keywords().tags());
        Keywords k = p.keywords();
        out.add(new Play(p.name(), p.location(), p.hosts(), new Keywords(k.when(), tags, vars, k.environment(),
            k.ignoreErrors(), k.checkMode(), k.diff(), k.noLog(), k.delegation(), k.runAs()), p.varsFiles(),
            p.gatherFacts(), p.roles(),
            p.preTasks(), p.tasks(), p.postTasks(), p.handlers(), p.serial(), p.maxFailPercentage(),
            p.anyErrorsFatal(), p.forceHandlers()));
      }
      return out;
    }

    private Optional<Play> play(YamlNode.Mapping m, Path dir) {
      Scope scope = new Scope(dir, dir, Optional.empty());
      TaskParser.KeywordReader kw = tasks.new KeywordReader("play");
      String hosts = null;
      List<VarsFile> varsFiles = List.of();
      boolean gatherFacts = true;
      List<RoleRef> roleRefs = new ArrayList<>();
      List<TaskItem> pre = List.of();
      List<TaskItem> main = List.of();
      List<TaskItem> post = List.of();
      List<Handler> handlers = List.of();
      Serial serial = Serial.ALL;
      OptionalDouble maxFail = OptionalDouble.empty();
      boolean anyErrorsFatal = false;
      boolean forceHandlers = false;
      for (YamlNode.Entry e : m.entries()) {
        YamlNode v = e.value();
        switch (e.key()) {
          case "hosts" -> {
            List<String> patterns = tasks.strings(v, "hosts");
            hosts = String.join(",", patterns);
            s.checkTemplate(hosts, v.location());
          }
          case "when" -> s.error(e.keyLocation(), "a play has no when: (use a condition on its tasks, or a host"
              + " pattern)");
          case "vars_files" -> varsFiles = varsFiles(v, dir);
          case "gather_facts" -> gatherFacts = tasks.flag(v, "gather_facts")
              .map(f -> !(f instanceof io.homefleet.playbook.model.Flag.Fixed x) || x.value()).orElse(true);
          case "pre_tasks" -> pre = tasks.taskList(v, scope, "pre_tasks");
          case "tasks" -> main = tasks.taskList(v, scope, "tasks");
          case "post_tasks" -> post = tasks.taskList(v, scope, "post_tasks");
          case "handlers" -> handlers = tasks.handlers(v, scope, "handlers");
          case "roles" -> {
            if (v instanceof YamlNode.Sequence q) {
              q.items().forEach(item -> roles.entry(item, scope).ifPresent(roleRefs::add));
            } else if (!(v instanceof YamlNode.Scalar sc && sc.value() == null)) {
              s.error(v.location(), "roles must be a list, not " + v.kind());
            }
          }
          case "serial" -> serial = serial(v);
          case "max_fail_percentage" -> maxFail = percentage(v);
          case "any_errors_fatal" -> anyErrorsFatal = fixed(v, "any_errors_fatal");
          case "force_handlers" -> forceHandlers = fixed(v, "force_handlers");
          case "strategy" -> {
            String st = tasks.scalarString(v, "strategy");
            if (st != null && !st.equals("linear")) {
              s.warning(v.location(), "strategy '" + st + "' is not supported; the play runs with 'linear'");
            }
          }
          default -> {
            if (e.key().equals("delegate_to") || e.key().equals("delegate_facts")) {
              s.error(e.keyLocation(), "'" + e.key() + "' is not a valid attribute for a Play (put it on a task or block)");
              continue;
            }
            if (kw.accept(e)) {
              continue;
            }
            String ignored = PLAY_IGNORED.get(e.key());
            if (ignored != null) {
              s.warning(e.keyLocation(), ignored);
            } else if (!tasks.ignoredOrUnsupported(e)) {
              Set<String> known = new LinkedHashSet<>(PLAY_KEYWORDS);
              known.addAll(TaskParser.IGNORED.keySet());
              String hint = Suggest.hint(e.key(), known);
              if (hint.isEmpty() && (TaskParser.taskKeywords().contains(e.key())
                  || io.homefleet.playbook.spec.ModuleSpecs.find(e.key()).isPresent())) {
                hint = " (tasks go under tasks:; is the indentation right?)";
              }
              s.error(e.keyLocation(), "unknown play keyword '" + e.key() + "'" + hint);
            }
          }
        }
      }
      if (hosts == null || hosts.isBlank()) {
        s.error(m.location(), "this play has no hosts: (add 'hosts: all' or a group name)");
        return Optional.empty();
      }
      Play play = new Play(kw.name, m.location(), hosts, kw.keywords(), varsFiles, gatherFacts, roleRefs, pre, main,
          post, handlers, serial, maxFail, anyErrorsFatal, forceHandlers);
      checkNotifications(play);
      return Optional.of(play);
    }

    private boolean fixed(YamlNode v, String what) {
      return tasks.flag(v, what).map(f -> f instanceof io.homefleet.playbook.model.Flag.Fixed x && x.value())
          .orElse(false);
    }

    private List<VarsFile> varsFiles(YamlNode node, Path dir) {
      if (node instanceof YamlNode.Scalar sc && sc.value() == null) {
        return List.of();
      }
      List<YamlNode> items = node instanceof YamlNode.Sequence q ? q.items() : List.of(node);
      List<VarsFile> out = new ArrayList<>();
      for (YamlNode item : items) {
        List<String> names = tasks.strings(item, "vars_files entry");
        if (names.isEmpty()) {
          continue;
        }
        if (names.stream().anyMatch(JinjaSyntax::isTemplate)) {
          names.forEach(n -> s.checkTemplate(n, item.location()));
          out.add(new VarsFile(item.location(), names, Optional.empty()));
          continue;
        }
        Optional<Path> found = Optional.empty();
        for (String n : names) {
          Path c = dir.resolve(n);
          if (Files.exists(c) && s.inBundle(c)) {
            found = Optional.of(c);
            break;
          }
        }
        if (found.isEmpty()) {
          // Report the first name the way a single missing file is reported.
          tasks.findFile(names.get(0), List.of(dir.resolve(names.get(0))), item.location(), "vars file");
          continue;
        }
        Map<String, Object> vars = readVars(found.get(), item.location());
        out.add(new VarsFile(item.location(), names, Optional.of(vars)));
      }
      return out;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> readVars(Path f, Location at) {
      Optional<YamlNode> doc = s.readYaml(f, at);
      if (doc.isEmpty()) {
        return Map.of();
      }
      if (!(doc.get() instanceof YamlNode.Mapping m)) {
        s.error(doc.get().location(), "a vars file must be a mapping of variables, not " + doc.get().kind());
        return Map.of();
      }
      s.checkTemplates(m);
      return (Map<String, Object>) m.toPlain();
    }

    private Serial serial(YamlNode node) {
      List<YamlNode> items = node instanceof YamlNode.Sequence q ? q.items() : List.of(node);
      List<Serial.Batch> batches = new ArrayList<>();
      for (YamlNode item : items) {
        Object v = item.toPlain();
        if (v instanceof Integer i && i >= 0) {
          if (i > 0) {
            batches.add(new Serial.Count(i));
          }
        } else if (v instanceof String str && str.strip().matches("\\d+(\\.\\d+)?%")) {
          double p = Double.parseDouble(str.strip().replace("%", ""));
          if (p <= 0 || p > 100) {
            s.error(item.location(), "serial percentage must be above 0% and at most 100%");
          } else {
            batches.add(new Serial.Percent(p));
          }
        } else if (v instanceof String str && str.strip().matches("\\d+")) {
          int i = Integer.parseInt(str.strip());
          if (i > 0) {
            batches.add(new Serial.Count(i));
          }
        } else {
          s.error(item.location(), "serial takes a number of hosts, a percentage ('30%') or a list of them, not "
              + (item instanceof YamlNode.Scalar sc ? "'" + sc.text() + "'" : item.kind())
              + " (templates are not supported here)");
        }
      }
      return batches.isEmpty() ? Serial.ALL : new Serial(batches);
    }

    private OptionalDouble percentage(YamlNode node) {
      Object v = node.toPlain();
      double p = -1;
      if (v instanceof Number n) {
        p = n.doubleValue();
      } else if (v instanceof String str && str.strip().matches("\\d+(\\.\\d+)?%?")) {
        p = Double.parseDouble(str.strip().replace("%", ""));
      }
      if (p < 0 || p > 100) {
        s.error(node.location(), "max_fail_percentage takes a number from 0 to 100");
        return OptionalDouble.empty();
      }
      return OptionalDouble.of(p);
    }

    /** Every {@code notify} in the play must reach a handler of the play or of one of its roles. */
    private void checkNotifications(Play play) {
      List<Handler> handlers = new ArrayList<>(play.handlers());
      List<Task> notifying = new ArrayList<>();
      boolean[] unresolved = {false};
      for (RoleRef r : play.roles()) {
        collectRole(r, handlers, notifying, unresolved);
      }
      for (List<TaskItem> list : List.of(play.preTasks(), play.tasks(), play.postTasks())) {
        collect(list, handlers, notifying, unresolved);
      }
      handlers.forEach(h -> notifying.add(h.task())); // handlers may notify handlers
      if (unresolved[0]) {
        return; // a role named by a template may bring the handler
      }
      Set<String> names = new LinkedHashSet<>();
      for (Handler h : handlers) {
        names.add(h.task().name());
        names.addAll(h.listen());
      }
      for (Task t : notifying) {
        for (String n : t.notifies()) {
          if (JinjaSyntax.isTemplate(n) || handlers.stream().anyMatch(h -> h.answers(n))) {
            continue;
          }
          s.error(t.location(), "notify '" + n + "' matches no handler in this play" + Suggest.hint(n, names)
              + (names.isEmpty() ? " (add it under handlers:)" : ""));
        }
      }
    }

    private void collectRole(RoleRef r, List<Handler> handlers, List<Task> notifying, boolean[] unresolved) {
      if (r.role().isEmpty()) {
        unresolved[0] = true;
        return;
      }
      Role role = r.role().get();
      for (RoleRef dep : role.dependencies()) {
        collectRole(dep, handlers, notifying, unresolved);
      }
      handlers.addAll(role.handlers());
      collect(role.tasks(), handlers, notifying, unresolved);
    }

    private void collect(List<TaskItem> items, List<Handler> handlers, List<Task> notifying, boolean[] unresolved) {
      for (TaskItem item : items) {
        if (item instanceof Task t) {
          notifying.add(t);
        } else if (item instanceof Block b) {
          collect(b.block(), handlers, notifying, unresolved);
          collect(b.rescue(), handlers, notifying, unresolved);
          collect(b.always(), handlers, notifying, unresolved);
        } else if (item instanceof IncludeTasks inc) {
          inc.tasks().ifPresent(ts -> collect(ts, handlers, notifying, unresolved));
        } else if (item instanceof IncludeRole ir) {
          collectRole(ir.role(), handlers, notifying, unresolved);
        }
      }
    }
  }
}
