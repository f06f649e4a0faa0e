package io.homefleet.playbook.run;

import io.homefleet.playbook.model.RunAs;
import io.homefleet.playbook.plan.HostPlan;
import io.homefleet.playbook.plan.ItemResult;
import io.homefleet.playbook.plan.ModuleResult;
import io.homefleet.playbook.plan.PlanLoop;
import io.homefleet.playbook.plan.PlanTask;
import io.homefleet.playbook.plan.TaskRef;
import io.homefleet.playbook.plan.TaskStatus;
import io.homefleet.playbook.source.Unsafe;
import io.homefleet.playbook.template.CollectionFilters;
import io.homefleet.playbook.template.DataLookups;
import io.homefleet.playbook.template.Lookups;
import io.homefleet.playbook.template.Templar;
import io.homefleet.playbook.template.TemplateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One task of a host's run: its loop, its retries, its conditions ({@code when}, {@code
 * changed_when}, {@code failed_when}) and the module call, with the arguments templated against
 * the task's variables. {@link HostRun} walks the tree around it.
 */
final class TaskRun {
  private static final String OMIT = HostRun.OMIT;
  /** Ansible's poll interval when a task gives async without poll (DEFAULT_POLL_INTERVAL). */
  private static final int DEFAULT_POLL = 15;
  private static final String CENSORED =
      "the output has been hidden due to the fact that 'no_log: true' was specified for this result";
  /** The biggest file fetch takes: it crosses the session in one message, which the controller caps at 16 MiB. */
  static final long FETCH_MAX_BYTES = 8L << 20;
  private static final Set<String> SHIPS_FILES = Set.of("copy", "template", "unarchive", "script");

  private final Templar templar;
  private final HostPlan plan;
  private final Path bundleDir;
  private final ModuleInvoker invoker;
  private final PlanListener listener;
  private final RunVars variables;
  private final PlayCalls calls;

  TaskRun(Templar templar, HostPlan plan, Path bundleDir, ModuleInvoker invoker, PlanListener listener,
      RunVars variables, PlayCalls calls) {
    this.calls = calls;
    this.templar = templar;
    this.plan = plan;
    this.bundleDir = bundleDir;
    this.invoker = invoker;
    this.listener = listener;
    this.variables = variables;
  }

