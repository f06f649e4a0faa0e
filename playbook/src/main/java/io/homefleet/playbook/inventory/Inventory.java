package io.homefleet.playbook.inventory;

import io.homefleet.playbook.vault.Vault;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Hosts, groups and their vars: Ansible's inventory model. Immutable; load one with
 * {@link #load(Path)} (YAML or INI, with {@code group_vars/} and {@code host_vars/} beside it) or
 * start from {@link #empty()}, and let enrolled agents join with {@link #withEnrolled}.
 *
 * <p>The implicit groups {@code all} (every host) and {@code ungrouped} (hosts in no other
 * group) always exist, and so do the lab's groups {@link #LAB_GROUPS}, empty or not. Every other
 * group is a child of {@code all}.
 */
public final class Inventory {
  /** The lab's roles: each is a group whether or not any host has it. */
  public static final List<String> LAB_GROUPS =
      List.of("prod", "dev", "sandbox", "services", "batch", "workstation");

  private final Map<String, Group> groups;
  private final Map<String, Host> hosts;

  private Inventory(Map<String, Group> groups, Map<String, Host> hosts) {
    this.groups = groups;
    this.hosts = hosts;
  }

  /** An inventory with no hosts: just {@code all}, {@code ungrouped} and the lab's groups. */
  public static Inventory empty() {
    return new Builder().build();
  }

  /**
   * Loads an inventory file (YAML or INI, told apart by content) or a directory of them, with the
   * {@code group_vars/} and {@code host_vars/} directories next to it.
   */
  public static Inventory load(Path path) throws InventoryException {
    return InventoryLoader.load(path, Vault.none());
  }

  /** As {@link #load(Path)}, decrypting vault-encrypted vars files and {@code !vault} values with {@code vault}. */
  public static Inventory load(Path path, Vault vault) throws InventoryException {
    return InventoryLoader.load(path, vault);
  }

  /**
   * This inventory with the enrolled agents added: each host joins the group named after its role
   * and a group {@code key_value} per label (names made valid as Ansible does: every character
   * other than a letter, digit or underscore becomes an underscore). Hosts already in the
   * inventory keep their vars and groups and gain these.
   */
  public Inventory withEnrolled(Collection<EnrolledHost> enrolled) {
    Builder b = toBuilder();
    for (EnrolledHost h : enrolled) {
      b.host(h.name());
      if (h.role() != null && !h.role().isBlank()) {
        b.addHost(groupName(h.role()), h.name());
      }
      h.labels().entrySet().stream().sorted(Map.Entry.comparingByKey())
          .forEach(e -> b.addHost(groupName(e.getKey() + "_" + e.getValue()), h.name()));
    }
    return b.build();
  }

  /** A group name as Ansible would accept it: characters other than [A-Za-z0-9_] become '_'. */
  public static String groupName(String raw) {
    String name = raw.trim().replaceAll("[^A-Za-z0-9_]", "_");
    if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
      name = "_" + name;
    }
    return name;
  }

  /** Every host, in the order the inventory first names them. */
  public List<String> hostNames() {
    return List.copyOf(hosts.keySet());
  }

  public Optional<Host> host(String name) {
    return Optional.ofNullable(hosts.get(name));
  }

  public Optional<Group> group(String name) {
    if (name.equals("ungrouped")) {
      return Optional.of(new Group("ungrouped", ungrouped(), List.of(), groups.get("ungrouped").vars(),
          groups.get("ungrouped").fileVars()));
    }
    return Optional.ofNullable(groups.get(name));
  }

  /** Every group name, {@code all} and {@code ungrouped} included, in the order they were defined. */
  public List<String> groupNames() {
    return List.copyOf(groups.keySet());
  }

  /** All hosts of a group and of its descendants, in inventory order; empty for an unknown group. */
  public List<String> hostsOf(String group) {
    if (group.equals("all")) {
      return hostNames();
    }
    if (group.equals("ungrouped")) {
      return ungrouped();
    }
    Set<String> members = new LinkedHashSet<>();
    collect(group, members, new LinkedHashSet<>());
    return hosts.keySet().stream().filter(members::contains).toList();
  }

  private void collect(String group, Set<String> members, Set<String> seen) {
    Group g = groups.get(group);
    if (g == null || !seen.add(group)) {
      return;
    }
    members.addAll(g.hosts());
    for (String child : g.children()) {
      collect(child, members, seen);
    }
  }

  private List<String> ungrouped() {
    Set<String> grouped = new LinkedHashSet<>();
    for (Group g : groups.values()) {
      if (!g.name().equals("all") && !g.name().equals("ungrouped")) {
        grouped.addAll(g.hosts());
      }
    }
    List<String> out = new ArrayList<>();
    for (String h : hosts.keySet()) {
      if (!grouped.contains(h)) {
        out.add(h);
      }
    }
    return out;
  }

  /**
   * The groups a host belongs to, directly or through a child group, {@code all} first and then in
   * Ansible's order for vars: by depth (parents before children), then by name.
   */
  public List<Group> groupsOf(String host) {
    Map<String, Integer> depth = depths();
    List<Group> out = new ArrayList<>();
    for (String name : groups.keySet()) {
      if (hostsOf(name).contains(host)) {
        out.add(group(name).orElseThrow());
      }
    }
    out.sort(Comparator.<Group>comparingInt(g -> depth.getOrDefault(g.name(), 1)).thenComparing(Group::name));
    return out;
  }

  /** Ansible's {@code group_names}: the host's groups except {@code all}, sorted. */
  public List<String> groupNamesOf(String host) {
    return groupsOf(host).stream().map(Group::name).filter(n -> !n.equals("all")).sorted().toList();
  }

  /** Ansible's {@code groups}: every group with its hosts, {@code all} and {@code ungrouped} included. */
  public Map<String, List<String>> groupsMap() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String g : groups.keySet()) {
      out.put(g, hostsOf(g));
    }
    return Collections.unmodifiableMap(out);
  }

  /** Depth of every group below {@code all} (the longest path), as Ansible sorts groups for vars. */
  private Map<String, Integer> depths() {
    Map<String, Integer> depth = new HashMap<>();
    depth.put("all", 0);
    for (String g : groups.keySet()) {
      if (!g.equals("all")) {
        depth.putIfAbsent(g, 1);
      }
    }
    // Relax parent -> child edges; a cycle is refused when loading, so this ends.
    boolean changed = true;
    for (int round = 0; changed && round <= groups.size(); round++) {
      changed = false;
      for (Group g : groups.values()) {
        if (g.name().equals("all")) {
          continue;
        }
        for (String child : g.children()) {
          int d = depth.getOrDefault(g.name(), 1) + 1;
          if (depth.getOrDefault(child, 1) < d) {
            depth.put(child, d);
            changed = true;
          }
        }
      }
    }
    return depth;
  }

  Builder toBuilder() {
    Builder b = new Builder();
    groups.forEach((name, g) -> b.groups.put(name, new Builder.MutableGroup(g)));
    hosts.forEach((name, h) -> b.hosts.put(name, new Builder.MutableHost(h)));
    return b;
  }

  static Map<String, Object> copy(Map<String, Object> m) {
    return m == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
  }

  /** Collects groups and hosts while a parser reads; {@link #build} adds the implicit groups. */
  static final class Builder {
    final Map<String, MutableGroup> groups = new LinkedHashMap<>();
    final Map<String, MutableHost> hosts = new LinkedHashMap<>();

    Builder() {
      group("all");
      group("ungrouped");
      LAB_GROUPS.forEach(this::group);
    }

    MutableGroup group(String name) {
      return groups.computeIfAbsent(name, MutableGroup::new);
    }

    MutableHost host(String name) {
      return hosts.computeIfAbsent(name, MutableHost::new);
    }

    void addHost(String group, String host) {
      host(host);
      MutableGroup g = group(group);
      if (!g.hosts.contains(host)) {
        g.hosts.add(host);
      }
    }

    void addChild(String parent, String child) {
      group(child);
      MutableGroup g = group(parent);
      if (!g.children.contains(child)) {
        g.children.add(child);
      }
    }

    /** The parent chain that would close a cycle if {@code child} became a child of {@code parent}, or empty. */
    List<String> cycle(String parent, String child) {
      List<String> path = new ArrayList<>();
      return reaches(child, parent, path, new LinkedHashSet<>()) ? path : List.of();
    }

    private boolean reaches(String from, String to, List<String> path, Set<String> seen) {
      path.add(from);
      if (from.equals(to)) {
        return true;
      }
      if (seen.add(from) && groups.containsKey(from)) {
        for (String c : groups.get(from).children) {
          if (reaches(c, to, path, seen)) {
            return true;
          }
        }
      }
      path.remove(path.size() - 1);
      return false;
    }

    Inventory build() {
      Map<String, Group> g = new LinkedHashMap<>();
      MutableGroup all = groups.get("all");
      for (MutableGroup m : groups.values()) {
        // Every group is a child of 'all', as in Ansible.
        if (!m.name.equals("all") && !m.name.equals("ungrouped") && !all.children.contains(m.name)) {
          boolean hasParent = groups.values().stream().anyMatch(p -> p.children.contains(m.name) && !p.name.equals("all"));
          if (!hasParent) {
            all.children.add(m.name);
          }
        }
      }
      groups.forEach((name, m) -> g.put(name, m.freeze()));
      Map<String, Host> h = new LinkedHashMap<>();
      hosts.forEach((name, m) -> h.put(name, m.freeze()));
      return new Inventory(Collections.unmodifiableMap(g), Collections.unmodifiableMap(h));
    }

    static final class MutableGroup {
      final String name;
      final List<String> hosts = new ArrayList<>();
      final List<String> children = new ArrayList<>();
      final Map<String, Object> vars = new LinkedHashMap<>();
      final Map<String, Object> fileVars = new LinkedHashMap<>();

      MutableGroup(String name) {
        this.name = name;
      }

      MutableGroup(Group g) {
        this(g.name());
        hosts.addAll(g.hosts());
        children.addAll(g.children());
        vars.putAll(g.vars());
        fileVars.putAll(g.fileVars());
      }

      Group freeze() {
        return new Group(name, hosts, children, vars, fileVars);
      }
    }

    static final class MutableHost {
      final String name;
      final Map<String, Object> vars = new LinkedHashMap<>();
      final Map<String, Object> fileVars = new LinkedHashMap<>();

      MutableHost(String name) {
        this.name = name;
      }

      MutableHost(Host h) {
        this(h.name());
        vars.putAll(h.vars());
        fileVars.putAll(h.fileVars());
      }

      Host freeze() {
        return new Host(name, vars, fileVars);
      }
    }
  }

  @Override
  public String toString() {
    return "Inventory[" + hosts.size() + " hosts, " + groups.size() + " groups]";
  }

}
