package io.homefleet.playbook.inventory;

import java.util.Map;

/**
 * An inventory host: the vars the inventory file gives it inline, and those of its
 * {@code host_vars/} files (which take precedence, as in Ansible).
 */
public record Host(String name, Map<String, Object> vars, Map<String, Object> fileVars) {
  public Host {
    vars = Inventory.copy(vars);
    fileVars = Inventory.copy(fileVars);
  }

  /** The name up to the first dot, Ansible's {@code inventory_hostname_short}. */
  public String shortName() {
    int dot = name.indexOf('.');
    return dot < 0 ? name : name.substring(0, dot);
  }
}
