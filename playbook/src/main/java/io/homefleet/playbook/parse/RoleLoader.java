package io.homefleet.playbook.parse;

import io.homefleet.playbook.model.Handler;
import io.homefleet.playbook.model.Keywords;
import io.homefleet.playbook.model.Role;
import io.homefleet.playbook.model.RoleRef;
import io.homefleet.playbook.model.TaskItem;
import io.homefleet.playbook.source.Location;
import io.homefleet.playbook.source.YamlNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds and reads roles: {@code roles/NAME} next to the playbook, then the configured roles path,
 * then the top playbook's {@code roles/}; reads tasks, handlers, defaults, vars and the
 * dependencies in {@code meta/main.yml}. A role used twice with the same options is read once.
 */
final class RoleLoader {

  private final Session s;
  private TaskParser tasks;
  private final Map<String, Optional<Role>> cache = new HashMap<>();
  private final Deque<String> loading = new ArrayDeque<>();

  RoleLoader(Session s) {
    this.s = s;
  }

  void tasks(TaskParser parser) {
    this.tasks = parser;
  }

  /** One entry of a play's {@code roles:} or a role's dependencies: {@code common} or {@code {role: common, ...}}. */
  Optional<RoleRef> entry(YamlNode node, Scope from) {
    if (node instanceof YamlNode.Scalar sc && sc.isString()) {
      String name = String.valueOf(sc.value());
      if (JinjaSyntax.isTemplate(name)) {
        s.error(sc.location(), "role names in roles: cannot be templates (use include_role)");
        return Optional.empty();
      }
      return Optional.of(reference(name, sc.location(), Keywords.NONE, Map.of(), from, Map.of()));
    }
    if (!(node instanceof YamlNode.Mapping m)) {
      s.error(node.location(), "a role is its name or a mapping with role:, not " + node.kind());
      return Optional.empty();
    }
    String key = m.has("role") ? "role" : m.has("name") ? "name" : null;
    if (key == null) {
      s.error(m.location(), "this role entry has no role: (write role: NAME)");
      return Optional.empty();
    }
    String name = tasks.scalarString(m.get(key).get(), key);
    if (name == null) {
      return Optional.empty();
    }
    if (JinjaSyntax.isTemplate(name)) {
      s.error(m.get(key).get().location(), "role names in roles: cannot be templates (use include_role)");
      return Optional.empty();
    }
    TaskParser.KeywordReader kw = tasks.new KeywordReader("role");
    Map<String, Object> params = new LinkedHashMap<>();
    for (YamlNode.Entry e : m.entries()) {
      if (e.key().equals("role") || (e.key().equals("name") && key.equals("name"))) {
        continue;
      }
      if (kw.accept(e) || tasks.ignoredOrUnsupported(e)) {
        continue;
      }
      // Anything else is a role parameter (the old style), set as a variable for the role.
      s.checkTemplates(e.value());
      params.put(e.key(), e.value().toPlain());
    }
    return Optional.of(reference(name, m.location(), kw.keywords(), params, from, Map.of()));
  }

  /** A role reference with its content read (or an error recorded and no content). */
  RoleRef reference(String name, Location at, Keywords keywords, Map<String, Object> params, Scope from,
      Map<String, String> opts) {
    Optional<Path> dir = find(name, at, from);
    Optional<Role> role = dir.flatMap(d -> load(name, d, at, from, opts));
    return new RoleRef(name, at, keywords, params, role);
  }

  private Optional<Path> find(String name, Location at, Scope from) {
    List<Path> candidates = new ArrayList<>();
    if (name.contains("/")) {
      candidates.add(from.playbookDir().resolve(name));
    } else {
      candidates.add(from.playbookDir().resolve("roles").resolve(name));
      for (Path p : s.rolesPath) {
        candidates.add(p.resolve(name));
      }
      candidates.add(s.root.resolve("roles").resolve(name));
      candidates.add(from.playbookDir().resolve(name));
    }
    List<String> looked = new ArrayList<>();
    for (Path c : new LinkedHashSet<>(candidates.stream().map(p -> p.toAbsolutePath().normalize()).toList())) {
      boolean onRolesPath = s.rolesPath.stream().anyMatch(rp -> c.startsWith(rp.toAbsolutePath().normalize()));
      if (!onRolesPath && !s.inBundle(c)) {
        s.error(at, "role '" + name + "' is outside the playbook's directory: nothing can reach outside the bundle"
            + " (move it under roles/ or add its parent to the roles path)");
        return Optional.empty();
      }
      looked.add(s.display(c));
      if (Files.isDirectory(c)) {
        if (!c.startsWith(s.root)) {
          s.externalRole(c, c.getFileName().toString());
        }
        return Optional.of(c);
      }
    }
    s.error(at, "role '" + name + "' not found (looked in " + String.join(", ", looked) + ")"
        + Suggest.hint(name, knownRoles(from)));
    return Optional.empty();
  }

