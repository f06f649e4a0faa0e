package io.homefleet.playbook.vars;

import io.homefleet.playbook.inventory.Group;
import io.homefleet.playbook.inventory.Host;
import io.homefleet.playbook.inventory.Inventory;
import io.homefleet.playbook.model.Play;
import io.homefleet.playbook.model.VarsFile;
import io.homefleet.playbook.template.Templar;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The variables one host sees, merged in Ansible's precedence order ({@link Precedence}) with the
 * magic variables added: {@code inventory_hostname}, {@code inventory_hostname_short},
 * {@code group_names}, {@code groups}, {@code hostvars}, {@code play_hosts},
 * {@code ansible_play_hosts}, {@code ansible_play_batch} and {@code omit}.
 *
 * <p>Build one per host and task with {@link #forHost}; the inventory layers are read from the
 * inventory, the others are given. Magic variables cannot be overridden, except that extra vars
 * win over everything as in Ansible.
 */
public final class VarScope {
  private final Inventory inventory;
  private final String host;
  private final EnumMap<Precedence, Map<String, Object>> layers = new EnumMap<>(Precedence.class);
  private List<String> playHosts;
  private List<String> playBatch;
  private Function<String, Map<String, Object>> otherHosts;

  private VarScope(Inventory inventory, String host) {
    this.inventory = inventory;
    this.host = host;
  }

  /** A scope for {@code host}, which must be in the inventory. */
  public static VarScope forHost(Inventory inventory, String host) {
    if (inventory.host(host).isEmpty()) {
      throw new IllegalArgumentException("host '" + host + "' is not in the inventory");
    }
    return new VarScope(inventory, host);
  }

  /**
   * The scope of {@code host} in {@code play}: the inventory's levels, its facts (stored and
   * gathered in the plays before), the play's vars and vars_files, the set_fact and registered
   * results of the plays before, and the extra vars. The play's hosts are the caller's to add.
   */
  public static VarScope forPlay(Inventory inventory, String host, Play play, Map<String, ?> facts,
      Map<String, ?> setFacts, Map<String, ?> extraVars) {
    Map<String, Object> varsFiles = new LinkedHashMap<>();
    for (VarsFile f : play.varsFiles()) {
      f.vars().ifPresent(varsFiles::putAll);
    }
    return forHost(inventory, host).facts(facts).with(Precedence.PLAY_VARS, play.keywords().vars())
        .with(Precedence.VARS_FILES, varsFiles).with(Precedence.SET_FACTS, setFacts)
        .with(Precedence.EXTRA_VARS, extraVars);
  }

  /** Sets one layer (replacing what it held). The inventory layers are read from the inventory unless set here. */
  public VarScope with(Precedence layer, Map<String, ?> vars) {
    layers.put(layer, vars == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(vars)));
    return this;
  }

  /** Gathered facts, as the setup module returns them (keys without the {@code ansible_} prefix). */
  public VarScope facts(Map<String, ?> facts) {
    Map<String, Object> layer = new LinkedHashMap<>();
    Map<String, Object> plain = new LinkedHashMap<>();
    facts.forEach((k, v) -> {
      String bare = k.startsWith("ansible_") ? k.substring("ansible_".length()) : k;
      plain.put(bare, v);
      // Ansible's INJECT_FACTS_AS_VARS: each fact is also a top-level ansible_NAME.
      layer.put("ansible_" + bare, v);
    });
    layer.put("ansible_facts", Collections.unmodifiableMap(plain));
    return with(Precedence.FACTS, layer);
  }

  /** The hosts of the play ({@code ansible_play_hosts}) and of the current serial batch ({@code ansible_play_batch}). */
  public VarScope playHosts(List<String> hosts, List<String> batch) {
    this.playHosts = List.copyOf(hosts);
    this.playBatch = List.copyOf(batch);
    return this;
  }

  /**
   * How to compute another host's variables for {@code hostvars} (for example another
   * {@code VarScope} with that host's facts and registered results). Without it,
   * {@code hostvars} holds each host's inventory-level variables.
   */
  public VarScope hostVars(Function<String, Map<String, Object>> otherHosts) {
    this.otherHosts = otherHosts;
    return this;
  }

  /** The merged variables. */
  public Map<String, Object> build() {
    Map<String, Object> vars = new LinkedHashMap<>();
    Precedence.lowestFirst(layers(), (p, layer) -> vars.putAll(layer));
    return vars;
  }

  /**
   * Every layer that holds something, magic variables included: what a plan carries, so the
   * runner on the host can put the layers it learns there (gathered facts, role and task vars,
   * set_fact) at their places.
   */
  public EnumMap<Precedence, Map<String, Object>> layers() {
    EnumMap<Precedence, Map<String, Object>> out = new EnumMap<>(Precedence.class);
    for (Precedence p : Precedence.values()) {
      Map<String, Object> layer = layer(p);
      if (!layer.isEmpty()) {
        out.put(p, layer);
      }
    }
    return out;
  }

  /** What one layer holds for this host: given, or read from the inventory. */
  public Map<String, Object> layer(Precedence p) {
    if (layers.containsKey(p)) {
      return layers.get(p);
    }
    return switch (p) {
      case INVENTORY_ALL -> inventory.group("all").map(Group::vars).orElse(Map.of());
      case INVENTORY_GROUPS -> merged(groupsExceptAll(), Group::vars);
      case GROUP_VARS_ALL -> inventory.group("all").map(Group::fileVars).orElse(Map.of());
      case GROUP_VARS -> merged(groupsExceptAll(), Group::fileVars);
      case INVENTORY_HOST -> inventory.host(host).map(Host::vars).orElse(Map.of());
      case HOST_VARS -> inventory.host(host).map(Host::fileVars).orElse(Map.of());
      case MAGIC -> magic();
      default -> Map.of();
    };
  }

  private List<Group> groupsExceptAll() {
    return inventory.groupsOf(host).stream().filter(g -> !g.name().equals("all")).toList();
  }

  private static Map<String, Object> merged(List<Group> groups, Function<Group, Map<String, Object>> part) {
    Map<String, Object> out = new LinkedHashMap<>();
    groups.forEach(g -> out.putAll(part.apply(g)));
    return out;
  }

  private Map<String, Object> magic() {
    Map<String, Object> m = new LinkedHashMap<>();
    Host h = inventory.host(host).orElseThrow();
    m.put("inventory_hostname", h.name());
    m.put("inventory_hostname_short", h.shortName());
    m.put("group_names", inventory.groupNamesOf(host));
    m.put("groups", inventory.groupsMap());
    List<String> play = playHosts != null ? playHosts : inventory.hostNames();
    m.put("play_hosts", playBatch != null ? playBatch : play);
    m.put("ansible_play_hosts", play);
    m.put("ansible_play_hosts_all", play);
    m.put("ansible_play_batch", playBatch != null ? playBatch : play);
    m.put("omit", Templar.OMIT);
    Function<String, Map<String, Object>> compute = otherHosts != null ? otherHosts : this::inventoryVarsOf;
    m.put("hostvars", new HostVars(inventory.hostNames(), compute));
    return m;
  }

  /** Another host's variables from the inventory alone (no facts, no play). */
  private Map<String, Object> inventoryVarsOf(String other) {
    VarScope scope = forHost(inventory, other);
    Map<String, Object> out = new LinkedHashMap<>();
    for (Precedence p : List.of(Precedence.INVENTORY_ALL, Precedence.INVENTORY_GROUPS, Precedence.GROUP_VARS_ALL,
        Precedence.GROUP_VARS, Precedence.INVENTORY_HOST, Precedence.HOST_VARS)) {
      out.putAll(scope.layer(p));
    }
    out.put("inventory_hostname", other);
    out.put("inventory_hostname_short", inventory.host(other).orElseThrow().shortName());
    out.put("group_names", inventory.groupNamesOf(other));
    return Collections.unmodifiableMap(out);
  }

}
