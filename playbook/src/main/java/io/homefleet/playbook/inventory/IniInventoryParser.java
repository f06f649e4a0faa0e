package io.homefleet.playbook.inventory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Ansible's INI inventory: host lines before any section are ungrouped; {@code [group]},
 * {@code [group:vars]} and {@code [group:children]} sections; inline host vars
 * {@code key=value} read as Python literals, {@code :vars} values as strings.
 */
final class IniInventoryParser {
  private IniInventoryParser() {}

  static void parse(Path file, List<String> lines, Inventory.Builder b) throws InventoryException {
    String group = "ungrouped";
    String kind = "hosts";
    // [a:children] may name groups defined later; check them at the end.
    List<Object[]> childRefs = new ArrayList<>();
    for (int n = 0; n < lines.size(); n++) {
      int lineNo = n + 1;
      String raw = lines.get(n);
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[")) {
        if (!line.endsWith("]")) {
          throw InventoryException.at(file, lineNo, raw.indexOf('[') + 1,
              "section header '" + line + "' has no closing ']' (write [group], [group:vars] or [group:children])");
        }
        String header = line.substring(1, line.length() - 1).strip();
        int colon = header.indexOf(':');
        group = colon < 0 ? header : header.substring(0, colon);
        kind = colon < 0 ? "hosts" : header.substring(colon + 1);
        if (!kind.equals("hosts") && !kind.equals("vars") && !kind.equals("children")) {
          throw InventoryException.at(file, lineNo, raw.indexOf(':') + 2,
              "unknown section type '" + kind + "' in [" + header + "] (use :vars or :children)");
        }
        if (!group.matches("[A-Za-z_][A-Za-z0-9_-]*")) {
          throw InventoryException.at(file, lineNo, raw.indexOf('[') + 2,
              "invalid group name '" + group + "' (letters, digits, '_' and '-', not starting with a digit; "
                  + "Ansible recommends " + Inventory.groupName(group) + ")");
        }
        b.group(group);
        continue;
      }
      switch (kind) {
        case "vars" -> {
          int eq = line.indexOf('=');
          if (eq <= 0) {
            throw InventoryException.at(file, lineNo, 1,
                "expected key=value in [" + group + ":vars], found '" + line + "'");
          }
          b.group(group).vars.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        case "children" -> {
          String child = line.split("\\s+")[0];
          childRefs.add(new Object[] {group, child, lineNo});
        }
        default -> hostLine(file, lineNo, raw, line, group, b);
      }
    }
    for (Object[] ref : childRefs) {
      String parent = (String) ref[0];
      String child = (String) ref[1];
      int lineNo = (Integer) ref[2];
      List<String> cycle = b.cycle(parent, child);
      if (!cycle.isEmpty()) {
        throw InventoryException.at(file, lineNo, 1, "group '" + child + "' cannot be a child of '" + parent
            + "': that makes a cycle (" + String.join(" -> ", cycle) + " -> " + child + ")");
      }
      b.addChild(parent, child);
    }
  }

  private static void hostLine(Path file, int lineNo, String raw, String line, String group, Inventory.Builder b)
      throws InventoryException {
    List<String> tokens;
    try {
      tokens = Shlex.split(line);
    } catch (IllegalArgumentException e) {
      throw InventoryException.at(file, lineNo, 1, e.getMessage());
    }
    String pattern = tokens.get(0);
    List<String> names;
    try {
      names = HostRanges.expand(pattern);
    } catch (IllegalArgumentException e) {
      throw InventoryException.at(file, lineNo, raw.indexOf(pattern) + 1, e.getMessage());
    }
    for (String name : names) {
      b.host(name);
      if (!group.equals("ungrouped")) {
        b.addHost(group, name);
      }
    }
    for (String token : tokens.subList(1, tokens.size())) {
      if (token.startsWith("#")) {
        break;
      }
      int eq = token.indexOf('=');
      if (eq <= 0) {
        throw InventoryException.at(file, lineNo, raw.indexOf(token) + 1, "expected key=value after host '"
            + pattern + "', found '" + token + "' (quote values that contain spaces)");
      }
      Object value = PythonLiteral.parse(token.substring(eq + 1));
      for (String name : names) {
        b.host(name).vars.put(token.substring(0, eq), value);
      }
    }
  }

}
