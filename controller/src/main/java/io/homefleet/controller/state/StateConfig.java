package io.homefleet.controller.state;

import io.homefleet.controller.config.Durations;
import io.homefleet.controller.schedule.Cron;
import io.homefleet.controller.schedule.When;
import io.homefleet.playbook.source.Diagnostic;
import io.homefleet.playbook.source.Location;
import io.homefleet.playbook.source.YamlLoader;
import io.homefleet.playbook.source.YamlNode;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code homefleet.yml} at the top of a state directory: which playbook and inventory make the
 * desired state, how hosts converge to it, and the schedules. Every key is optional; a directory
 * without the file is {@code site.yml} and {@code inventory/}, enforced every 30 minutes.
 *
 * @param site the playbook every host converges to, relative to the state directory
 * @param inventory the inventory file or directory, if any
 * @param timezone the zone cron expressions are read in (empty: the controller's)
 */
public record StateConfig(String site, Optional<String> inventory, Optional<ZoneId> timezone, Convergence convergence,
    List<Schedule> schedules) {
  public static final String FILE = "homefleet.yml";
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(30);
  public static final Duration DEFAULT_SPLAY = Duration.ofMinutes(5);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  public StateConfig {
    schedules = List.copyOf(schedules);
  }

  /** Enforce applies the state; report only checks it and records what would change (Puppet's noop). */
  public enum Mode {
    ENFORCE, REPORT;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * How and how often hosts converge.
   *
   * @param splay each host's interval is stretched by a fixed share of this, different per host
   * @param groups per-group mode; a host in several groups is in report mode if any of them says so
   */
  public record Convergence(Duration interval, Duration splay, Mode mode, Map<String, Mode> groups) {
    public Convergence {
      groups = Map.copyOf(groups);
    }

    /** The mode for a host in {@code hostGroups}. */
    public Mode modeFor(List<String> hostGroups) {
      boolean anyEnforce = false;
      for (String g : hostGroups) {
        Mode m = groups.get(g);
        if (m == Mode.REPORT) {
          return Mode.REPORT;
        }
        anyEnforce |= m == Mode.ENFORCE;
      }
      return anyEnforce ? Mode.ENFORCE : mode;
    }
  }

  /** What a schedule runs. */
  public sealed interface Action permits RunPlaybook, RunTask {
    String describe();
  }

  /** A playbook of the state directory. */
  public record RunPlaybook(String path) implements Action {
    @Override
    public String describe() {
      return "playbook " + path;
    }
  }

  /** One task: a module and its arguments. */
  public record RunTask(String module, Map<String, Object> args) implements Action {
    public RunTask {
      args = new LinkedHashMap<>(args);
    }

    @Override
    public String describe() {
      return "task " + module;
    }
  }

  /** A named schedule for the hosts of a group (or any host pattern). */
  public record Schedule(String name, String group, When when, Action action, Location location) {}

  static StateConfig defaults(boolean hasInventoryDir) {
    return new StateConfig("site.yml", hasInventoryDir ? Optional.of("inventory") : Optional.empty(), Optional.empty(),
        new Convergence(DEFAULT_INTERVAL, DEFAULT_SPLAY, Mode.ENFORCE, Map.of()), List.of());
  }

  /**
   * Reads {@code homefleet.yml}. Every problem goes to {@code errors} with its file:line:column;
   * the result is only meaningful when none was added.
   */
  static StateConfig parse(String text, boolean hasInventoryDir, List<Diagnostic> errors) {
    StateConfig d = defaults(hasInventoryDir);
    Optional<YamlNode> root = YamlLoader.load(FILE, text, errors);
    if (root.isEmpty()) {
      return d;
    }
    if (!(root.get() instanceof YamlNode.Mapping top)) {
      errors.add(Diagnostic.error(root.get().location(), "homefleet.yml must be a mapping (site:, inventory:, "
          + "convergence:, schedules:), not " + root.get().kind()));
      return d;
    }
    known(top, Set.of("site", "inventory", "timezone", "convergence", "schedules"), "homefleet.yml", errors);
    String site = string(top, "site", errors).orElse(d.site());
    Optional<String> inventory = string(top, "inventory", errors).or(d::inventory);
    Optional<ZoneId> zone = Optional.empty();
    Optional<String> tz = string(top, "timezone", errors);
    if (tz.isPresent()) {
      try {
        zone = Optional.of(ZoneId.of(tz.get()));
      } catch (RuntimeException e) {
        errors.add(Diagnostic.error(top.get("timezone").orElseThrow().location(), "timezone: unknown zone '"
            + tz.get() + "' (use a tz database name such as Europe/Berlin or UTC)"));
      }
    }
    Convergence conv = d.convergence();
    Optional<YamlNode> c = top.get("convergence");
    if (c.isPresent()) {
      conv = convergence(c.get(), conv, errors);
    }
    List<Schedule> schedules = new ArrayList<>();
    Optional<YamlNode> s = top.get("schedules");
    if (s.isPresent()) {
      if (s.get() instanceof YamlNode.Sequence seq) {
        Set<String> names = new java.util.HashSet<>();
        for (YamlNode item : seq.items()) {
          schedule(item, errors).ifPresent(sc -> {
            if (!names.add(sc.name())) {
              errors.add(Diagnostic.error(sc.location(), "schedules: the name '" + sc.name() + "' is used twice; "
                  + "each schedule needs a name of its own (its last run is kept by name)"));
            }
            schedules.add(sc);
          });
        }
      } else if (!(s.get() instanceof YamlNode.Scalar sc && sc.value() == null)) {
        errors.add(Diagnostic.error(s.get().location(), "schedules: must be a list of schedules, not "
            + s.get().kind()));
      }
    }
    return new StateConfig(site, inventory, zone, conv, schedules);
  }

  private static Convergence convergence(YamlNode node, Convergence d, List<Diagnostic> errors) {
    if (!(node instanceof YamlNode.Mapping m)) {
      errors.add(Diagnostic.error(node.location(), "convergence: must be a mapping (interval:, splay:, mode:, "
          + "groups:), not " + node.kind()));
      return d;
    }
    known(m, Set.of("interval", "splay", "mode", "groups"), "convergence", errors);
    Duration interval = duration(m, "interval", errors).orElse(d.interval());
    Duration splay = duration(m, "splay", errors).orElse(d.splay());
    if (interval.isZero()) {
      errors.add(Diagnostic.error(m.get("interval").orElseThrow().location(), "convergence: interval must be more "
          + "than 0 (default 30m)"));
    }
    Mode mode = mode(m, errors).orElse(d.mode());
    Map<String, Mode> groups = new LinkedHashMap<>();
    Optional<YamlNode> g = m.get("groups");
    if (g.isPresent()) {
      if (g.get() instanceof YamlNode.Mapping gm) {
        for (YamlNode.Entry e : gm.entries()) {
          if (e.value() instanceof YamlNode.Mapping em) {
            known(em, Set.of("mode"), "convergence: groups: " + e.key(), errors);
            mode(em, errors).ifPresent(md -> groups.put(e.key(), md));
          } else {
            errors.add(Diagnostic.error(e.value().location(), "convergence: groups: " + e.key() + ": must be a "
                + "mapping such as {mode: report}, not " + e.value().kind()));
          }
        }
      } else {
        errors.add(Diagnostic.error(g.get().location(), "convergence: groups: must map group names to settings "
            + "({sandbox: {mode: report}}), not " + g.get().kind()));
      }
    }
    return new Convergence(interval, splay, mode, groups);
  }

  private static Optional<Schedule> schedule(YamlNode node, List<Diagnostic> errors) {
    if (!(node instanceof YamlNode.Mapping m)) {
      errors.add(Diagnostic.error(node.location(), "schedules: each schedule must be a mapping (name:, group:, "
          + "cron: or every:, playbook: or task:), not " + node.kind()));
      return Optional.empty();
    }
    int before = errors.size();
    known(m, Set.of("name", "group", "hosts", "cron", "every", "playbook", "task"), "schedule", errors);
    Optional<String> name = string(m, "name", errors);
    if (name.isEmpty()) {
      errors.add(Diagnostic.error(m.location(), "schedule: name: is required (letters, digits, '.', '_', '-')"));
    } else if (!NAME.matcher(name.get()).matches()) {
      errors.add(Diagnostic.error(m.get("name").orElseThrow().location(), "schedule: name '" + name.get()
          + "' must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"));
    }
    String what = "schedule '" + name.orElse("?") + "'";
    Optional<String> group = string(m, "group", errors).or(() -> string(m, "hosts", errors));
    if (group.isEmpty()) {
      errors.add(Diagnostic.error(m.location(), what + ": group: is required (a group of the inventory, a role, "
          + "or any host pattern such as 'all')"));
    }
    When when = null;
    if (m.has("cron") == m.has("every")) {
      errors.add(Diagnostic.error(m.location(), what + ": needs exactly one of cron: ('0 3 * * 0', '@daily') and "
          + "every: (6h)"));
    } else if (m.has("cron")) {
      Optional<String> cron = string(m, "cron", errors);
      if (cron.isPresent()) {
        try {
          when = new When.AtCron(Cron.parse(cron.get()));
        } catch (IllegalArgumentException e) {
          errors.add(Diagnostic.error(m.get("cron").orElseThrow().location(), what + ": cron: " + e.getMessage()));
        }
      }
    } else {
      Optional<Duration> every = duration(m, "every", errors);
      if (every.isPresent()) {
        if (every.get().isZero()) {
          errors.add(Diagnostic.error(m.get("every").orElseThrow().location(), what + ": every: must be more than 0"));
        } else {
          when = new When.Every(every.get());
        }
      }
    }
    Action action = null;
    if (m.has("playbook") == m.has("task")) {
      errors.add(Diagnostic.error(m.location(), what + ": needs exactly one of playbook: (a playbook of the state "
          + "directory) and task: ({module: ..., args: ...})"));
    } else if (m.has("playbook")) {
      Optional<String> pb = string(m, "playbook", errors);
      if (pb.isPresent()) {
        action = new RunPlaybook(pb.get());
      }
    } else {
      YamlNode t = m.get("task").orElseThrow();
      if (t instanceof YamlNode.Mapping tm) {
        known(tm, Set.of("module", "args"), what + ": task", errors);
        Optional<String> module = string(tm, "module", errors);
        Optional<YamlNode> args = tm.get("args");
        if (module.isEmpty()) {
          errors.add(Diagnostic.error(tm.location(), what + ": task: module: is required (command, copy, file ...)"));
        } else if (args.isPresent() && !(args.get() instanceof YamlNode.Mapping)
            && !(args.get() instanceof YamlNode.Scalar as && as.isString())) {
          errors.add(Diagnostic.error(args.get().location(), what + ": task: args: must be a mapping or a "
              + "'key=value' string, not " + args.get().kind()));
        } else {
          Map<String, Object> a = new LinkedHashMap<>();
          if (args.isPresent() && args.get().toPlain() instanceof Map<?, ?> am) {
            am.forEach((k, v) -> a.put(String.valueOf(k), v));
          } else if (args.isPresent()) {
            a.put("_raw_params", String.valueOf(args.get().toPlain()));
          }
          action = new RunTask(module.get(), a);
        }
      } else {
        errors.add(Diagnostic.error(t.location(), what + ": task: must be a mapping {module: ..., args: ...}, not "
            + t.kind()));
      }
    }
    if (errors.size() > before || when == null || action == null || name.isEmpty() || group.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Schedule(name.get(), group.get(), when, action, m.location()));
  }

  private static void known(YamlNode.Mapping m, Set<String> keys, String where, List<Diagnostic> errors) {
    for (YamlNode.Entry e : m.entries()) {
      if (!keys.contains(e.key())) {
        errors.add(Diagnostic.error(e.keyLocation(), where + ": unknown key '" + e.key() + "' (known: "
            + String.join(", ", new java.util.TreeSet<>(keys)) + ")"));
      }
    }
  }

  private static Optional<String> string(YamlNode.Mapping m, String key, List<Diagnostic> errors) {
    Optional<YamlNode> n = m.get(key);
    if (n.isEmpty()) {
      return Optional.empty();
    }
    if (n.get() instanceof YamlNode.Scalar s && s.value() != null && !(s.value() instanceof Boolean)) {
      String v = String.valueOf(s.value()).trim();
      if (!v.isEmpty()) {
        return Optional.of(v);
      }
    }
    errors.add(Diagnostic.error(n.get().location(), key + ": must be a non-empty string, not " + n.get().kind()));
    return Optional.empty();
  }

  private static Optional<Duration> duration(YamlNode.Mapping m, String key, List<Diagnostic> errors) {
    Optional<String> s = string(m, key, errors);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Durations.parse(s.get()));
    } catch (IllegalArgumentException e) {
      errors.add(Diagnostic.error(m.get(key).orElseThrow().location(), key + ": " + e.getMessage()));
      return Optional.empty();
    }
  }

  private static Optional<Mode> mode(YamlNode.Mapping m, List<Diagnostic> errors) {
    Optional<String> s = string(m, "mode", errors);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    return switch (s.get()) {
      case "enforce" -> Optional.of(Mode.ENFORCE);
      case "report", "noop" -> Optional.of(Mode.REPORT);
      default -> {
        errors.add(Diagnostic.error(m.get("mode").orElseThrow().location(), "mode: '" + s.get() + "' is not a mode "
            + "(enforce: apply the state; report: only check it and record the drift)"));
        yield Optional.empty();
      }
    };
  }
}
