package io.homefleet.playbook.parse;

import io.homefleet.playbook.model.Block;
import io.homefleet.playbook.model.Delegation;
import io.homefleet.playbook.model.Flag;
import io.homefleet.playbook.model.Handler;
import io.homefleet.playbook.model.IncludeRole;
import io.homefleet.playbook.model.IncludeTasks;
import io.homefleet.playbook.model.Keywords;
import io.homefleet.playbook.model.Loop;
import io.homefleet.playbook.model.Retry;
import io.homefleet.playbook.model.Role;
import io.homefleet.playbook.model.RoleRef;
import io.homefleet.playbook.model.RunAs;
import io.homefleet.playbook.model.Task;
import io.homefleet.playbook.model.TaskItem;
import io.homefleet.playbook.source.Location;
import io.homefleet.playbook.source.Unsafe;
import io.homefleet.playbook.source.YamlNode;
import io.homefleet.playbook.spec.ModuleSpec;
import io.homefleet.playbook.spec.AnsibleModules;
import io.homefleet.playbook.spec.ModuleSpecs;
import io.homefleet.playbook.template.Lookups;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads task lists: tasks, blocks, {@code import_tasks}/{@code include_tasks} and
 * {@code import_role}/{@code include_role}, with every keyword checked and every file they name
 * resolved. Problems go to the session; what can be built is built, so one load reports all of
 * them.
 */
final class TaskParser {
  /** Keywords every level shares (play, block, task, include). */
  static final Set<String> COMMON = Set.of("name", "when", "tags", "vars", "environment", "ignore_errors",
      "check_mode", "diff", "no_log", "any_errors_fatal", "delegate_to", "delegate_facts", "run_once", "throttle");
  static final Set<String> LOOPS = Set.of("loop", "with_items", "with_list", "with_dict");
  static final Set<String> TASK_ONLY = Set.of("loop_control", "register", "notify", "changed_when", "failed_when",
      "until", "retries", "delay", "args", "action", "local_action");
  /** Who a task runs as, and async: every level takes the become keywords, only tasks async and poll. */
  static final Set<String> RUN_AS = Set.of("become", "become_user", "become_method", "become_flags", "remote_user",
      "async", "poll");
  /** The become methods that mean what the agent does (switch to the user with the user's groups). */
  private static final Set<String> BECOME_METHODS = Set.of("sudo", "su", "runuser");
  /** Accepted and ignored: the agent runs tasks locally, as its service user. */
  static final Map<String, String> IGNORED = ignored();
  /** Refused, with the reason. */
  static final Map<String, String> UNSUPPORTED = Map.of(
      "module_defaults", "module_defaults is not supported (give the arguments on each task)",
      "vars_prompt", "vars_prompt is not supported: plays run unattended (pass values with -e)");
  private static final Set<String> INCLUDE_TASKS = Set.of("include_tasks", "ansible.builtin.include_tasks",
      "ansible.legacy.include_tasks");
  private static final Set<String> IMPORT_TASKS = Set.of("import_tasks", "ansible.builtin.import_tasks",
      "ansible.legacy.import_tasks");
  private static final Set<String> INCLUDE_ROLE = Set.of("include_role", "ansible.builtin.include_role",
      "ansible.legacy.include_role");
  private static final Set<String> IMPORT_ROLE = Set.of("import_role", "ansible.builtin.import_role",
      "ansible.legacy.import_role");
  private static final Set<String> META = Set.of("meta", "ansible.builtin.meta", "ansible.legacy.meta");
  private static final Set<String> META_ACTIONS = Set.of("flush_handlers", "noop", "end_play", "end_host",
      "end_batch");
  private static final Set<String> ROLE_INCLUDE_ARGS = Set.of("name", "tasks_from", "handlers_from", "vars_from",
      "defaults_from", "public", "allow_duplicates", "apply", "rolespec_validate");
  /** Modules whose {@code src} is a file on the controller, and the role subdirectory it is looked up in. */
  private static final Map<String, String> LOCAL_SRC = Map.of("copy", "files", "template", "templates",
      "unarchive", "files", "script", "files", "assemble", "files");

  /** The argument that carries script's file to the agent (ScriptModule.BUNDLE_FILE there). */
  private static final String SCRIPT_FILE = "_script_file";

  private final Session s;
  private final RoleLoader roles;
  private final Deque<Path> including = new ArrayDeque<>();

  /** What each module name meant in this load: picking the module and parsing the task ask the same. */
  private final Map<String, AnsibleModules.Resolution> ansibleModules = new HashMap<>();

  TaskParser(Session s, RoleLoader roles) {
    this.s = s;
    this.roles = roles;
  }