  private List<String> knownRoles(Scope from) {
    List<String> names = new ArrayList<>();
    List<Path> dirs = new ArrayList<>(List.of(from.playbookDir().resolve("roles"), s.root.resolve("roles")));
    dirs.addAll(s.rolesPath);
    for (Path d : dirs) {
      if (Files.isDirectory(d)) {
        try (Stream<Path> list = Files.list(d)) {
          list.filter(Files::isDirectory).forEach(p -> names.add(p.getFileName().toString()));
        } catch (IOException e) {
          // no suggestions from an unreadable directory
        }
      }
    }
    return names;
  }

  private Optional<Role> load(String name, Path dir, Location at, Scope from, Map<String, String> opts) {
    String key = dir + "|" + opts;
    if (cache.containsKey(key)) {
      return cache.get(key);
    }
    if (loading.contains(dir.toString())) {
      s.error(at, "role '" + name + "' depends on itself");
      return Optional.empty();
    }
    loading.push(dir.toString());
    try {
      String roleName = dir.getFileName().toString();
      Scope scope = new Scope(from.playbookDir(), dir.resolve("tasks"),
          Optional.of(new Scope.RoleScope(roleName, dir)));
      List<TaskItem> taskItems = roleFile(dir, "tasks", opts.getOrDefault("tasks_from", "main"), at, opts
          .containsKey("tasks_from"))
          .flatMap(f -> tasks.taskFile(f, scope, at)).orElse(List.of());
      List<Handler> handlers = roleFile(dir, "handlers", opts.getOrDefault("handlers_from", "main"), at,
          opts.containsKey("handlers_from"))
          .flatMap(f -> s.readYaml(f, at).map(n -> tasks.handlers(n, scope.inFile(f), s.display(f))))
          .orElse(List.of());
      Map<String, Object> defaults = varsFile(dir, "defaults", opts.getOrDefault("defaults_from", "main"), at,
          opts.containsKey("defaults_from"));
      Map<String, Object> vars = varsFile(dir, "vars", opts.getOrDefault("vars_from", "main"), at,
          opts.containsKey("vars_from"));
      List<RoleRef> deps = new ArrayList<>();
      Optional<Path> meta = roleFile(dir, "meta", "main", at, false);
      if (meta.isPresent()) {
        Optional<YamlNode> doc = s.readYaml(meta.get(), at);
        if (doc.isPresent() && doc.get() instanceof YamlNode.Mapping m) {
          m.get("dependencies").ifPresent(d -> {
            if (d instanceof YamlNode.Sequence q) {
              Scope depScope = new Scope(from.playbookDir(), dir, Optional.empty());
              q.items().forEach(item -> entry(item, depScope).ifPresent(deps::add));
            } else if (!(d instanceof YamlNode.Scalar sc && sc.value() == null)) {
              s.error(d.location(), "dependencies must be a list of roles, not " + d.kind());
            }
          });
        } else if (doc.isPresent()) {
          s.error(doc.get().location(), "meta/main.yml must be a mapping");
        }
      }
      Optional<Role> role = Optional.of(new Role(roleName, s.bundleKey(dir), taskItems, handlers, defaults, vars,
          deps));
      cache.put(key, role);
      return role;
    } finally {
      loading.pop();
    }
  }

  /** {@code DIR/SUB/NAME}, {@code NAME.yml} or {@code NAME.yaml}; an error only when it was asked for by name. */
  private Optional<Path> roleFile(Path dir, String sub, String name, Location at, boolean required) {
    Path base = dir.resolve(sub);
    for (String candidate : List.of(name + ".yml", name + ".yaml", name)) {
      Path f = base.resolve(candidate).normalize();
      if (!f.startsWith(dir)) {
        s.error(at, sub + " file '" + name + "' is outside the role: nothing can reach outside the bundle");
        return Optional.empty();
      }
      if (Files.isRegularFile(f)) {
        return Optional.of(f);
      }
    }
    if (required) {
      s.error(at, "role file " + s.display(base.resolve(name + ".yml")) + " not found");
    }
    return Optional.empty();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> varsFile(Path dir, String sub, String name, Location at, boolean required) {
    Optional<Path> f = roleFile(dir, sub, name, at, required);
    if (f.isEmpty()) {
      return Map.of();
    }
    Optional<YamlNode> doc = s.readYaml(f.get(), at);
    if (doc.isEmpty()) {
      return Map.of();
    }
    if (!(doc.get() instanceof YamlNode.Mapping m)) {
      s.error(doc.get().location(), s.display(f.get()) + " must be a mapping of variables, not " + doc.get().kind());
      return Map.of();
    }
    s.checkTemplates(m);
    return (Map<String, Object>) m.toPlain();
  }
}
