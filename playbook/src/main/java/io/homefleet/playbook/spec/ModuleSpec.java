package io.homefleet.playbook.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the controller knows about a module before anything runs: its short name, the FQCNs it
 * answers to, its arguments, and whether it takes Ansible's free-form string ({@code command: ls
 * -l}). The controller validates every task against it; the agent implements the module.
 *
 * @param name the short name ({@code copy})
 * @param aliases other names ({@code ansible.builtin.copy}, {@code ansible.legacy.copy})
 * @param args the accepted arguments
 * @param freeForm the argument a free-form string fills ({@code _raw_params}), or empty
 * @param runsOnController true for action-only modules that need no agent ({@code debug},
 *     {@code set_fact}, {@code assert}, {@code fail} still run on the agent, which holds the
 *     variables; this is for future use and false for all of them today)
 * @param anyKeys true when the module takes keys of the user's choosing besides {@code args}
 *     ({@code set_fact: {answer: 42}}): a validator must not call those unknown
 */
public record ModuleSpec(String name, List<String> aliases, List<ArgSpec> args, Optional<String> freeForm,
    boolean runsOnController, boolean anyKeys) {

  public ModuleSpec {
    Objects.requireNonNull(name, "name");
    aliases = List.copyOf(aliases);
    args = List.copyOf(args);
    Objects.requireNonNull(freeForm, "freeForm");
  }

  /** A module that takes only the arguments it lists. */
  public ModuleSpec(String name, List<String> aliases, List<ArgSpec> args, Optional<String> freeForm,
      boolean runsOnController) {
    this(name, aliases, args, freeForm, runsOnController, false);
  }

  /** A module with {@code ansible.builtin.NAME} and {@code ansible.legacy.NAME} as aliases. */
  public static ModuleSpec builtin(String name, ArgSpec... args) {
    return new ModuleSpec(name, List.of("ansible.builtin." + name, "ansible.legacy." + name), List.of(args),
        Optional.empty(), false);
  }

  /**
   * A module from a collection ({@code ansible.posix.sysctl}): its short name, the FQCN, and the
   * {@code ansible.builtin}/{@code ansible.legacy} names that ansible-core redirects to it.
   */
  public static ModuleSpec collection(String fqcn, ArgSpec... args) {
    String name = fqcn.substring(fqcn.lastIndexOf('.') + 1);
    return new ModuleSpec(name, List.of(fqcn, "ansible.builtin." + name, "ansible.legacy." + name), List.of(args),
        Optional.empty(), false);
  }

  /**
   * A module of homefleet's own, with no Ansible counterpart ({@code restic_backup}): its short
   * name and {@code homefleet.builtin.NAME}.
   */
  public static ModuleSpec homefleet(String name, ArgSpec... args) {
    return new ModuleSpec(name, List.of("homefleet.builtin." + name), List.of(args), Optional.empty(), false);
  }

  /** Whether this is a module of homefleet's own, which Ansible's documentation does not describe. */
  public boolean homefleetOwn() {
    return !aliases.isEmpty() && aliases.get(0).startsWith("homefleet.");
  }

  /** The collection a module comes from ({@code ansible.posix}), or empty for ansible-core's own. */
  public Optional<String> collection() {
    return aliases.isEmpty() || aliases.get(0).startsWith("ansible.builtin.") ? Optional.empty()
        : Optional.of(aliases.get(0).substring(0, aliases.get(0).lastIndexOf('.')));
  }

  public ModuleSpec withFreeForm(String argName) {
    return new ModuleSpec(name, aliases, args, Optional.of(argName), runsOnController, anyKeys);
  }

  /** The same module, also taking keys of the user's choosing ({@code set_fact}). */
  public ModuleSpec withAnyKeys() {
    return new ModuleSpec(name, aliases, args, freeForm, runsOnController, true);
  }

  /** The same module under more names ({@code ansible.builtin.systemd_service}). */
  public ModuleSpec withAliases(String... more) {
    List<String> all = new java.util.ArrayList<>(aliases);
    all.addAll(List.of(more));
    return new ModuleSpec(name, all, args, freeForm, runsOnController, anyKeys);
  }

  /** Arguments by every name they answer to (their own name and their aliases). */
  public Map<String, ArgSpec> argsByName() {
    Map<String, ArgSpec> byName = new LinkedHashMap<>();
    for (ArgSpec a : args) {
      byName.put(a.name(), a);
      for (String alias : a.aliases()) {
        byName.put(alias, a);
      }
    }
    return byName;
  }
}
