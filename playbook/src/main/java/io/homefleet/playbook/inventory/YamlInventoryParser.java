package io.homefleet.playbook.inventory;

import io.homefleet.playbook.inventory.LocatedYaml.Node;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ansible's YAML inventory: top-level groups (usually just {@code all}), each a mapping with
 * {@code hosts} (host name, or range, to its vars), {@code vars} and {@code children} (group
 * name to the same structure).
 */
final class YamlInventoryParser {
  private static final Set<String> GROUP_KEYS = Set.of("hosts", "vars", "children");

  private YamlInventoryParser() {}

  static void parse(Path file, Node root, Inventory.Builder b) throws InventoryException {
    if (root == null) {
      return;
    }
    if (!root.isMap()) {
      throw InventoryException.at(file, root.line(), root.column(),
          "an inventory must be a mapping of group names (usually 'all:'), found " + root.typeName());
    }
    for (Map.Entry<String, Node> e : root.map().entrySet()) {
      group(file, e.getKey(), e.getValue(), null, b);
    }
  }

  private static void group(Path file, String name, Node node, String parent, Inventory.Builder b)
      throws InventoryException {
    if (!name.matches("[A-Za-z_][A-Za-z0-9_-]*")) {
      throw InventoryException.at(file, node.line(), node.column(), "invalid group name '" + name
          + "' (letters, digits, '_' and '-', not starting with a digit; for example "
          + Inventory.groupName(name) + ")");
    }
    if (parent != null) {
      List<String> cycle = b.cycle(parent, name);
      if (!cycle.isEmpty()) {
        throw InventoryException.at(file, node.line(), node.column(), "group '" + name
            + "' cannot be a child of '" + parent + "': that makes a cycle ("
            + String.join(" -> ", cycle) + " -> " + name + ")");
      }
      if (!parent.equals("all")) {
        b.addChild(parent, name);
      }
    }
    b.group(name);
    if (node.value() == null) {
      return;
    }
    if (!node.isMap()) {
      throw InventoryException.at(file, node.line(), node.column(), "group '" + name
          + "' must be a mapping with hosts, vars or children, found " + node.typeName());
    }
    for (Map.Entry<String, Node> e : node.map().entrySet()) {
      String key = e.getKey();
      Node value = e.getValue();
      if (!GROUP_KEYS.contains(key)) {
        throw InventoryException.at(file, value.line(), value.column(), "unknown key '" + key + "' in group '"
            + name + "' (a group has hosts, vars and children; host vars go under hosts: HOST:)");
      }
      if (value.value() == null) {
        continue;
      }
      if (!value.isMap()) {
        throw InventoryException.at(file, value.line(), value.column(), "'" + key + "' of group '" + name
            + "' must be a mapping, found " + value.typeName()
            + (key.equals("hosts") ? " (write each host as 'name:' on its own line)" : ""));
      }
      switch (key) {
        case "vars" -> value.map().forEach((k, v) -> b.group(name).vars.put(k, v.plain()));
        case "children" -> {
          for (Map.Entry<String, Node> c : value.map().entrySet()) {
            group(file, c.getKey(), c.getValue(), name, b);
          }
        }
        default -> hosts(file, name, value, b);
      }
    }
  }

  private static void hosts(Path file, String group, Node hosts, Inventory.Builder b) throws InventoryException {
    for (Map.Entry<String, Node> h : hosts.map().entrySet()) {
      Node vars = h.getValue();
      List<String> names;
      try {
        names = HostRanges.expand(h.getKey());
      } catch (IllegalArgumentException e) {
        throw InventoryException.at(file, vars.line(), vars.column(), e.getMessage());
      }
      if (vars.value() != null && !vars.isMap()) {
        throw InventoryException.at(file, vars.line(), vars.column(), "host '" + h.getKey()
            + "' must map to its vars (or nothing), found " + vars.typeName());
      }
      for (String name : names) {
        if (group.equals("all") || group.equals("ungrouped")) {
          b.host(name);
        } else {
          b.addHost(group, name);
        }
        if (vars.value() != null) {
          vars.map().forEach((k, v) -> b.host(name).vars.put(k, v.plain()));
        }
      }
    }
  }
}
