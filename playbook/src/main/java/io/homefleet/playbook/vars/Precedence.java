package io.homefleet.playbook.vars;

/**
 * The sources of variables we have, lowest precedence first: Ansible's documented order
 * ("Understanding variable precedence"), cut to what homefleet reads. A later source replaces a
 * whole top-level variable of an earlier one (Ansible's default {@code hash_behaviour=replace}).
 */
public enum Precedence {
  /** roles/x/defaults/main.yml. */
  ROLE_DEFAULTS,
  /** The inventory file's vars for {@code all}. */
  INVENTORY_ALL,
  /** The inventory file's vars for the host's other groups, parents before children, then by name. */
  INVENTORY_GROUPS,
  /** group_vars/all next to the inventory. */
  GROUP_VARS_ALL,
  /** group_vars/GROUP next to the inventory, in the same group order. */
  GROUP_VARS,
  /** Vars on the host's line (or mapping) in the inventory file. */
  INVENTORY_HOST,
  /** host_vars/HOST next to the inventory. */
  HOST_VARS,
  /** Gathered facts: {@code ansible_facts} and each fact as {@code ansible_NAME}. */
  FACTS,
  /** The play's {@code vars:}. */
  PLAY_VARS,
  /** The play's {@code vars_files:}. */
  VARS_FILES,
  /** roles/x/vars/main.yml. */
  ROLE_VARS,
  /** A block's {@code vars:}. */
  BLOCK_VARS,
  /** A task's {@code vars:}. */
  TASK_VARS,
  /** {@code set_fact} and {@code register} results. */
  SET_FACTS,
  /** {@code -e} on the command line: always wins. */
  EXTRA_VARS
}