  ModuleResult loopTask(PlanTask t, TaskRef ref, Map<String, Object> vars, boolean noLog)
      throws InterruptedException {
    PlanLoop loop = t.loop().get();
    List<Object> items;
    try {
      items = loopItems(loop, vars);
    } catch (TemplateException | LoopException e) {
      // As Ansible: a loop that cannot be evaluated is no error when the task is skipped anyway.
      try {
        Map<String, Object> skip = whenFalse(t.when(), vars);
        if (skip != null) {
          return new ModuleResult(TaskStatus.SKIPPED, skip);
        }
      } catch (TemplateException ignoredToo) {
        // report the loop's error
      }
      return ModuleResult.failed(t.location() + ": task '" + t.name() + "': cannot evaluate the loop: "
          + e.getMessage());
    }
    if (items.isEmpty()) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("results", List.of());
      r.put("skipped_reason", "No items in the list");
      return new ModuleResult(TaskStatus.SKIPPED, r);
    }
    List<Object> results = new ArrayList<>();
    boolean anyChanged = false;
    boolean anyFailed = false;
    boolean allSkipped = true;
    double pause = 0;
    for (int i = 0; i < items.size(); i++) {
      Object item = items.get(i);
      Map<String, Object> iv = new HashMap<>(vars);
      iv.put(loop.loopVar(), item);
      iv.put("ansible_loop_var", loop.loopVar());
      if (!loop.indexVar().isEmpty()) {
        iv.put(loop.indexVar(), i);
        iv.put("ansible_index_var", loop.indexVar());
      }
      if (loop.extended()) {
        iv.put("ansible_loop", extended(items, i));
      }
      ModuleResult r = once(t, iv);
      if (t.module().equals("set_fact") && r.status() != TaskStatus.FAILED
          && r.result().get("ansible_facts") instanceof Map<?, ?> set) {
        set.forEach((k, v) -> vars.put(String.valueOf(k), v)); // later items see them, as in Ansible
      }
      Map<String, Object> ir = new LinkedHashMap<>(r.result());
      ir.put(loop.loopVar(), item);
      ir.put("ansible_loop_var", loop.loopVar());
      if (!loop.indexVar().isEmpty()) {
        ir.put(loop.indexVar(), i);
        ir.put("ansible_index_var", loop.indexVar());
      }
      results.add(Collections.unmodifiableMap(ir));
      String label;
      try {
        label = loop.label().isEmpty() ? display(item) : display(templar.template(loop.label(), iv));
      } catch (TemplateException e) {
        label = display(item);
      }
      listener.itemFinished(new ItemResult(ref, i, noLog ? "(censored)" : label, r.status(), noLog ? censor(ir) : ir));
      anyChanged |= r.status() == TaskStatus.CHANGED || Boolean.TRUE.equals(ir.get("changed"));
      anyFailed |= r.status() == TaskStatus.FAILED;
      allSkipped &= r.status() == TaskStatus.SKIPPED;
      if (i == 0) {
        try {
          pause = number(templar.template(loop.pause(), vars), 0);
        } catch (TemplateException e) {
          pause = 0;
        }
      }
      if (pause > 0 && i < items.size() - 1) {
        Thread.sleep((long) (pause * 1000));
      }
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("changed", anyChanged);
    r.put("msg", anyFailed ? "One or more items failed" : allSkipped ? "All items skipped" : "All items completed");
    r.put("results", results);
    TaskStatus status = anyFailed ? TaskStatus.FAILED : allSkipped ? TaskStatus.SKIPPED
        : anyChanged ? TaskStatus.CHANGED : TaskStatus.OK;
    return new ModuleResult(status, r);
  }

