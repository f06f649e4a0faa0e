package io.homefleet.controller.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.homefleet.pki.SecureFiles;
import io.homefleet.playbook.inventory.Inventory;
import io.homefleet.playbook.inventory.InventoryException;
import io.homefleet.playbook.parse.LoadedPlaybook;
import io.homefleet.playbook.parse.PlaybookException;
import io.homefleet.playbook.parse.PlaybookLoader;
import io.homefleet.playbook.source.Diagnostic;
import io.homefleet.playbook.spec.ModuleSpecs;
import io.homefleet.playbook.vault.Vault;
import io.homefleet.playbook.vault.VaultException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A version's files written out as a directory, which is what the playbook loader and the play
 * coordinator read: the state's own files, plus one generated one-task playbook per task
 * schedule under {@code .homefleet/}. Validation happens on a checkout, so what is validated is
 * byte for byte what later runs.
 */
public record StateCheckout(Path dir, StateConfig config, List<String> warnings) {
  static final String GENERATED = ".homefleet";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  public StateCheckout {
    warnings = List.copyOf(warnings);
  }

  /** The playbook a schedule runs. */
  /**
   * The state directory's {@code roles/}, on the roles path of every playbook of the state: a
   * schedule's playbook in maintenance/ finds the same roles site.yml does (as an ansible.cfg with
   * {@code roles_path = roles} would make it for ansible-playbook).
   */
  public List<Path> rolesPath() {
    return rolesPath(dir);
  }

  static List<Path> rolesPath(Path dir) {
    return Files.isDirectory(dir.resolve("roles")) ? List.of(dir.resolve("roles")) : List.of();
  }

  public Path playbookOf(StateConfig.Schedule s) {
    if (s.action() instanceof StateConfig.RunPlaybook p) {
      return dir.resolve(p.path());
    }
    return dir.resolve(GENERATED).resolve("schedule-" + s.name() + ".yml");
  }

  public Path site() {
    return dir.resolve(config.site());
  }

  public Optional<Path> inventory() {
    return config.inventory().map(dir::resolve);
  }

  /**
   * Writes {@code tree} into {@code dir} (which must not exist) and validates it whole: {@code
   * homefleet.yml}, the site playbook with everything it imports, the inventory and every schedule.
   *
   * @throws InvalidStateException with every error found; {@code dir} is removed then
   */
  public static StateCheckout create(Path where, StateTree tree) throws InvalidStateException, IOException {
    return create(where, tree, VaultKeys.NONE);
  }

  /** As {@link #create(Path, StateTree)}, decrypting vault data with {@code keys}. */
  public static StateCheckout create(Path where, StateTree tree, VaultKeys keys) throws InvalidStateException,
      IOException {
    Path dir = where.toAbsolutePath().normalize();
    Files.createDirectories(dir.getParent());
    Files.createDirectory(dir);
    boolean ok = false;
    try {
      for (Map.Entry<String, byte[]> f : tree.files().entrySet()) {
        Path p = dir.resolve(f.getKey()).normalize();
        if (!p.startsWith(dir)) {
          throw new IllegalArgumentException("'" + f.getKey() + "' leaves the state directory");
        }
        Files.createDirectories(p.getParent());
        Files.write(p, f.getValue());
      }
      StateCheckout c = validate(dir, tree, keys);
      ok = true;
      return c;
    } finally {
      if (!ok) {
        SecureFiles.deleteTree(dir);
      }
    }
  }

