package io.homefleet.playbook.compile;

import io.homefleet.playbook.plan.HostPlan;
import io.homefleet.playbook.plan.PlanBlock;
import io.homefleet.playbook.plan.PlanDelegation;
import io.homefleet.playbook.plan.PlanCodec;
import io.homefleet.playbook.plan.PlanHandler;
import io.homefleet.playbook.plan.PlanInclude;
import io.homefleet.playbook.plan.PlanItem;
import io.homefleet.playbook.plan.PlanLoop;
import io.homefleet.playbook.plan.PlanRetry;
import io.homefleet.playbook.plan.PlanTask;
import io.homefleet.playbook.plan.RoleScope;
import io.homefleet.playbook.plan.TagSelection;
import io.homefleet.playbook.model.Block;
import io.homefleet.playbook.model.Delegation;
import io.homefleet.playbook.model.Flag;
import io.homefleet.playbook.model.Handler;
import io.homefleet.playbook.model.IncludeRole;
import io.homefleet.playbook.model.IncludeTasks;
import io.homefleet.playbook.model.Keywords;
import io.homefleet.playbook.model.Loop;
import io.homefleet.playbook.model.Play;
import io.homefleet.playbook.model.Retry;
import io.homefleet.playbook.model.Role;
import io.homefleet.playbook.model.RoleRef;
import io.homefleet.playbook.model.RunAs;
import io.homefleet.playbook.model.Task;
import io.homefleet.playbook.model.TaskItem;
import io.homefleet.playbook.parse.LoadedPlaybook;
import io.homefleet.playbook.vars.Precedence;
import io.homefleet.playbook.vars.VarScope;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compiles one play of a loaded playbook into the {@link HostPlan} one host runs.
 *
 * <p>What is the same for every host is decided here: static imports and roles are expanded in
 * place, inherited keywords are folded into each task (a block's {@code when} becomes part of each
 * of its tasks' conditions, as Ansible evaluates it), tasks the tag selection excludes are left
 * out, each task gets a stable path, and the bundle files the tasks use are collected. Nothing is
 * templated: conditions, loops and arguments are evaluated on the host, where registered results
 * and facts exist.
 *
 * <pre>{@code
 * HostPlan plan = PlanCompiler.compile(loaded, 0, varsOfHost, new PlanOptions(tags, skip, check, diff, extra));
 * byte[] message = PlanCodec.encode(plan);
 * }</pre>
 */
public final class PlanCompiler {
  /** Marks a role directory whose files/ and templates/ all travel (a task's src is a template). */
  private static final String ROLE_DIR = "\0role:";
  private static final Set<String> SHIPS_FILES = Set.of("copy", "template", "unarchive", "script");

  private PlanCompiler() {}

  /** {@link #compile} for a host whose variables are all at one level, the inventory host's (tests, tools). */
  public static HostPlan compile(LoadedPlaybook loaded, int playIndex, Map<String, Object> hostVars,
      PlanOptions options) {
    EnumMap<Precedence, Map<String, Object>> vars = new EnumMap<>(Precedence.class);
    vars.put(Precedence.INVENTORY_HOST, hostVars);
    return compile(loaded, playIndex, vars, options);
  }

  /**
   * The plan for one host and one play.
   *
   * @param loaded the playbook as the loader validated it
   * @param playIndex which play, 0-based, in {@code loaded.playbook().plays()}
   * @param vars the host's variables by level ({@link VarScope#layers()}: inventory, facts, play
   *     vars, vars_files, set_fact of the plays before, magic with {@code hostvars} as a snapshot);
   *     plain values only. Role defaults and vars, block and task vars are layered on the host.
   * @param options tags, check, diff and extra vars (which go to the {@code EXTRA_VARS} level)
   * @throws IndexOutOfBoundsException when there is no such play
   */
  public static HostPlan compile(LoadedPlaybook loaded, int playIndex, EnumMap<Precedence, Map<String, Object>> vars,
      PlanOptions options) {
    return compile(loaded, playIndex, vars, options, null);
  }

  /**
   * {@link #compile(LoadedPlaybook, int, EnumMap, PlanOptions)} with the run's controller lookups:
   * those with constant arguments are answered now ({@link LookupFolding}); null answers none.
   */
  public static HostPlan compile(LoadedPlaybook loaded, int playIndex, EnumMap<Precedence, Map<String, Object>> vars,
      PlanOptions options, ControllerLookups lookups) {
    EnumMap<Precedence, Map<String, Object>> layers = new EnumMap<>(vars);
    if (!options.extraVars().isEmpty()) {
      layers.put(Precedence.EXTRA_VARS, options.extraVars());
    }
    Play play = loaded.playbook().plays().get(playIndex);
    Compilation c = new Compilation(new TagSelection(options.tags(), options.skipTags()));
    c.folding = lookups == null ? null : new LookupFolding(lookups);
    Keywords playKeywords = play.keywords();
    // The play's vars are in the layers already, at their level.
    Ctx root = Ctx.ROOT.with(new Keywords(playKeywords.when(), playKeywords.tags(), Map.of(),
        playKeywords.environment(), playKeywords.ignoreErrors(), playKeywords.checkMode(), playKeywords.diff(),
        playKeywords.noLog(), playKeywords.delegation(), playKeywords.runAs()));
    String at = play.location().toString();

    List<PlanItem> items = new ArrayList<>();
    if (play.gatherFacts()) {
      items.add(new PlanTask(c.nextId(), "gather_facts", "Gathering Facts", at, "setup", Map.of(), Map.of(), -1,
          List.of(), List.of("always"), Map.of(), root.env, "", "false", "false", root.noLog, Optional.empty(), "",
          List.of(), List.of(), List.of(), Optional.empty(), false, PlanDelegation.NONE, RunAs.NONE));
    }
    items.addAll(c.list(play.preTasks(), root, "pre_tasks"));
    items.add(c.flush(at, "pre_tasks/flush_handlers"));
    Map<String, Integer> seen = new HashMap<>();
    for (RoleRef ref : play.roles()) {
      items.addAll(c.role(ref, root, "roles/" + c.roleSegment(ref.name(), seen), true, true));
    }
    items.addAll(c.list(play.tasks(), root, "tasks"));
    items.add(c.flush(at, "tasks/flush_handlers"));
    items.addAll(c.list(play.postTasks(), root, "post_tasks"));

    for (Handler h : play.handlers()) {
      c.handlerSources.add(new HandlerSource(h, root));
    }
    List<PlanHandler> handlers = new ArrayList<>();
    for (int i = 0; i < c.handlerSources.size(); i++) {
      HandlerSource hs = c.handlerSources.get(i);
      Task t = hs.handler().task();
      List<String> names = new ArrayList<>();
      names.add(t.name());
      t.role().ifPresent(r -> names.add(r + " : " + t.name()));
      names.addAll(hs.handler().listen());
      handlers.add(new PlanHandler(names, c.task(t, hs.ctx(), "handlers/" + i)));
    }

    Map<String, byte[]> files = new TreeMap<>();
    for (String path : c.files) {
      if (path.startsWith(ROLE_DIR)) {
        String dir = path.substring(ROLE_DIR.length());
        loaded.bundle().forEach((p, content) -> {
          if (p.startsWith(dir + "/files/") || p.startsWith(dir + "/templates/")) {
            files.put(p, content);
          }
        });
        continue;
      }
      byte[] content = loaded.bundle().get(path);
      if (content != null) {
        files.put(path, content);
      }
    }
    List<RoleScope> scopes = c.scopes;
    Set<String> secrets = options.secrets();
    if (c.folding != null) {
      scopes = c.foldLayers(layers);
      files.putAll(c.folding.files());
      secrets = new HashSet<>(secrets);
      secrets.addAll(c.folding.secrets());
    }
    HostPlan plan = new HostPlan(PlanCodec.FORMAT, play.name().isEmpty() ? play.hosts() : play.name(), at, items,
        handlers, scopes, layers, c.selection, options.check(), options.diff(), play.forceHandlers(), files);
    plan = SecretVars.restrict(plan, secrets);
    if (c.folding != null && !c.folding.secrets().isEmpty()) {
      // Password lookups' answers are secrets whether or not a vault value is in the plan.
      Set<String> carried = new java.util.LinkedHashSet<>(plan.secrets());
      carried.addAll(c.folding.secrets());
      plan = plan.with(plan.vars(), plan.roles(), List.copyOf(carried));
    }
    return plan;
  }

  /** The keywords in force at one place of the play: everything inherited so far. */
  private record Ctx(List<String> when, List<String> tags, Map<String, Object> vars, Map<String, Object> env,
      String ignoreErrors, String checkMode, String diff, String noLog, int scope, Delegation delegated, RunAs runAs) {

    static final Ctx ROOT = new Ctx(List.of(), List.of(), Map.of(), Map.of(), "", "", "", "", -1, Delegation.NONE,
        RunAs.NONE);

    Ctx with(Keywords k) {
      return new Ctx(concat(when, k.when()), concat(tags, k.tags()), merge(vars, k.vars()),
          merge(env, k.environment()), flag(k.ignoreErrors(), ignoreErrors), flag(k.checkMode(), checkMode),
          flag(k.diff(), diff), flag(k.noLog(), noLog), scope, delegated.under(k.delegation()), runAs.with(k.runAs()));
    }

    Ctx withScope(int index) {
      return new Ctx(when, tags, vars, env, ignoreErrors, checkMode, diff, noLog, index, delegated, runAs);
    }

    /** These keywords with another's become and remote_user: a role's handlers inherit only those from the role. */
    Ctx runningAs(RunAs given) {
      return new Ctx(when, tags, vars, env, ignoreErrors, checkMode, diff, noLog, scope, delegated, given);
    }

    PlanDelegation delegation() {
      return new PlanDelegation(delegated.delegateTo().orElse(""), flag(delegated.delegateFacts(), ""),
          flag(delegated.runOnce(), ""), delegated.throttle().orElse(null));
    }

    private static String flag(Optional<Flag> given, String inherited) {
      if (given.isEmpty()) {
        return inherited;
      }
      return given.get() instanceof Flag.Fixed f ? Boolean.toString(f.value()) : ((Flag.Templated) given.get()).template();
    }
  }

  private record HandlerSource(Handler handler, Ctx ctx) {}

  /** One compilation's running state: ids, role scopes, handlers and files met so far. */
  private static final class Compilation {
    final TagSelection selection;
    final List<RoleScope> scopes = new ArrayList<>();
    final List<HandlerSource> handlerSources = new ArrayList<>();
    final Set<String> rolesWithHandlers = new HashSet<>();
    final Set<String> files = new HashSet<>();
    /** The constant controller lookups answered here; null without a run's lookups. */
    LookupFolding folding;
    int ids;

    /** The variables' lookups folded (the levels in place, at the play's directory), and the role scopes'. */
    List<RoleScope> foldLayers(EnumMap<Precedence, Map<String, Object>> layers) {
      folding.in("");
      layers.replaceAll((level, layer) -> folding.templates(layer));
      List<RoleScope> out = new ArrayList<>();
      for (RoleScope r : scopes) {
        folding.in(r.bundleDir());
        out.add(new RoleScope(r.role(), r.bundleDir(), folding.templates(r.defaults()), folding.templates(r.vars()),
            folding.templates(r.params()), r.exported()));
      }
      if (!folding.values().isEmpty()) {
        Map<String, Object> magic = new LinkedHashMap<>(layers.getOrDefault(Precedence.MAGIC, Map.of()));
        magic.putAll(folding.values());
        layers.put(Precedence.MAGIC, magic);
      }
      return out;
    }

    Compilation(TagSelection selection) {
      this.selection = selection;
    }

    int nextId() {
      return ids++;
    }

    String roleSegment(String name, Map<String, Integer> seen) {
      int n = seen.merge(name, 1, Integer::sum);
      return n == 1 ? name : name + "@" + n;
    }

    PlanTask flush(String at, String path) {
      return new PlanTask(nextId(), path, "meta: flush_handlers", at, "meta", Map.of("_raw_params", "flush_handlers"),
          Map.of(), -1, List.of(), List.of("always"), Map.of(), Map.of(), "", "", "", "", Optional.empty(), "",
          List.of(), List.of(), List.of(), Optional.empty(), true, PlanDelegation.NONE, RunAs.NONE);
    }

    List<PlanItem> list(List<TaskItem> items, Ctx ctx, String path) {
      List<PlanItem> out = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        out.addAll(item(items.get(i), ctx, path + "/" + i));
      }
      return out;
    }

    List<PlanItem> item(TaskItem item, Ctx ctx, String path) {
      if (item instanceof Task t) {
        return selection.selects(ctx.with(t.keywords()).tags) ? List.of(task(t, ctx, path)) : List.of();
      }
      if (item instanceof Block b) {
        return block(b, ctx.with(b.keywords()), path);
      }
      if (item instanceof IncludeTasks inc) {
        return inc.dynamic() ? includeTasks(inc, ctx, path)
            : list(inc.tasks().orElse(List.of()), ctx.with(inc.keywords()), path);
      }
      IncludeRole inc = (IncludeRole) item;
      return inc.dynamic() ? includeRole(inc, ctx, path) : role(inc.role(), ctx, path, true, true);
    }

    private List<PlanItem> block(Block b, Ctx ctx, String path) {
      int id = nextId();
      List<PlanItem> block = list(b.block(), ctx, path + "/block");
      List<PlanItem> rescue = list(b.rescue(), ctx, path + "/rescue");
      List<PlanItem> always = list(b.always(), ctx, path + "/always");
      if (block.isEmpty() && rescue.isEmpty() && always.isEmpty()) {
        return List.of();
      }
      return List.of(new PlanBlock(id, path, b.name(), b.location().toString(), block, rescue, always));
    }

    private List<PlanItem> includeTasks(IncludeTasks inc, Ctx ctx, String path) {
      Ctx own = ctx.with(inc.keywords());
      if (!selection.selects(own.tags)) {
        return List.of();
      }
      int id = nextId();
      // The include's own keywords stay with the include; the included tasks inherit only what is
      // around it (Ansible: use apply: to pass keywords down).
      List<PlanItem> items = list(inc.tasks().orElse(List.of()), ctx, path + "/include");
      return List.of(new PlanInclude(id, path, "include_tasks: " + inc.file(), inc.location().toString(),
          "include_tasks", inc.file(), ctx.scope, own.when, ctx.vars, inc.keywords().vars(), inc.loop().map(Compilation::loop),
          inc.tasks().isPresent(), items));
    }

    private List<PlanItem> includeRole(IncludeRole inc, Ctx ctx, String path) {
      Ctx own = ctx.with(inc.keywords());
      if (!selection.selects(own.tags)) {
        return List.of();
      }
      int id = nextId();
      List<PlanItem> items = inc.role().role().isPresent()
          ? role(inc.role(), ctx, path + "/include", false, false)
          : List.of();
      Map<String, Object> params = new LinkedHashMap<>(inc.role().params());
      params.putAll(inc.keywords().vars());
      return List.of(new PlanInclude(id, path, "include_role: " + inc.role().name(), inc.location().toString(),
          "include_role", inc.role().name(), ctx.scope, own.when, ctx.vars, params, inc.loop().map(Compilation::loop),
          inc.role().role().isPresent(), items));
    }

    /**
     * A role's dependencies, then its tasks, each in the role's own variable scope.
     *
     * @param inherit whether the reference's keywords apply to the role's tasks (not so for
     *     {@code include_role}, whose keywords are the include's)
     */
    List<PlanItem> role(RoleRef ref, Ctx outer, String path, boolean inherit, boolean exported) {
      Optional<Role> found = ref.role();
      if (found.isEmpty()) {
        return List.of();
      }
      Role role = found.get();
      Ctx ctx = inherit ? outer.with(ref.keywords()) : outer;
      List<PlanItem> out = new ArrayList<>();
      Map<String, Integer> seen = new HashMap<>();
      for (RoleRef dep : role.dependencies()) {
        out.addAll(role(dep, ctx, path + "/dep/" + roleSegment(dep.name(), seen), true, exported));
      }
      int scope = scopes.size();
      scopes.add(new RoleScope(role.name(), role.bundleDir(), role.defaults(), role.vars(),
          inherit ? ref.params() : Map.of(), exported));
      Ctx inRole = ctx.withScope(scope);
      out.addAll(list(role.tasks(), inRole, path));
      if (rolesWithHandlers.add(role.bundleDir() + "\0" + role.name())) {
        for (Handler h : role.handlers()) {
          handlerSources.add(new HandlerSource(h, Ctx.ROOT.withScope(scope).runningAs(inRole.runAs)));
        }
      }
      return out;
    }

    PlanTask task(Task t, Ctx outer, String path) {
      Ctx ctx = outer.with(t.keywords());
      files.addAll(t.files().values());
      if (SHIPS_FILES.contains(t.module()) && t.files().isEmpty() && t.args().get("src") instanceof String src
          && src.contains("{{") && ctx.scope >= 0) {
        // A templated src is found on the host; ship the role's files and templates.
        files.add(ROLE_DIR + scopes.get(ctx.scope).bundleDir());
      }
      if (folding != null) {
        LookupFolding f = folding.in(ctx.scope >= 0 ? scopes.get(ctx.scope).bundleDir() : "");
        return new PlanTask(nextId(), path, f.fold(t.displayName(), true), t.location().toString(), t.module(),
            f.templates(t.args()), t.files(), ctx.scope, f.expressions(ctx.when), ctx.tags, f.templates(ctx.vars),
            f.templates(ctx.env), ctx.ignoreErrors, ctx.checkMode, ctx.diff, ctx.noLog,
            f.loop(t.loop().map(Compilation::loop)), t.register().orElse(""), t.notifies(),
            f.expressions(t.changedWhen()), f.expressions(t.failedWhen()), t.retry().map(Compilation::retry), false,
            ctx.delegation(), ctx.runAs);
      }
      return new PlanTask(nextId(), path, t.displayName(), t.location().toString(), t.module(), t.args(), t.files(),
          ctx.scope, ctx.when, ctx.tags, ctx.vars, ctx.env, ctx.ignoreErrors, ctx.checkMode, ctx.diff, ctx.noLog,
          t.loop().map(Compilation::loop), t.register().orElse(""), t.notifies(), t.changedWhen(), t.failedWhen(),
          t.retry().map(Compilation::retry), false, ctx.delegation(), ctx.runAs);
    }

    static PlanLoop loop(Loop l) {
      Loop.LoopControl c = l.control();
      return new PlanLoop(l.kind() == Loop.Kind.WITH_LOOKUP ? "with_" + l.lookup() : l.kind().name().toLowerCase(Locale.ROOT), l.items(), c.loopVar(), c.label().orElse(""),
          c.indexVar().orElse(""), c.pause(), c.extended());
    }

    static PlanRetry retry(Retry r) {
      return new PlanRetry(r.until(), r.retries(), r.delay());
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    if (b.isEmpty()) {
      return a;
    }
    if (a.isEmpty()) {
      return b;
    }
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return List.copyOf(out);
  }

  private static Map<String, Object> merge(Map<String, Object> a, Map<String, Object> b) {
    if (b.isEmpty()) {
      return a;
    }
    if (a.isEmpty()) {
      return b;
    }
    Map<String, Object> out = new LinkedHashMap<>(a);
    out.putAll(b);
    return out;
  }
}
