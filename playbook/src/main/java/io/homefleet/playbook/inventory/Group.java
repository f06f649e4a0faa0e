package io.homefleet.playbook.inventory;

import java.util.List;
import java.util.Map;

/**
 * An inventory group as loaded: its own hosts and child groups (not their descendants), the vars
 * the inventory file gives it, and the vars of its {@code group_vars/} files (which take
 * precedence over the inventory file's, as in Ansible).
 */
public record Group(String name, List<String> hosts, List<String> children,
    Map<String, Object> vars, Map<String, Object> fileVars) {
  public Group {
    hosts = List.copyOf(hosts);
    children = List.copyOf(children);
    vars = Inventory.copy(vars);
    fileVars = Inventory.copy(fileVars);
  }
}