  private static StateCheckout validate(Path dir, StateTree tree, VaultKeys keys) throws InvalidStateException,
      IOException {
    Vault vault;
    try {
      vault = new Vault(keys.secrets());
    } catch (VaultException e) {
      throw new InvalidStateException(List.of("controller.yaml: " + e.getMessage()));
    }
    List<Diagnostic> errors = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    byte[] yml = tree.files().get(StateConfig.FILE);
    boolean invDir = tree.files().keySet().stream().anyMatch(p -> p.startsWith("inventory/"));
    StateConfig config = yml == null ? StateConfig.defaults(invDir)
        : StateConfig.parse(new String(yml, StandardCharsets.UTF_8), invDir, errors);
    if (yml == null) {
      warnings.add(StateConfig.FILE + ": not found; using the defaults (site.yml, inventory/, enforce every 30m)");
    }
    PlaybookLoader loader = new PlaybookLoader(dir, rolesPath(dir), vault);
    load(loader, dir, config.site(), "site", errors, warnings);
    if (config.inventory().isPresent()) {
      try {
        Inventory.load(dir.resolve(config.inventory().get()), vault);
      } catch (InventoryException e) {
        errors.add(Diagnostic.error(io.homefleet.playbook.source.Location.of(config.inventory().get()),
            "inventory: " + e.getMessage().replace(dir + "/", "")));
      }
    }
    Path generated = dir.resolve(GENERATED);
    for (StateConfig.Schedule s : config.schedules()) {
      String what = "schedule '" + s.name() + "'";
      if (s.action() instanceof StateConfig.RunPlaybook p) {
        if (!StateTree.safe(p.path())) {
          errors.add(Diagnostic.error(s.location(), what + ": playbook '" + p.path() + "' must be a path inside "
              + "the state directory"));
        } else {
          int before = errors.size();
          load(loader, dir, p.path(), what, errors, warnings);
          for (int i = before; i < errors.size(); i++) {
            Diagnostic d = errors.get(i);
            errors.set(i, Diagnostic.error(d.location(), what + " (" + s.location() + "): " + d.message()));
          }
        }
      } else if (s.action() instanceof StateConfig.RunTask t) {
        if (ModuleSpecs.find(t.module()).isEmpty()) {
          errors.add(Diagnostic.error(s.location(), what + ": task: unknown module '" + t.module() + "' (the "
              + "modules are listed in docs/modules.md)"));
          continue;
        }
        Files.createDirectories(generated);
        Path pb = generated.resolve("schedule-" + s.name() + ".yml");
        Files.writeString(pb, YAML.writeValueAsString(taskPlaybook(s, t)));
        try {
          new PlaybookLoader(dir, rolesPath(dir), vault).load(pb);
        } catch (PlaybookException e) {
          for (Diagnostic d : e.errors()) {
            errors.add(Diagnostic.error(s.location(), what + ": task: " + d.message()));
          }
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidStateException(errors.stream().map(Diagnostic::toString).toList());
    }
    return new StateCheckout(dir, config, warnings);
  }

  private static void load(PlaybookLoader loader, Path dir, String path, String what, List<Diagnostic> errors,
      List<String> warnings) {
    try {
      LoadedPlaybook lp = loader.load(dir.resolve(path));
      lp.warnings().forEach(w -> warnings.add(w.toString()));
    } catch (PlaybookException e) {
      errors.addAll(e.errors());
    }
  }

  /** A one-play playbook that runs a schedule's task on its group, without fact gathering. */
  static List<Map<String, Object>> taskPlaybook(StateConfig.Schedule s, StateConfig.RunTask t) {
    Map<String, Object> task = new LinkedHashMap<>();
    task.put("name", s.name());
    Object raw = t.args().get("_raw_params");
    task.put(t.module(), raw != null && t.args().size() == 1 ? raw : t.args());
    Map<String, Object> play = new LinkedHashMap<>();
    play.put("name", "schedule " + s.name());
    play.put("hosts", s.group());
    play.put("gather_facts", false);
    play.put("tasks", List.of(task));
    return List.of(play);
  }

  /**
   * An existing checkout of a stored version (after a restart): the files are there, so this only
   * rebuilds the generated playbooks and reads the configuration again.
   */
  public static StateCheckout reopen(Path dir, StateTree tree, VaultKeys keys) throws InvalidStateException,
      IOException {
    return validate(dir, tree, keys);
  }
}