  /** One run of a task (one loop item): when, then the module with retries, changed_when, failed_when. */
  ModuleResult once(PlanTask t, Map<String, Object> vars) throws InterruptedException {
    String where = t.location() + ": task '" + t.name() + "': ";
    try {
      Map<String, Object> skip = whenFalse(t.when(), vars);
      if (skip != null) {
        return new ModuleResult(TaskStatus.SKIPPED, skip);
      }
    } catch (TemplateException e) {
      return ModuleResult.failed(where + e.getMessage());
    }
    boolean check;
    boolean diff;
    int attempts = 1;
    double delay = 0;
    try {
      check = flagStrict(t.checkMode(), vars, plan.check());
      diff = flagStrict(t.diff(), vars, plan.diff());
      if (t.retry().isPresent()) {
        int retries = (int) number(templar.template(t.retry().get().retries(), vars), 3);
        attempts = retries <= 0 ? 1 : retries + 1;
        delay = number(templar.template(t.retry().get().delay(), vars), 5);
      }
    } catch (TemplateException e) {
      return ModuleResult.failed(where + e.getMessage());
    }
    vars.put("ansible_check_mode", check);
    vars.put("ansible_diff_mode", diff);
    ModuleResult r = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      r = execute(t, vars, check, diff);
      r = conditions(t, r, vars, where);
      if (t.retry().isEmpty()) {
        break;
      }
      Map<String, Object> res = new LinkedHashMap<>(r.result());
      res.put("attempts", attempt);
      r = new ModuleResult(r.status(), res);
      Map<String, Object> bound = bind(vars, t.register(), r.result());
      boolean done;
      try {
        done = all(t.retry().get().until(), bound);
      } catch (TemplateException e) {
        return ModuleResult.failed(where + "until: " + e.getMessage());
      }
      if (done) {
        break;
      }
      if (attempt == attempts) {
        res.put("failed", true);
        res.putIfAbsent("msg", "");
        if (String.valueOf(res.get("msg")).isEmpty()) {
          res.put("msg", "the until condition did not hold after " + attempts + " attempts");
        }
        r = new ModuleResult(TaskStatus.FAILED, res);
      } else if (delay > 0) {
        Thread.sleep((long) (delay * 1000));
      }
    }
    return r;
  }

  ModuleResult execute(PlanTask t, Map<String, Object> vars, boolean check, boolean diff)
      throws InterruptedException {
    String where = t.location() + ": task '" + t.name() + "': ";
    Map<String, Object> args;
    Map<String, String> env;
    String user;
    int async;
    int poll;
    try {
      args = args(t, vars);
      env = environment(t, vars);
      user = user(t, vars);
      async = (int) number(text(t.runAs().async(), vars), 0);
      poll = (int) number(text(t.runAs().poll(), vars), DEFAULT_POLL);
    } catch (TemplateException e) {
      return ModuleResult.failed(where + "cannot template its arguments: " + e.getMessage());
    }
    java.util.Optional<String> missing = missingSource(t, args);
    if (missing.isPresent()) {
      return ModuleResult.failed(missing.get());
    }
    if (LogicActions.NAMES.contains(t.module())) {
      ModuleResult r;
      try {
        r = LogicActions.run(t.module(), args, t.args(), vars, templar);
      } catch (LogicActions.ActionException e) {
        return ModuleResult.failed(where + e.getMessage());
      }
      variables.setAll(LogicActions.factsSet(r));
      return r;
    }
    if (t.module().equals("include_vars")) {
      return includeVars(args, vars);
    }
    if (t.module().equals("fetch")) {
      return fetch(t, args, vars, check);
    }
    String delegateTo;
    boolean delegateFacts;
    try {
      delegateTo = delegateTo(t, vars);
      delegateFacts = !delegateTo.isEmpty() && flagStrict(t.delegation().delegateFacts(), vars, false);
    } catch (TemplateException e) {
      return ModuleResult.failed(where + "delegate_to: " + e.getMessage());
    }
    InvocationContext context = new InvocationContext(check, diff, Collections.unmodifiableMap(vars), env, t.path(),
        t.location(), user, Math.max(async, 0), Math.max(poll, 0));
    ModuleResult r;
    try {
      r = delegateTo.isEmpty() ? invoker.invoke(t.module(), args, context)
          : calls.delegate(t.id(), delegateTo, t.module(), args, context, delegateFacts);
    } catch (RuntimeException e) {
      return ModuleResult.failed(where + "module '" + t.module() + "' failed unexpectedly: " + e);
    }
    if (r == null) {
      return ModuleResult.failed(where + "module '" + t.module() + "' returned nothing");
    }
    // With delegate_facts the facts are the delegated host's: the controller keeps them for it.
    if (!delegateFacts && r.status() != TaskStatus.FAILED && r.result().get("ansible_facts") instanceof Map<?, ?> got) {
      vars.putAll(variables.learnFacts(got));
    }
    return r;
  }

  /** include_vars: the controller reads the files; they are this host's variables at include_vars level from here on. */
  private ModuleResult includeVars(Map<String, Object> args, Map<String, Object> vars) throws InterruptedException {
    PlayCalls.Answer a = calls.includeVars(args, Lookups.roleDir(vars.get("role_path"), bundleDir));
    ModuleResult r = ModuleResult.of(a.result());
    if (r.status() == TaskStatus.FAILED || !(a.result().get("ansible_facts") instanceof Map<?, ?> got)) {
      return r;
    }
    Map<String, Object> values = new LinkedHashMap<>();
    // hash_behaviour=merge combines with the values the host already has, which only the host knows.
    boolean merge = "merge".equals(args.get("hash_behaviour"));
    got.forEach((k, v) -> values.put(String.valueOf(k), merge && vars.get(String.valueOf(k)) instanceof Map<?, ?> old
        && v instanceof Map<?, ?> now ? CollectionFilters.mergeHash(old, now) : v));
    variables.include(values);
    Map<String, Object> result = new LinkedHashMap<>(a.result());
    result.put("ansible_facts", values);
    if (a.result().get("ansible_included_var_files") instanceof List<?> files) {
      // The controller names them in the playbook's tree; here that tree is the bundle (playbook_dir).
      result.put("ansible_included_var_files", files.stream().map(f -> bundleDir.resolve(String.valueOf(f)).toString())
          .toList());
    }
    return new ModuleResult(r.status(), result);
  }

  /**
   * fetch: this host reads the file and the controller writes it on its machine. As Ansible's
   * action plugin, check mode skips it.
   */
  private ModuleResult fetch(PlanTask t, Map<String, Object> args, Map<String, Object> vars, boolean check)
      throws InterruptedException {
    if (check) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("changed", false);
      r.put("skipped", true);
      r.put("msg", "check mode not (yet) supported for this module");
      return new ModuleResult(TaskStatus.SKIPPED, r);
    }
    if (!(args.get("src") instanceof String src) || !(args.get("dest") instanceof String dest)) {
      return ModuleResult.failed("src and dest are required");
    }
    boolean failOnMissing = !args.containsKey("fail_on_missing") || Templar.truthy(args.get("fail_on_missing"));
    Path file = Path.of(System.getProperty("user.home")).resolve(src);
    Map<String, Object> r = new LinkedHashMap<>();
    if (Files.isDirectory(file)) {
      r.put("changed", false);
      r.put("failed", failOnMissing);
      r.put("msg", "remote file is a directory, fetch cannot work on directories"
          + (failOnMissing ? "" : ", not transferring, ignored"));
      return ModuleResult.of(r);
    }
    if (!Files.isRegularFile(file)) {
      r.put("changed", false);
      r.put("file", src);
      r.put("msg", "the remote file does not exist, not transferring, ignored");
      r.put("failed", failOnMissing);
      return ModuleResult.of(r);
    }
    byte[] content;
    try {
      long size = Files.size(file);
      if (size > FETCH_MAX_BYTES) {
        return ModuleResult.failed(t.location() + ": fetch: " + src + " is " + size + " bytes; fetch takes files up to "
            + (FETCH_MAX_BYTES >> 20) + " MiB (for bigger ones use synchronize or a shell task with scp)");
      }
      content = Files.readAllBytes(file);
    } catch (java.io.IOException e) {
      return ModuleResult.failed("Failed to fetch the file: " + e.getMessage());
    }
    boolean flat = Templar.truthy(args.get("flat"));
    return ModuleResult.of(calls.fetch(t.id(), src, dest, flat, false, content).result());
  }

  /** The host a task is delegated to, empty when it runs here (no delegate_to, or this host's own name). */
  String delegateTo(PlanTask t, Map<String, Object> vars) throws TemplateException {
    String given = t.delegation().delegateTo();
    if (given.isEmpty()) {
      return "";
    }
    String host = display(plain(templar.template(given, vars))).strip();
    return host.equals(String.valueOf(vars.get("inventory_hostname"))) ? "" : host;
  }

  /** The task's throttle (0: none), templated. */
  int throttle(PlanTask t, Map<String, Object> vars) throws TemplateException {
    Object given = t.delegation().throttle();
    return given == null ? 0 : (int) number(templar.template(given, vars), 0);
  }

  /** changed_when and failed_when, with the result registered under the task's register name. */
  ModuleResult conditions(PlanTask t, ModuleResult r, Map<String, Object> vars, String where) {
    if (r.status() == TaskStatus.SKIPPED || (t.changedWhen().isEmpty() && t.failedWhen().isEmpty())) {
      return r;
    }
    Map<String, Object> res = new LinkedHashMap<>(r.result());
    try {
      if (!t.changedWhen().isEmpty()) {
        res.put("changed", all(t.changedWhen(), bind(vars, t.register(), res)));
      }
      if (!t.failedWhen().isEmpty()) {
        boolean failed = all(t.failedWhen(), bind(vars, t.register(), res));
        res.put("failed", failed);
        res.put("failed_when_result", failed);
      }
    } catch (TemplateException e) {
      res.put("failed", true);
      res.put("msg", where + "cannot evaluate changed_when/failed_when: " + e.getMessage());
    }
    return ModuleResult.of(res);
  }

  // ---- values

  /** The module's arguments: templated, omitted ones dropped, unsafe unwrapped, bundle files located. */
  Map<String, Object> args(PlanTask t, Map<String, Object> vars) throws TemplateException {
    Object templated = templar.template(t.args(), vars);
    @SuppressWarnings("unchecked")
    Map<String, Object> args = (Map<String, Object>) plain(templated);
    for (Map.Entry<String, String> f : t.files().entrySet()) {
      if (args.containsKey(f.getKey())) {
        args.put(f.getKey(), bundleDir.resolve(f.getValue()).toString());
      }
    }
    if (t.files().isEmpty() && SHIPS_FILES.contains(t.module()) && args.get("src") instanceof String src
        && !src.isEmpty() && !Path.of(src).isAbsolute() && !Boolean.TRUE.equals(args.get("remote_src"))) {
      findInBundle(t, src).ifPresent(p -> args.put("src", p.toString()));
    }
    return args;
  }

  /**
   * Ansible's failure for a local {@code src} that is in none of the places it looks (a relative
   * src still relative after {@link #args}: not found in the bundle), with the places it looked.
   */
  private java.util.Optional<String> missingSource(PlanTask t, Map<String, Object> args) {
    if (!SHIPS_FILES.contains(t.module()) || !(args.get("src") instanceof String src) || src.isEmpty()
        || Path.of(src).isAbsolute() || Templar.truthy(args.get("remote_src")) || src.contains("://")) {
      return java.util.Optional.empty();
    }
    List<Path> looked = candidates(t, src);
    if (looked.stream().anyMatch(Files::exists)) {
      return java.util.Optional.empty(); // a directory, which the module copies whole
    }
    StringBuilder msg = new StringBuilder("Could not find or access '").append(src).append("'\nSearched in:");
    for (Path p : looked) {
      msg.append("\n\t").append(p);
    }
    return java.util.Optional.of(msg.append(" on the Ansible Controller.\nIf you are using a module and expect the file"
        + " to exist on the remote, see the remote_src option").toString());
  }

  /** A templated src, looked up as Ansible does: the role's files/ or templates/, the role, the playbook's. */
  java.util.Optional<Path> findInBundle(PlanTask t, String src) {
    return candidates(t, src).stream().filter(Files::isRegularFile).findFirst();
  }

  private List<Path> candidates(PlanTask t, String src) {
    String sub = t.module().equals("template") ? "templates" : "files";
    List<Path> candidates = new ArrayList<>();
    if (t.scope() >= 0) {
      Path role = bundleDir.resolve(plan.roles().get(t.scope()).bundleDir());
      candidates.add(role.resolve(sub).resolve(src));
      candidates.add(role.resolve(src));
    }
    candidates.add(bundleDir.resolve(sub).resolve(src));
    candidates.add(bundleDir.resolve(src));
    return candidates.stream().map(Path::normalize).filter(p -> p.startsWith(bundleDir)).toList();
  }

  /**
   * Who the task runs as, as Ansible decides it: with become, {@code become_user} (the keyword,
   * else {@code ansible_become_user}, else root); without, {@code remote_user} (else
   * {@code ansible_user}); empty for the agent's own user.
   */
  String user(PlanTask t, Map<String, Object> vars) throws TemplateException {
    RunAs r = t.runAs();
    boolean become = r.become().isEmpty() ? vars.containsKey("ansible_become")
        && Templar.truthy(templar.template(vars.get("ansible_become"), vars)) : flagStrict(r.become(), vars, false);
    if (become) {
      String u = text(r.becomeUser().isEmpty() ? varText("ansible_become_user", vars) : r.becomeUser(), vars);
      return u.isEmpty() ? "root" : u;
    }
    return text(r.remoteUser().isEmpty() ? varText("ansible_user", vars) : r.remoteUser(), vars);
  }

  private static String varText(String name, Map<String, Object> vars) {
    Object v = vars.get(name);
    return v == null ? "" : display(v);
  }

  /** A keyword's value templated to a string ("" stays ""). */
  private String text(String value, Map<String, Object> vars) throws TemplateException {
    if (value.isEmpty() || !value.contains("{")) {
      return value.strip();
    }
    Object v = plain(templar.template(value, vars));
    return v == null ? "" : display(v).strip();
  }

  Map<String, String> environment(PlanTask t, Map<String, Object> vars) throws TemplateException {
    if (t.environment().isEmpty()) {
      return Map.of();
    }
    Map<String, String> env = new LinkedHashMap<>();
    Object templated = templar.template(t.environment(), vars);
    if (templated instanceof Map<?, ?> m) {
      m.forEach((k, val) -> {
        Object p = plain(val);
        if (p != null && !OMIT.equals(p)) {
          env.put(String.valueOf(k), display(p));
        }
      });
    }
    return env;
  }

  /** Drops omitted values and unwraps unsafe strings, all the way down. */
  static Object plain(Object value) {
    if (value instanceof Unsafe u) {
      return u.text();
    }
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, val) -> {
        if (!OMIT.equals(val)) {
          out.put(String.valueOf(k), plain(val));
        }
      });
      return out;
    }
    if (value instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object o : l) {
        if (!OMIT.equals(o)) {
          out.add(plain(o));
        }
      }
      return out;
    }
    return value;
  }

  List<Object> loopItems(PlanLoop loop, Map<String, Object> vars) throws TemplateException, LoopException {
    Object value = plainItems(templar.template(loop.items(), vars));
    switch (loop.kind()) {
      case "with_dict": {
        if (!(value instanceof Map<?, ?>)) {
          throw new LoopException("with_dict expects a mapping, got " + display(value));
        }
        return DataLookups.run("dict", List.of(value));
      }
      case "with_items":
        // One level of lists is flattened, as the items lookup does.
        return value instanceof List<?> l ? DataLookups.run("items", new ArrayList<>(l))
            : value == null ? List.of() : List.of(value);
      case "with_list":
        return value instanceof List<?> l ? new ArrayList<>(l) : value == null ? List.of() : List.of(value);
      default:
        if (loop.kind().startsWith("with_")) {
          // with_<lookup>: terms is what query() would get, a string being one term (listify_lookup_plugin_terms).
          List<Object> terms = value instanceof List<?> l ? new ArrayList<>(l) : Collections.singletonList(value);
          String plugin = loop.kind().substring("with_".length());
          if (!DataLookups.NAMES.contains(plugin)) {
            // with_file, with_first_found...: the controller's lookups (and vars), as query() runs them.
            return templar.loopLookup(plugin, terms, vars);
          }
          try {
            return DataLookups.run(loop.kind().substring("with_".length()), terms);
          } catch (RuntimeException e) {
            throw new LoopException(loop.kind() + ": " + e.getMessage());
          }
        }
        if (!(value instanceof List<?> l)) {
          throw new LoopException("Invalid data passed to 'loop', it requires a list, got this instead: "
              + display(value) + " (use loop: \"{{ x | dict2items }}\" for a mapping)");
        }
        return new ArrayList<>(l);
    }
  }

  /** Loop items keep unsafe strings unsafe (they are data), but lose omitted entries. */
  static Object plainItems(Object value) {
    return value;
  }

  Map<String, Object> extended(List<Object> items, int i) {
    Map<String, Object> l = new LinkedHashMap<>();
    int n = items.size();
    l.put("allitems", items);
    l.put("index", i + 1);
    l.put("index0", i);
    l.put("revindex", n - i);
    l.put("revindex0", n - i - 1);
    l.put("first", i == 0);
    l.put("last", i == n - 1);
    l.put("length", n);
    l.put("previtem", i > 0 ? items.get(i - 1) : null);
    l.put("nextitem", i < n - 1 ? items.get(i + 1) : null);
    return l;
  }

  /** Null when every condition holds; else the skipped result naming the first false one. */
  Map<String, Object> whenFalse(List<String> conditions, Map<String, Object> vars) throws TemplateException {
    for (String c : conditions) {
      boolean holds;
      try {
        holds = templar.condition(bare(c), vars);
      } catch (TemplateException e) {
        throw new TemplateException("the conditional check '" + c + "' failed: " + e.getMessage(), e);
      }
      if (!holds) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("changed", false);
        r.put("skipped", true);
        r.put("skip_reason", "Conditional result was False");
        r.put("false_condition", c);
        return r;
      }
    }
    return null;
  }

  boolean all(List<String> conditions, Map<String, Object> vars) throws TemplateException {
    for (String c : conditions) {
      try {
        if (!templar.condition(bare(c), vars)) {
          return false;
        }
      } catch (TemplateException e) {
        throw new TemplateException("the conditional check '" + c + "' failed: " + e.getMessage(), e);
      }
    }
    return true;
  }

  /** A condition written as {@code "{{ x }}"} (Ansible warns, but accepts it) as the bare expression. */
  static String bare(String condition) {
    String c = condition.strip();
    if (c.startsWith("{{") && c.endsWith("}}") && c.indexOf("{{", 2) < 0) {
      return c.substring(2, c.length() - 2).strip();
    }
    return c;
  }

  static Map<String, Object> bind(Map<String, Object> vars, String register, Map<String, Object> result) {
    if (register.isEmpty()) {
      return vars;
    }
    Map<String, Object> bound = new HashMap<>(vars);
    bound.put(register, result);
    return bound;
  }

  /** A yes/no keyword: empty for the default, else true/false or a template; a bad template counts as false. */
  boolean flag(String value, Map<String, Object> vars, boolean dflt) {
    try {
      return flagStrict(value, vars, dflt);
    } catch (TemplateException e) {
      return false;
    }
  }

  boolean flagStrict(String value, Map<String, Object> vars, boolean dflt) throws TemplateException {
    if (value.isEmpty()) {
      return dflt;
    }
    if (value.equals("true") || value.equals("false")) {
      return Boolean.parseBoolean(value);
    }
    return Templar.truthy(templar.template(value, vars));
  }

  static double number(Object value, double dflt) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    String text = value == null ? "" : String.valueOf(value).strip();
    if (text.isEmpty()) {
      // Most tasks give no async or poll; an exception thrown for each costs more than the rest of its bookkeeping.
      return dflt;
    }
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      return dflt;
    }
  }

  static String display(Object value) {
    return value instanceof Unsafe u ? u.text() : String.valueOf(value);
  }

  static Map<String, Object> censor(Map<String, Object> result) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("censored", CENSORED);
    r.put("changed", result.getOrDefault("changed", false));
    r.put("failed", result.getOrDefault("failed", false));
    if (result.containsKey("skipped")) {
      r.put("skipped", result.get("skipped"));
    }
    return r;
  }

  static List<Object> diffs(Map<String, Object> result) {
    List<Object> out = new ArrayList<>();
    if (result.get("diff") != null) {
      out.add(result.get("diff"));
    }
    if (result.get("results") instanceof List<?> items) {
      for (Object o : items) {
        if (o instanceof Map<?, ?> m && m.get("diff") != null) {
          out.add(m.get("diff"));
        }
      }
    }
    return out;
  }

  /** A loop whose items are not a list. */
  static final class LoopException extends Exception {
    private static final long serialVersionUID = 1L;

    LoopException(String message) {
      super(message);
    }
  }
}
