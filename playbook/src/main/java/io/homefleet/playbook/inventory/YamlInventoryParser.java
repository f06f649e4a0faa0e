package io.homefleet.playbook.inventory;

import io.homefleet.playbook.source.YamlNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Ansible's YAML inventory: top-level groups (usually just {@code all}), each a mapping with
 * {@code hosts} (host name, or range, to its vars), {@code vars} and {@code children} (group
 * name to the same structure).
 */
final class YamlInventoryParser {
  private static final Set<String> GROUP_KEYS = Set.of("hosts", "vars", "children");

  private YamlInventoryParser() {}

  static void parse(Path file, YamlNode root, Inventory.Builder b) throws InventoryException {
    if (root == null) {
      return;
    }
    if (!(root instanceof YamlNode.Mapping groups)) {
      throw at(file, root, "an inventory must be a mapping of group names (usually 'all:'), found " + typeName(root));
    }
    for (YamlNode.Entry e : groups.entries()) {
      group(file, e.key(), e.value(), null, b);
    }
  }

  static InventoryException at(Path file, YamlNode node, String message) {
    return InventoryException.at(file, node.location().line(), node.location().column(), message);
  }

  static boolean isNull(YamlNode node) {
    return node instanceof YamlNode.Scalar s && s.value() == null;
  }

  static String typeName(YamlNode node) {
    return isNull(node) ? "nothing" : node instanceof YamlNode.Mapping ? "a mapping"
        : node instanceof YamlNode.Sequence ? "a list" : "'" + node.toPlain() + "'";
  }

  private static void group(Path file, String name, YamlNode node, String parent, Inventory.Builder b)
      throws InventoryException {
    if (!name.matches("[A-Za-z_][A-Za-z0-9_-]*")) {
      throw at(file, node, "invalid group name '" + name
          + "' (letters, digits, '_' and '-', not starting with a digit; for example "
          + Inventory.groupName(name) + ")");
    }
    if (parent != null) {
      List<String> cycle = b.cycle(parent, name);
      if (!cycle.isEmpty()) {
        throw at(file, node, "group '" + name
            + "' cannot be a child of '" + parent + "': that makes a cycle ("
            + String.join(" -> ", cycle) + " -> " + name + ")");
      }
      if (!parent.equals("all")) {
        b.addChild(parent, name);
      }
    }
    b.group(name);
    if (isNull(node)) {
      return;
    }
    if (!(node instanceof YamlNode.Mapping keys)) {
      throw at(file, node, "group '" + name + "' must be a mapping with hosts, vars or children, found "
          + typeName(node));
    }
    for (YamlNode.Entry e : keys.entries()) {
      String key = e.key();
      YamlNode value = e.value();
      if (!GROUP_KEYS.contains(key)) {
        throw at(file, value, "unknown key '" + key + "' in group '"
            + name + "' (a group has hosts, vars and children; host vars go under hosts: HOST:)");
      }
      if (isNull(value)) {
        continue;
      }
      if (!(value instanceof YamlNode.Mapping m)) {
        throw at(file, value, "'" + key + "' of group '" + name
            + "' must be a mapping, found " + typeName(value)
            + (key.equals("hosts") ? " (write each host as 'name:' on its own line)" : ""));
      }
      switch (key) {
        case "vars" -> m.entries().forEach(v -> b.group(name).vars.put(v.key(), v.value().toPlain()));
        case "children" -> {
          for (YamlNode.Entry c : m.entries()) {
            group(file, c.key(), c.value(), name, b);
          }
        }
        default -> hosts(file, name, m, b);
      }
    }
  }

  private static void hosts(Path file, String group, YamlNode.Mapping hosts, Inventory.Builder b)
      throws InventoryException {
    for (YamlNode.Entry h : hosts.entries()) {
      YamlNode vars = h.value();
      List<String> names;
      try {
        names = HostRanges.expand(h.key());
      } catch (IllegalArgumentException e) {
        throw at(file, vars, e.getMessage());
      }
      if (!isNull(vars) && !(vars instanceof YamlNode.Mapping)) {
        throw at(file, vars, "host '" + h.key() + "' must map to its vars (or nothing), found " + typeName(vars));
      }
      for (String name : names) {
        if (group.equals("all") || group.equals("ungrouped")) {
          b.host(name);
        } else {
          b.addHost(group, name);
        }
        if (vars instanceof YamlNode.Mapping m) {
          m.entries().forEach(v -> b.host(name).vars.put(v.key(), v.value().toPlain()));
        }
      }
    }
  }
}