  private static Map<String, String> ignored() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("become_exe", "become_exe is ignored: the agent switches user itself (setpriv), with no become program");
    for (String k : List.of("connection", "port")) {
      m.put(k, k + " is ignored: the agent runs tasks locally, with no connection");
    }
    m.put("timeout", "timeout is ignored for now");
    m.put("collections", "collections is ignored: write modules by short name or FQCN");
    m.put("debugger", "debugger is ignored");
    m.put("ignore_unreachable", "ignore_unreachable is ignored");
    return m;
  }

  /** How many include_tasks with a loop the task being read is inside of. */
  private int loopedIncludes;

  // ---- task lists

  /** A task list ({@code tasks:}, {@code block:}, a task file); null or absent is empty. */
  List<TaskItem> taskList(YamlNode node, Scope scope, String what) {
    List<TaskItem> out = new ArrayList<>();
    if (node instanceof YamlNode.Scalar sc && sc.value() == null) {
      return out;
    }
    if (!(node instanceof YamlNode.Sequence seq)) {
      s.error(node.location(), what + " must be a list of tasks, not " + node.kind());
      return out;
    }
    for (YamlNode item : seq.items()) {
      if (item instanceof YamlNode.Mapping m) {
        taskItem(m, scope).ifPresent(out::add);
      } else {
        s.error(item.location(), "a task must be a mapping (module: args, with keywords), not " + item.kind());
      }
    }
    return out;
  }

  /** The tasks of a task file, read relative to {@code scope}. */
  Optional<List<TaskItem>> taskFile(Path file, Scope scope, Location from) {
    Path abs = file.toAbsolutePath().normalize();
    if (including.contains(abs)) {
      s.error(from, s.display(abs) + " includes itself (through " + chain() + ")");
      return Optional.empty();
    }
    including.push(abs);
    try {
      Optional<YamlNode> doc = s.readYaml(abs, from);
      if (doc.isEmpty()) {
        return Optional.of(List.of());
      }
      return Optional.of(taskList(doc.get(), scope.inFile(abs), s.display(abs)));
    } finally {
      including.pop();
    }
  }

  private String chain() {
    List<String> names = new ArrayList<>();
    including.descendingIterator().forEachRemaining(p -> names.add(s.display(p)));
    return String.join(" -> ", names);
  }

  /** A play's or role's handlers. Imported task files contribute their tasks as handlers. */
  List<Handler> handlers(YamlNode node, Scope scope, String what) {
    List<Handler> out = new ArrayList<>();
    if (node instanceof YamlNode.Scalar sc && sc.value() == null) {
      return out;
    }
    if (!(node instanceof YamlNode.Sequence seq)) {
      s.error(node.location(), what + " must be a list of handlers, not " + node.kind());
      return out;
    }
    for (YamlNode item : seq.items()) {
      if (!(item instanceof YamlNode.Mapping m)) {
        s.error(item.location(), "a handler must be a mapping, not " + item.kind());
        continue;
      }
      Optional<String> importKey = firstKey(m, IMPORT_TASKS);
      if (importKey.isPresent()) {
        taskItem(m, scope).ifPresent(ti -> flattenHandlers(ti, out));
        continue;
      }
      if (m.has("block") || firstKey(m, INCLUDE_TASKS).isPresent() || firstKey(m, INCLUDE_ROLE).isPresent()
          || firstKey(m, IMPORT_ROLE).isPresent()) {
        s.error(m.location(), "handlers must be tasks (or import_tasks); blocks and dynamic includes are not supported"
            + " here");
        continue;
      }
      List<String> listen = m.get("listen").map(n -> strings(n, "listen")).orElse(List.of());
      task(m, scope, true).ifPresent(t -> out.add(new Handler(t, listen)));
    }
    return out;
  }

  private void flattenHandlers(TaskItem item, List<Handler> out) {
    if (item instanceof Task t) {
      out.add(new Handler(t, List.of()));
    } else if (item instanceof IncludeTasks inc) {
      inc.tasks().ifPresent(ts -> ts.forEach(t -> flattenHandlers(t, out)));
    } else {
      s.error(item.location(), "handler files may hold tasks only, not blocks or roles");
    }
  }

  Optional<TaskItem> taskItem(YamlNode.Mapping m, Scope scope) {
    if (m.has("block")) {
      return Optional.of(block(m, scope));
    }
    Optional<String> k;
    if ((k = firstKey(m, IMPORT_TASKS)).isPresent()) {
      return includeTasks(m, k.get(), false, scope);
    }
    if ((k = firstKey(m, INCLUDE_TASKS)).isPresent()) {
      return includeTasks(m, k.get(), true, scope);
    }
    if ((k = firstKey(m, IMPORT_ROLE)).isPresent()) {
      return includeRole(m, k.get(), false, scope);
    }
    if ((k = firstKey(m, INCLUDE_ROLE)).isPresent()) {
      return includeRole(m, k.get(), true, scope);
    }
    if ((k = firstKey(m, Set.of("import_playbook", "ansible.builtin.import_playbook"))).isPresent()) {
      s.error(m.entry(k.get()).get().keyLocation(), "import_playbook belongs at the top level of a playbook, not among"
          + " tasks");
      return Optional.empty();
    }
    if ((k = firstKey(m, Set.of("include", "ansible.builtin.include"))).isPresent()) {
      s.error(m.entry(k.get()).get().keyLocation(), "'include' was removed from Ansible (use include_tasks or"
          + " import_tasks)");
      return Optional.empty();
    }
    return task(m, scope, false).map(t -> t);
  }

  private static Optional<String> firstKey(YamlNode.Mapping m, Set<String> keys) {
    return m.entries().stream().map(YamlNode.Entry::key).filter(keys::contains).findFirst();
  }

  // ---- blocks

  private Block block(YamlNode.Mapping m, Scope scope) {
    KeywordReader kw = new KeywordReader("block");
    List<TaskItem> block = List.of();
    List<TaskItem> rescue = List.of();
    List<TaskItem> always = List.of();
    for (YamlNode.Entry e : m.entries()) {
      switch (e.key()) {
        case "block" -> block = taskList(e.value(), scope, "block");
        case "rescue" -> rescue = taskList(e.value(), scope, "rescue");
        case "always" -> always = taskList(e.value(), scope, "always");
        default -> {
          if (kw.accept(e)) {
            continue;
          }
          if (LOOPS.contains(e.key()) || e.key().startsWith("with_")) {
            s.error(e.keyLocation(), "a block cannot loop (loop over an include_tasks instead)");
          } else if (!ignoredOrUnsupported(e)) {
            Set<String> known = new LinkedHashSet<>(List.of("block", "rescue", "always"));
            known.addAll(COMMON);
            s.error(e.keyLocation(), "unknown block keyword '" + e.key() + "'" + Suggest.hint(e.key(), known));
          }
        }
      }
    }
    return new Block(kw.name, m.location(), block, rescue, always, kw.keywords());
  }

  // ---- includes

  private Optional<TaskItem> includeTasks(YamlNode.Mapping m, String key, boolean dynamic, Scope scope) {
    YamlNode value = m.get(key).orElseThrow();
    KeywordReader kw = new KeywordReader(key);
    String file = null;
    Optional<Keywords> apply = Optional.empty();
    Location applyAt = null;
    if (value instanceof YamlNode.Mapping vm) {
      for (YamlNode.Entry e : vm.entries()) {
        switch (e.key()) {
          case "file", "_raw_params" -> file = scalarString(e.value(), key + " file");
          case "apply" -> {
            apply = applyKeywords(e, key);
            applyAt = e.keyLocation();
          }
          default -> s.error(e.keyLocation(), "unknown argument '" + e.key() + "' for " + key
              + Suggest.hint(e.key(), List.of("file", "apply")));
        }
      }
    } else {
      file = scalarString(value, key);
    }
    Optional<Loop> loop = Optional.empty();
    YamlNode.Entry loopEntry = null;
    Loop.LoopControl control = Loop.LoopControl.DEFAULT;
    for (YamlNode.Entry e : m.entries()) {
      if (e.key().equals(key) || kw.accept(e)) {
        continue;
      }
      if (isLoopKey(e.key()) && dynamic) {
        loopEntry = e;
      } else if (e.key().equals("loop_control") && dynamic) {
        control = loopControl(e.value());
      } else if (isLoopKey(e.key())) {
        s.error(e.keyLocation(), key + " cannot loop: it is resolved before the play runs (use include_tasks)");
      } else if (!ignoredOrUnsupported(e)) {
        Set<String> known = new LinkedHashSet<>(COMMON);
        if (dynamic) {
          known.addAll(LOOPS);
          known.add("loop_control");
        }
        s.error(e.keyLocation(), "unknown keyword '" + e.key() + "' for " + key + Suggest.hint(e.key(), known));
      }
    }
    if (loopEntry != null) {
      loop = loop(loopEntry, control);
    }
    if (file == null || file.isBlank()) {
      s.error(value.location(), key + " needs a file name");
      return Optional.empty();
    }
    Location at = m.location();
    if (JinjaSyntax.isTemplate(file)) {
      s.checkTemplate(file, value.location());
      if (!dynamic) {
        s.error(value.location(), "import_tasks needs a file name without templates: it is read before the play runs"
            + " (use include_tasks for '" + Session.snippet(file) + "')");
        return Optional.empty();
      }
      if (apply.isPresent()) {
        s.warning(applyAt, "apply is ignored when the file name is a template (set the keywords on the included"
            + " tasks, or name the file without a template)");
      }
      return Optional.of(new IncludeTasks(at, file, true, kw.keywords(), loop, Optional.empty(), Optional.empty()));
    }
    Optional<Path> found = findTaskFile(file, scope, value.location());
    if (found.isEmpty()) {
      return Optional.empty();
    }
    loopedIncludes += loop.isPresent() ? 1 : 0;
    Optional<List<TaskItem>> tasks;
    try {
      tasks = taskFile(found.get(), scope, value.location());
    } finally {
      loopedIncludes -= loop.isPresent() ? 1 : 0;
    }
    if (apply.isPresent() && tasks.isPresent()) {
      // apply: the keywords go to every included task, as a block's keywords go to its tasks.
      tasks = Optional.of(List.of(new Block("", applyAt, tasks.get(), List.of(), List.of(), apply.get())));
    }
    return Optional.of(new IncludeTasks(at, file, dynamic, kw.keywords(), loop, tasks,
        Optional.of(s.bundleKey(found.get()))));
  }

  /**
   * The keywords of an include's {@code apply:} (task keywords that go to every included task);
   * empty, with an error, when it is not a mapping of them.
   */
  private Optional<Keywords> applyKeywords(YamlNode.Entry apply, String key) {
    if (!(apply.value() instanceof YamlNode.Mapping am)) {
      s.error(apply.value().location(), "apply takes a mapping of task keywords (tags, when, vars, ...), not "
          + apply.value().kind());
      return Optional.empty();
    }
    KeywordReader akw = new KeywordReader(key + " apply");
    for (YamlNode.Entry e : am.entries()) {
      if (!akw.accept(e) && !ignoredOrUnsupported(e)) {
        s.error(e.keyLocation(), "unknown keyword '" + e.key() + "' in apply" + Suggest.hint(e.key(), COMMON));
      }
    }
    return Optional.of(akw.keywords());
  }

  /** A task file: in a role its tasks/ directory first, then next to the including file, then the playbook's. */
  private Optional<Path> findTaskFile(String file, Scope scope, Location at) {
    List<Path> candidates = new ArrayList<>();
    scope.role().ifPresent(r -> candidates.add(r.dir().resolve("tasks").resolve(file)));
    candidates.add(scope.fileDir().resolve(file));
    candidates.add(scope.playbookDir().resolve(file));
    return findFile(file, candidates, at, "task file");
  }

  /** The first candidate that exists inside the bundle; an error naming where it looked otherwise. */
  Optional<Path> findFile(String name, List<Path> candidates, Location at, String what) {
    return findFile(name, candidates, at, what, false);
  }

  /** As above; {@code failsAtRunTime}: a file that is not there is a warning, the task failing when it runs. */
  Optional<Path> findFile(String name, List<Path> candidates, Location at, String what, boolean failsAtRunTime) {
    if (Path.of(name).isAbsolute()) {
      s.error(at, what + " '" + name + "' is an absolute path: nothing can reach outside the bundle"
          + " (put it next to the playbook and name it relatively)");
      return Optional.empty();
    }
    boolean anyInside = false;
    List<String> looked = new ArrayList<>();
    for (Path c : new LinkedHashSet<>(candidates.stream().map(p -> p.toAbsolutePath().normalize()).toList())) {
      if (!s.inBundle(c)) {
        continue;
      }
      anyInside = true;
      looked.add(s.display(c));
      if (Files.exists(c)) {
        return Optional.of(c);
      }
    }
    if (!anyInside) {
      s.error(at, what + " '" + name + "' is outside the playbook's directory: nothing can reach outside the bundle"
          + " (copy it into the playbook's directory)");
    } else if (failsAtRunTime) {
      s.warning(at, what + " '" + name + "' not found (looked in " + String.join(", ", looked) + "): the task fails"
          + " when it runs, as in Ansible (add the file, or set remote_src: true for a file on the host)");
    } else {
      s.error(at, what + " '" + name + "' not found (looked in " + String.join(", ", looked) + ")");
    }
    return Optional.empty();
  }

  private Optional<TaskItem> includeRole(YamlNode.Mapping m, String key, boolean dynamic, Scope scope) {
    YamlNode value = m.get(key).orElseThrow();
    if (!(value instanceof YamlNode.Mapping vm)) {
      s.error(value.location(), key + " takes a mapping with name: (and tasks_from: etc.), not " + value.kind());
      return Optional.empty();
    }
    Map<String, String> opts = new LinkedHashMap<>();
    Optional<Keywords> apply = Optional.empty();
    Location applyAt = null;
    for (YamlNode.Entry e : vm.entries()) {
      if (!ROLE_INCLUDE_ARGS.contains(e.key())) {
        s.error(e.keyLocation(), "unknown argument '" + e.key() + "' for " + key
            + Suggest.hint(e.key(), ROLE_INCLUDE_ARGS));
      } else if (e.key().equals("apply")) {
        apply = applyKeywords(e, key);
        applyAt = e.keyLocation();
      } else if (Set.of("public", "allow_duplicates", "rolespec_validate").contains(e.key())) {
        continue; // roles' vars are always visible to later tasks here; duplicates always allowed
      } else {
        opts.put(e.key(), scalarString(e.value(), e.key()));
      }
    }
    KeywordReader kw = new KeywordReader(key);
    YamlNode.Entry loopEntry = null;
    Loop.LoopControl control = Loop.LoopControl.DEFAULT;
    for (YamlNode.Entry e : m.entries()) {
      if (e.key().equals(key) || kw.accept(e)) {
        continue;
      }
      if (isLoopKey(e.key()) && dynamic) {
        loopEntry = e;
      } else if (e.key().equals("loop_control") && dynamic) {
        control = loopControl(e.value());
      } else if (isLoopKey(e.key())) {
        s.error(e.keyLocation(), key + " cannot loop: it is resolved before the play runs (use include_role)");
      } else if (!ignoredOrUnsupported(e)) {
        s.error(e.keyLocation(), "unknown keyword '" + e.key() + "' for " + key + Suggest.hint(e.key(), COMMON));
      }
    }
    Optional<Loop> loop = loopEntry == null ? Optional.empty() : loop(loopEntry, control);
    String name = opts.get("name");
    if (name == null || name.isBlank()) {
      s.error(value.location(), key + " needs the role's name: (name: ROLE)");
      return Optional.empty();
    }
    Keywords keywords = kw.keywords();
    if (JinjaSyntax.isTemplate(name)) {
      s.checkTemplate(name, value.location());
      if (!dynamic) {
        s.error(value.location(), "import_role needs a role name without templates (use include_role)");
        return Optional.empty();
      }
      if (apply.isPresent()) {
        s.warning(applyAt, "apply is ignored when the role's name is a template (set the keywords on the role's"
            + " tasks, or name the role without a template)");
      }
      return Optional.of(new IncludeRole(m.location(), new RoleRef(name, m.location(), keywords, Map.of(),
          Optional.empty()), true, loop));
    }
    RoleRef ref = roles.reference(name, m.location(), keywords, Map.of(), scope, opts);
    if (apply.isPresent() && ref.role().isPresent()) {
      // apply: the keywords go to every task of the role, as a block's keywords go to its tasks.
      Role r = ref.role().get();
      Role applied = new Role(r.name(), r.bundleDir(), List.of(new Block("", applyAt, r.tasks(), List.of(), List.of(),
          apply.get())), r.handlers(), r.defaults(), r.vars(), r.dependencies());
      ref = new RoleRef(ref.name(), ref.location(), ref.keywords(), ref.params(), Optional.of(applied));
    }
    return Optional.of(new IncludeRole(m.location(), ref, dynamic, loop));
  }

  // ---- tasks

  Optional<Task> task(YamlNode.Mapping m, Scope scope, boolean handler) {
    KeywordReader kw = new KeywordReader("task");
    List<YamlNode.Entry> candidates = new ArrayList<>();
    YamlNode.Entry loopEntry = null;
    Loop.LoopControl control = Loop.LoopControl.DEFAULT;
    Optional<String> register = Optional.empty();
    List<String> notify = List.of();
    List<String> changedWhen = List.of();
    List<String> failedWhen = List.of();
    List<String> until = List.of();
    Object retries = null;
    Object delay = null;
    Optional<YamlNode> argsKeyword = Optional.empty();
    YamlNode.Entry actionKeyword = null;
    for (YamlNode.Entry e : m.entries()) {
      if (kw.accept(e)) {
        continue;
      }
      switch (e.key()) {
        case "loop", "with_items", "with_list", "with_dict" -> {
          if (loopEntry != null) {
            s.error(e.keyLocation(), "a task has one loop; '" + loopEntry.key() + "' is already given");
          } else {
            loopEntry = e;
          }
        }
        case "loop_control" -> control = loopControl(e.value());
        case "register" -> {
          String r = scalarString(e.value(), "register");
          if (r != null && !r.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            s.error(e.value().location(), "register takes a variable name, not '" + Session.snippet(r) + "'");
          }
          register = Optional.ofNullable(r);
        }
        case "notify" -> {
          notify = strings(e.value(), "notify");
          notify.forEach(n -> s.checkTemplate(n, e.value().location()));
        }
        case "changed_when" -> changedWhen = conditions(e.value());
        case "failed_when" -> failedWhen = conditions(e.value());
        case "until" -> until = conditions(e.value());
        case "retries" -> retries = intOrTemplate(e.value(), "retries");
        case "delay" -> delay = intOrTemplate(e.value(), "delay");
        case "args" -> argsKeyword = Optional.of(e.value());
        case "action", "local_action" -> {
          if (actionKeyword != null) {
            s.error(e.keyLocation(), "a task has one action; '" + actionKeyword.key() + "' is already given");
          } else {
            actionKeyword = e;
          }
        }
        case "listen" -> {
          if (!handler) {
            s.error(e.keyLocation(), "listen is for handlers only");
          }
        }
        default -> {
          if (e.key().startsWith("with_") && Lookups.NAMES.contains(e.key().substring("with_".length()))) {
            if (loopEntry != null) {
              s.error(e.keyLocation(), "a task has one loop; '" + loopEntry.key() + "' is already given");
            } else {
              loopEntry = e;
            }
          } else if (e.key().startsWith("with_")) {
            s.error(e.keyLocation(), e.key() + " uses an Ansible lookup plugin homefleet does not have (it has "
                + Lookups.LISTED + "; write loop: with a list, or a "
                + "filter such as dict2items)");
          } else if (!ignoredOrUnsupported(e)) {
            candidates.add(e);
          }
        }
      }
    }
    String action;
    YamlNode moduleValue;
    Location moduleAt;
    if (actionKeyword != null) {
      for (YamlNode.Entry c : candidates) {
        unknownKeyword(c);
      }
      YamlNode v = actionKeyword.value();
      moduleAt = v.location();
      if (v instanceof YamlNode.Mapping am && am.has("module")) {
        action = scalarString(am.get("module").get(), "module");
        List<YamlNode.Entry> rest = am.entries().stream().filter(x -> !x.key().equals("module")).toList();
        moduleValue = new YamlNode.Mapping(rest, am.location());
      } else if (v instanceof YamlNode.Scalar sc && sc.isString()) {
        String text = String.valueOf(sc.value()).strip();
        int space = text.indexOf(' ');
        action = space < 0 ? text : text.substring(0, space);
        moduleValue = new YamlNode.Scalar(space < 0 ? null : text.substring(space + 1).strip(), text, sc.location());
      } else {
        s.error(v.location(), actionKeyword.key() + ": takes 'MODULE ARGS' or a mapping with module:");
        return Optional.empty();
      }
      if (action == null) {
        return Optional.empty();
      }
    } else {
      Optional<YamlNode.Entry> module = pickModule(candidates, m.location());
      if (module.isEmpty()) {
        return Optional.empty();
      }
      action = module.get().key();
      moduleValue = module.get().value();
      moduleAt = module.get().keyLocation();
    }
    Optional<Loop> loop = loopEntry == null ? Optional.empty() : loop(loopEntry, control);
    if (loopEntry == null && m.has("loop_control")) {
      s.error(m.entry("loop_control").get().keyLocation(), "loop_control without a loop");
    }
    Optional<Retry> retry = Optional.empty();
    if (!until.isEmpty()) {
      retry = Optional.of(new Retry(until, retries == null ? 3 : retries, delay == null ? 5 : delay));
    } else if (retries != null || delay != null) {
      s.warning(m.location(), "retries and delay do nothing without until");
    }
    if (META.contains(action)) {
      return meta(m, kw, moduleValue, moduleAt, scope, loop);
    }
    Optional<ModuleSpec> spec = ModuleSpecs.find(action);
    boolean python = false;
    if (spec.isEmpty()) {
      AnsibleModules.Resolution found = ansible(action);
      if (found instanceof AnsibleModules.Resolution.Refused r) {
        String hint = Suggest.hint(action, moduleNames());
        s.error(moduleAt, (r.missing() && !hint.isEmpty() ? "unknown module '" + action + "'" : r.message()) + hint);
        return Optional.empty();
      }
      String fqcn = ((AnsibleModules.Resolution.Module) found).fqcn();
      python = true;
      // Ansible's module validates its own arguments on the host, as it does under ansible-playbook.
      spec = Optional.of(new ModuleSpec(fqcn, List.of(), List.of(), Optional.empty(), false, true));
      s.note(moduleAt, "'" + action + "' runs Ansible's own module " + fqcn + " with python3 on the host (no native "
          + "module): the host needs ansible-core" + (fqcn.startsWith("ansible.builtin.") ? ""
              : " and the " + fqcn.substring(0, fqcn.lastIndexOf('.')) + " collection"));
    }
    ModuleArgs.Located args = ModuleArgs.collect(s, spec, action, moduleValue, argsKeyword);
    s.checkTemplates(args.args(), moduleAt);
    if (!python) {
      ModuleArgs.validate(s, spec.get(), action, args, moduleAt);
    }
    if (spec.get().name().equals("reboot") && (loop.isPresent() || loopedIncludes > 0)) {
      // The run goes on after the boot from a saved position, and a loop's place in its items is not one.
      s.error(moduleAt, "reboot cannot run in a loop" + (loop.isPresent() ? "" : " (it is in an include_tasks that"
          + " loops)") + ": homefleet resumes the play after the boot at the task after the reboot; reboot once,"
          + " before or after the loop");
    }
    Map<String, String> files = localFiles(spec.get().name(), args.args(), moduleAt, scope);
    Optional<String> role = scope.role().map(Scope.RoleScope::name);
    Keywords keywords = kw.keywords();
    if (actionKeyword != null && actionKeyword.key().equals("local_action")) {
      Delegation d = keywords.delegation();
      keywords = new Keywords(keywords.when(), keywords.tags(), keywords.vars(), keywords.environment(),
          keywords.ignoreErrors(), keywords.checkMode(), keywords.diff(), keywords.noLog(),
          new Delegation(Optional.of("localhost"), d.delegateFacts(), d.runOnce(), d.throttle()));
    }
    return Optional.of(new Task(kw.name, m.location(), spec.get().name(), action, args.args(), files, role,
        keywords, loop, register, notify, changedWhen, failedWhen, retry));
  }

  private AnsibleModules.Resolution ansible(String name) {
    return ansibleModules.computeIfAbsent(name, AnsibleModules.installed()::resolve);
  }

  private Optional<Task> meta(YamlNode.Mapping m, KeywordReader kw, YamlNode value, Location at, Scope scope,
      Optional<Loop> loop) {
    String what = value instanceof YamlNode.Scalar sc && sc.value() != null ? String.valueOf(sc.value()).strip() : "";
    if (!META_ACTIONS.contains(what)) {
      s.error(at, "meta: '" + what + "' is not supported (homefleet knows " + String.join(", ",
          META_ACTIONS.stream().sorted().toList()) + ")" + Suggest.hint(what, META_ACTIONS));
      return Optional.empty();
    }
    return Optional.of(new Task(kw.name, m.location(), "meta", "meta", Map.of("_raw_params", what), Map.of(),
        scope.role().map(Scope.RoleScope::name), kw.keywords(), loop, Optional.empty(), List.of(), List.of(),
        List.of(), Optional.empty()));
  }

  private static List<String> moduleNames() {
    List<String> names = new ArrayList<>(ModuleSpecs.names());
    names.add("meta");
    return names;
  }

  /** Which of a task's non-keyword keys is its module; every other one is an unknown keyword. */
  private Optional<YamlNode.Entry> pickModule(List<YamlNode.Entry> candidates, Location taskAt) {
    List<YamlNode.Entry> modules = candidates.stream()
        .filter(c -> ModuleSpecs.find(c.key()).isPresent() || META.contains(c.key())
            || ansible(c.key()) instanceof AnsibleModules.Resolution.Module).toList();
    if (modules.size() > 1) {
      s.error(modules.get(1).keyLocation(), "a task runs one module; it names both '" + modules.get(0).key()
          + "' and '" + modules.get(1).key() + "' (split it into two tasks)");
      return Optional.empty();
    }
    if (modules.size() == 1) {
      candidates.stream().filter(c -> c != modules.get(0)).forEach(this::unknownKeyword);
      return Optional.of(modules.get(0));
    }
    if (candidates.isEmpty()) {
      s.error(taskAt, "this task names no module (add one, e.g. 'ansible.builtin.debug: msg=...')");
      return Optional.empty();
    }
    if (candidates.size() == 1) {
      return Optional.of(candidates.get(0)); // reported as an unknown module by the caller
    }
    // Several unknown keys: a misspelt keyword is likelier than several unknown modules.
    for (YamlNode.Entry c : candidates) {
      Optional<String> keyword = Suggest.nearest(c.key(), taskKeywords());
      Optional<String> module = Suggest.nearest(c.key(), moduleNames());
      if (keyword.isPresent() && module.isEmpty()) {
        unknownKeyword(c);
      } else {
        s.error(c.keyLocation(), "unknown module or keyword '" + c.key() + "'"
            + module.or(() -> keyword).map(x -> " (did you mean '" + x + "'?)").orElse(""));
      }
    }
    return Optional.empty();
  }

  private void unknownKeyword(YamlNode.Entry e) {
    s.error(e.keyLocation(), "unknown task keyword '" + e.key() + "'" + Suggest.hint(e.key(), taskKeywords()));
  }

  static Set<String> taskKeywords() {
    Set<String> all = new LinkedHashSet<>(COMMON);
    all.addAll(LOOPS);
    all.addAll(TASK_ONLY);
    all.addAll(RUN_AS);
    all.addAll(IGNORED.keySet());
    return all;
  }

  /** Reports an ignored (warning) or unsupported (error) keyword; false when it is neither. */
  boolean ignoredOrUnsupported(YamlNode.Entry e) {
    String ignored = IGNORED.get(e.key());
    if (ignored != null) {
      s.warnOnce(e.key(), e.keyLocation(), ignored);
      return true;
    }
    String unsupported = UNSUPPORTED.get(e.key());
    if (unsupported != null) {
      s.error(e.keyLocation(), unsupported);
      return true;
    }
    return false;
  }

  private static boolean isLoopKey(String key) {
    return LOOPS.contains(key) || key.startsWith("with_");
  }

  // ---- local files (copy/template src)

  private Map<String, String> localFiles(String module, Map<String, Object> args, Location at, Scope scope) {
    if (module.equals("docker_compose")) {
      return composeFiles(args, at, scope);
    }
    String subdir = LOCAL_SRC.get(module);
    // script names its file as the first word of its command line, not as src.
    Object named = module.equals("script") ? scriptFile(args) : args.get("src");
    if (subdir == null || !(named instanceof String src) || src.isBlank()) {
      return Map.of();
    }
    Object remote = args.get("remote_src");
    if (remote instanceof Boolean b && b || remote instanceof String r && (Set.of("yes", "true", "on", "1")
        .contains(r.toLowerCase(Locale.ROOT)) || JinjaSyntax.isTemplate(r))) {
      return Map.of();
    }
    if (module.equals("unarchive") && src.contains("://")) {
      return Map.of();
    }
    if (JinjaSyntax.isTemplate(src)) {
      // Known per host only: ship every file it could name (the role's, or the playbook's, directory).
      Path dir = scope.role().map(r -> r.dir().resolve(subdir)).orElse(scope.playbookDir().resolve(subdir));
      if (Files.isDirectory(dir) && s.inBundle(dir)) {
        s.addToBundle(dir, at);
      }
      return Map.of();
    }
    Optional<Path> found = findFile(src, localCandidates(scope, subdir, src), at,
        module.equals("script") ? "script" : "src", true);
    if (found.isEmpty()) {
      return Map.of();
    }
    s.addToBundle(found.get(), at);
    if (module.equals("script")) {
      args.put(SCRIPT_FILE, src);
      return Map.of(SCRIPT_FILE, s.bundleKey(found.get()));
    }
    return Map.of("src", s.bundleKey(found.get()));
  }

  /** Where a local file is looked for, as Ansible does: the role's SUBDIR, the role, the task file's, the playbook's. */
  private static List<Path> localCandidates(Scope scope, String subdir, String src) {
    List<Path> candidates = new ArrayList<>();
    scope.role().ifPresent(r -> {
      candidates.add(r.dir().resolve(subdir).resolve(src));
      candidates.add(r.dir().resolve(src));
      candidates.add(r.dir().resolve("tasks").resolve(src));
    });
    candidates.add(scope.fileDir().resolve(subdir).resolve(src));
    candidates.add(scope.fileDir().resolve(src));
    candidates.add(scope.playbookDir().resolve(subdir).resolve(src));
    candidates.add(scope.playbookDir().resolve(src));
    return candidates;
  }

  /**
   * docker_compose's bundle files, found as copy's and template's are: {@code src} (files/),
   * {@code template} (templates/), and each of {@code files} (files/), which is rewritten in place
   * to the files' places in the bundle (a list has no single bundle key). Templated names are left
   * to the agent, which looks them up from the playbook's directory.
   */
  private Map<String, String> composeFiles(Map<String, Object> args, Location at, Scope scope) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String[] arg : new String[][] {{"src", "files"}, {"template", "templates"}}) {
      if (args.get(arg[0]) instanceof String src && !src.isBlank() && !JinjaSyntax.isTemplate(src)) {
        bundled(src, arg[1], arg[0], at, scope).ifPresent(key -> out.put(arg[0], key));
      }
    }
    if (args.get("files") instanceof List<?> list) {
      List<Object> keys = new ArrayList<>();
      for (Object f : list) {
        keys.add(f instanceof String name && !JinjaSyntax.isTemplate(name)
            ? bundled(name, "files", "files", at, scope).orElse(name) : f);
      }
      args.put("files", keys);
    }
    return out;
  }

  private Optional<String> bundled(String src, String subdir, String what, Location at, Scope scope) {
    Optional<Path> found = findFile(src, localCandidates(scope, subdir, src), at, what, true);
    found.ifPresent(p -> s.addToBundle(p, at));
    return found.map(s::bundleKey);
  }

  /** The first word of script's command line, split as Python's shlex (quotes, backslashes), or null. */
  private static String scriptFile(Map<String, Object> args) {
    Object line = args.get("_raw_params") != null ? args.get("_raw_params") : args.get("cmd");
    if (!(line instanceof String text)) {
      return null;
    }
    StringBuilder word = new StringBuilder();
    char quote = 0;
    String t = text.strip();
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else if (c == '\\' && quote == '"' && i + 1 < t.length()) {
          word.append(t.charAt(++i));
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '\\' && i + 1 < t.length()) {
        word.append(t.charAt(++i));
      } else if (Character.isWhitespace(c)) {
        break;
      } else {
        word.append(c);
      }
    }
    return word.toString();
  }

  // ---- keyword values

  /** Reads the keywords every level shares; {@link #accept} says whether a key was one of them. */
  final class KeywordReader {
    private final String what;
    String name = "";
    private List<String> when = List.of();
    private List<String> tags = List.of();
    private Map<String, Object> vars = Map.of();
    private Map<String, Object> environment = Map.of();
    private Optional<Flag> ignoreErrors = Optional.empty();
    private Optional<Flag> checkMode = Optional.empty();
    private Optional<Flag> diff = Optional.empty();
    private Optional<Flag> noLog = Optional.empty();
    private Delegation delegation = Delegation.NONE;
    private final Map<String, String> runAs = new HashMap<>();

    KeywordReader(String what) {
      this.what = what;
    }

    boolean accept(YamlNode.Entry e) {
      YamlNode v = e.value();
      switch (e.key()) {
        case "name" -> {
          String n = scalarString(v, "name");
          name = n == null ? "" : n;
          s.checkTemplate(name, v.location());
        }
        case "when" -> when = conditions(v);
        case "tags" -> tags = tags(v);
        case "vars" -> vars = vars(v, what + " vars");
        case "environment" -> environment = environment(v);
        case "ignore_errors" -> ignoreErrors = flag(v, "ignore_errors");
        case "check_mode" -> checkMode = flag(v, "check_mode");
        case "diff" -> diff = flag(v, "diff");
        case "no_log" -> noLog = flag(v, "no_log");
        case "any_errors_fatal" -> flag(v, "any_errors_fatal");
        case "delegate_to" -> {
          String d = scalarString(v, "delegate_to");
          if (d != null) {
            s.checkTemplate(d, v.location());
            delegation = new Delegation(Optional.of(d.strip()), delegation.delegateFacts(), delegation.runOnce(),
                delegation.throttle());
          }
        }
        case "delegate_facts" -> delegation = new Delegation(delegation.delegateTo(), flag(v, "delegate_facts"),
            delegation.runOnce(), delegation.throttle());
        case "run_once" -> delegation = new Delegation(delegation.delegateTo(), delegation.delegateFacts(),
            flag(v, "run_once"), delegation.throttle());
        case "throttle" -> delegation = new Delegation(delegation.delegateTo(), delegation.delegateFacts(),
            delegation.runOnce(), Optional.ofNullable(intOrTemplate(v, "throttle")));
        case "become", "become_user", "become_method", "become_flags", "remote_user", "async", "poll" -> runAs(e);
        default -> {
          return false;
        }
      }
      return true;
    }

    private void runAs(YamlNode.Entry e) {
      YamlNode v = e.value();
      String value;
      if (e.key().equals("async") || e.key().equals("poll")) {
        if (!what.equals("task")) {
          s.error(e.keyLocation(), e.key() + " is a task keyword, not one of a " + what + " (set it on each task)");
          return;
        }
        value = String.valueOf(intOrTemplate(v, e.key()));
      } else if (e.key().equals("become")) {
        value = flag(v, "become").map(f -> f instanceof Flag.Fixed x ? Boolean.toString(x.value())
            : ((Flag.Templated) f).template()).orElse("");
      } else {
        String given = scalarString(v, e.key());
        value = given == null ? "" : given;
        s.checkTemplate(value, v.location());
      }
      if (e.key().equals("become_method") && !value.isEmpty() && !JinjaSyntax.isTemplate(value)
          && !BECOME_METHODS.contains(value)) {
        s.warning(v.location(), "become_method '" + value + "' is run as sudo: the agent switches to the user itself, "
            + "with the user's groups and HOME (write sudo, su or runuser to say so)");
      }
      runAs.put(e.key(), value);
    }

    Keywords keywords() {
      return new Keywords(when, tags, vars, environment, ignoreErrors, checkMode, diff, noLog, delegation, new RunAs(
          runAs.getOrDefault("become", ""), runAs.getOrDefault("become_user", ""),
          runAs.getOrDefault("become_method", ""), runAs.getOrDefault("become_flags", ""),
          runAs.getOrDefault("remote_user", ""), runAs.getOrDefault("async", ""), runAs.getOrDefault("poll", "")));
    }
  }

  /** A scalar as a string; null (with an error) for a mapping or list. */
  String scalarString(YamlNode node, String what) {
    if (node instanceof YamlNode.Scalar sc) {
      if (sc.value() == null) {
        return null;
      }
      return sc.value() instanceof Unsafe u ? u.text() : String.valueOf(sc.value());
    }
    s.error(node.location(), what + " must be a string, not " + node.kind());
    return null;
  }

  /** A string or a list of strings. */
  List<String> strings(YamlNode node, String what) {
    List<String> out = new ArrayList<>();
    if (node instanceof YamlNode.Sequence q) {
      for (YamlNode item : q.items()) {
        String str = scalarString(item, what + " item");
        if (str != null) {
          out.add(str);
        }
      }
    } else {
      String str = scalarString(node, what);
      if (str != null) {
        out.add(str);
      }
    }
    return out;
  }

  /** Tags: a list, or a comma-separated string, as Ansible reads them. */
  List<String> tags(YamlNode node) {
    List<String> out = new ArrayList<>();
    for (String t : strings(node, "tags")) {
      for (String part : t.split(",")) {
        if (!part.isBlank()) {
          out.add(part.strip());
        }
      }
    }
    return out;
  }

  /** Conditions: a bare expression, a boolean, or a list of them (all must hold). */
  List<String> conditions(YamlNode node) {
    List<YamlNode> items = node instanceof YamlNode.Sequence q ? q.items() : List.of(node);
    List<String> out = new ArrayList<>();
    for (YamlNode item : items) {
      if (item instanceof YamlNode.Scalar sc) {
        if (sc.value() == null) {
          continue;
        }
        String expr = sc.value() instanceof Boolean b ? b.toString() : String.valueOf(sc.value());
        s.checkCondition(expr, sc.location());
        out.add(expr);
      } else {
        s.error(item.location(), "a condition must be an expression, not " + item.kind());
      }
    }
    return out;
  }

  Optional<Flag> flag(YamlNode node, String what) {
    if (node instanceof YamlNode.Scalar sc) {
      if (sc.value() instanceof Boolean b) {
        return Optional.of(b ? Flag.TRUE : Flag.FALSE);
      }
      if (sc.value() instanceof String str) {
        String t = str.strip().toLowerCase(Locale.ROOT);
        if (Set.of("yes", "true", "on", "1", "y").contains(t)) {
          return Optional.of(Flag.TRUE);
        }
        if (Set.of("no", "false", "off", "0", "n").contains(t)) {
          return Optional.of(Flag.FALSE);
        }
        if (JinjaSyntax.isTemplate(str)) {
          s.checkTemplate(str, sc.location());
          return Optional.of(new Flag.Templated(str));
        }
      }
      if (sc.value() instanceof Integer i && (i == 0 || i == 1)) {
        return Optional.of(i == 1 ? Flag.TRUE : Flag.FALSE);
      }
    }
    s.error(node.location(), what + " must be a boolean (yes/no) or a template, not " + describe(node));
    return Optional.empty();
  }

  private static String describe(YamlNode node) {
    return node instanceof YamlNode.Scalar sc && sc.value() != null ? "'" + sc.text() + "'" : node.kind();
  }

  /** vars: a mapping (or the old list of mappings), strings checked for Jinja syntax. */
  @SuppressWarnings("unchecked")
  Map<String, Object> vars(YamlNode node, String what) {
    if (node instanceof YamlNode.Scalar sc && sc.value() == null) {
      return Map.of();
    }
    List<YamlNode> parts = node instanceof YamlNode.Sequence q ? q.items() : List.of(node);
    Map<String, Object> out = new LinkedHashMap<>();
    for (YamlNode part : parts) {
      if (!(part instanceof YamlNode.Mapping m)) {
        s.error(part.location(), what + " must be a mapping of names to values, not " + part.kind());
        continue;
      }
      for (YamlNode.Entry e : m.entries()) {
        if (!e.key().matches("[A-Za-z_][A-Za-z0-9_]*")) {
          s.error(e.keyLocation(), "'" + e.key() + "' is not a valid variable name (letters, digits and _, not"
              + " starting with a digit)");
        }
        s.checkTemplates(e.value());
      }
      out.putAll((Map<String, Object>) m.toPlain());
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> environment(YamlNode node) {
    if (node instanceof YamlNode.Mapping m) {
      s.checkTemplates(m);
      return (Map<String, Object>) m.toPlain();
    }
    if (node instanceof YamlNode.Scalar sc && sc.value() == null) {
      return Map.of();
    }
    s.error(node.location(), "environment must be a mapping of variable names to values, not " + node.kind()
        + " (a template for the whole mapping is not supported yet; write the mapping, its values may be templates)");
    return Map.of();
  }

  private Object intOrTemplate(YamlNode node, String what) {
    if (node instanceof YamlNode.Scalar sc) {
      if (sc.value() instanceof Integer i && i >= 0) {
        return i;
      }
      if (sc.value() instanceof String str && JinjaSyntax.isTemplate(str)) {
        s.checkTemplate(str, sc.location());
        return str;
      }
      if (sc.value() instanceof String str && str.strip().matches("\\d+")) {
        return Integer.parseInt(str.strip());
      }
    }
    s.error(node.location(), what + " must be a whole number of at least 0, not " + describe(node));
    return 0;
  }

  private Optional<Loop> loop(YamlNode.Entry e, Loop.LoopControl control) {
    Loop.Kind kind = switch (e.key()) {
      case "with_items" -> Loop.Kind.WITH_ITEMS;
      case "with_list" -> Loop.Kind.WITH_LIST;
      case "with_dict" -> Loop.Kind.WITH_DICT;
      case "loop" -> Loop.Kind.LOOP;
      default -> Lookups.NAMES.contains(e.key().substring("with_".length())) ? Loop.Kind.WITH_LOOKUP : null;
    };
    if (kind == null) {
      s.error(e.keyLocation(), e.key() + " uses an Ansible lookup plugin, which homefleet does not support"
          + " (write loop: with a list, or a filter such as dict2items)");
      return Optional.empty();
    }
    YamlNode v = e.value();
    Object items = v.toPlain();
    if (kind == Loop.Kind.WITH_LOOKUP) {
      // The lookup's terms: a string (with_sequence: start=1 end=3) or a list, checked by the lookup at run time.
      s.checkTemplates(v);
      return Optional.of(new Loop(kind, e.key().substring("with_".length()), items, control));
    }
    if (items instanceof String str) {
      if (!JinjaSyntax.isTemplate(str)) {
        if (kind == Loop.Kind.WITH_ITEMS) {
          items = List.of(str); // with_items: x loops over the one item, as Ansible does
        } else {
          s.error(v.location(), e.key() + " takes a list or a template that gives one, not the string '"
              + Session.snippet(str) + "' (write \"{{ " + str.strip() + " }}\" for a variable)");
          return Optional.empty();
        }
      }
    } else if (kind == Loop.Kind.WITH_DICT && !(items instanceof Map)) {
      s.error(v.location(), "with_dict takes a mapping or a template that gives one, not " + v.kind());
      return Optional.empty();
    } else if (kind != Loop.Kind.WITH_DICT && !(items instanceof List)) {
      s.error(v.location(), e.key() + " takes a list or a template that gives one, not " + v.kind());
      return Optional.empty();
    }
    s.checkTemplates(v);
    return Optional.of(new Loop(kind, items, control));
  }

  private Loop.LoopControl loopControl(YamlNode node) {
    if (!(node instanceof YamlNode.Mapping m)) {
      s.error(node.location(), "loop_control must be a mapping, not " + node.kind());
      return Loop.LoopControl.DEFAULT;
    }
    String loopVar = "item";
    Optional<String> label = Optional.empty();
    Optional<String> indexVar = Optional.empty();
    Object pause = 0;
    boolean extended = false;
    Set<String> known = Set.of("loop_var", "label", "index_var", "pause", "extended", "extended_allitems");
    for (YamlNode.Entry e : m.entries()) {
      switch (e.key()) {
        case "loop_var" -> loopVar = Optional.ofNullable(scalarString(e.value(), "loop_var")).orElse("item");
        case "label" -> {
          label = Optional.ofNullable(scalarString(e.value(), "label"));
          label.ifPresent(l -> s.checkTemplate(l, e.value().location()));
        }
        case "index_var" -> indexVar = Optional.ofNullable(scalarString(e.value(), "index_var"));
        case "pause" -> pause = e.value() instanceof YamlNode.Scalar sc && sc.value() instanceof Number n ? n
            : intOrTemplate(e.value(), "pause");
        case "extended" -> extended = flag(e.value(), "extended").map(f -> f instanceof Flag.Fixed x && x.value())
            .orElse(false);
        case "extended_allitems" -> flag(e.value(), "extended_allitems");
        default -> s.error(e.keyLocation(), "unknown loop_control keyword '" + e.key() + "'"
            + Suggest.hint(e.key(), known));
      }
    }
    return new Loop.LoopControl(loopVar, label, indexVar, pause, extended);
  }
}
