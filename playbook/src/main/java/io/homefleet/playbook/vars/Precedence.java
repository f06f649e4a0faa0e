package io.homefleet.playbook.vars;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Where a variable comes from, lowest precedence first: Ansible's documented order
 * ("Understanding variable precedence", 22 levels; {@link #ansibleLevel()} is the number there),
 * plus the magic variables. A later level replaces a whole top-level variable of an earlier one
 * (Ansible's default {@code hash_behaviour=replace}). This order is the one place that decides:
 * the controller ({@link VarScope}) and the runner on the host both merge by it.
 *
 * <p>Levels homefleet does not fill are kept so the order reads as Ansible's: {@link
 * #COMMAND_LINE} (connection options such as {@code -u} are not variables here), {@link
 * #PLAYBOOK_GROUP_VARS_ALL}, {@link #PLAYBOOK_GROUP_VARS} and {@link #PLAYBOOK_HOST_VARS}
 * (group_vars/host_vars beside the playbook are not read), {@link #VARS_PROMPT} (plays run
 * unattended); {@link #INCLUDE_VARS} is filled on the host, during the play.
 */
public enum Precedence {
  /** 1: command line values such as {@code -u}; not variables in homefleet. */
  COMMAND_LINE(1),
  /** 2: roles/x/defaults/main.yml. */
  ROLE_DEFAULTS(2),
  /** 3: the inventory file's vars for {@code all}. */
  INVENTORY_ALL(3),
  /** 3: the inventory file's vars for the host's other groups, parents before children, then by name. */
  INVENTORY_GROUPS(3),
  /** 4: group_vars/all next to the inventory. */
  GROUP_VARS_ALL(4),
  /** 5: group_vars/all next to the playbook; not read. */
  PLAYBOOK_GROUP_VARS_ALL(5),
  /** 6: group_vars/GROUP next to the inventory, in the same group order. */
  GROUP_VARS(6),
  /** 7: group_vars/GROUP next to the playbook; not read. */
  PLAYBOOK_GROUP_VARS(7),
  /** 8: vars on the host's line (or mapping) in the inventory file. */
  INVENTORY_HOST(8),
  /** 9: host_vars/HOST next to the inventory. */
  HOST_VARS(9),
  /** 10: host_vars/HOST next to the playbook; not read. */
  PLAYBOOK_HOST_VARS(10),
  /** 11: facts, stored and gathered: {@code ansible_facts} and each fact as {@code ansible_NAME}. */
  FACTS(11),
  /** 12: the play's {@code vars:}. */
  PLAY_VARS(12),
  /** 13: the play's {@code vars_prompt:}; refused. */
  VARS_PROMPT(13),
  /** 14: the play's {@code vars_files:}. */
  VARS_FILES(14),
  /** 15: roles/x/vars/main.yml. */
  ROLE_VARS(15),
  /** 16: a block's {@code vars:}. */
  BLOCK_VARS(16),
  /** 17: a task's {@code vars:}. */
  TASK_VARS(17),
  /** 18: {@code include_vars}: what it read, set on the host during the play (RunVars). */
  INCLUDE_VARS(18),
  /** 19: {@code set_fact} and {@code register} results, of this play and the plays before. */
  SET_FACTS(19),
  /** 20: a role's parameters ({@code roles: [{role: x, a: 1}]}, include_role's vars). */
  ROLE_PARAMS(20),
  /** 21: an include's parameters ({@code include_tasks} with {@code vars:}, its loop variables). */
  INCLUDE_PARAMS(21),
  /**
   * The magic variables ({@code inventory_hostname}, {@code groups}, {@code hostvars}, ...): not
   * a level of Ansible's list, whose magic variables nothing but extra vars overrides.
   */
  MAGIC(0),
  /** 22: {@code -e} on the command line: always wins. */
  EXTRA_VARS(22);

  private final int ansibleLevel;

  Precedence(int ansibleLevel) {
    this.ansibleLevel = ansibleLevel;
  }

  /** The level's number in Ansible's list (1 lowest, 22 highest); 0 for {@link #MAGIC}. */
  public int ansibleLevel() {
    return ansibleLevel;
  }

  /** Each layer {@code layers} has, lowest precedence first: the merge order both sides use. */
  public static <V> void lowestFirst(Map<Precedence, V> layers, BiConsumer<Precedence, V> each) {
    if (layers.isEmpty()) {
      return;
    }
    EnumMap<Precedence, V> ordered = layers instanceof EnumMap<Precedence, V> e ? e : new EnumMap<>(layers);
    ordered.forEach(each);
  }
}
