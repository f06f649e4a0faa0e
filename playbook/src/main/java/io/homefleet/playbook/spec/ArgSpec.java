package io.homefleet.playbook.spec;

import java.util.List;
import java.util.Objects;

/**
 * One argument of a module as Ansible documents it: its name, type, whether it is required, the
 * values it accepts and the other names it answers to.
 *
 * @param name the argument's name ({@code path})
 * @param type its type, as Ansible's argument spec names it
 * @param required whether a task must give it
 * @param choices the values it accepts; empty for any
 * @param aliases other names for it ({@code dest}, {@code name} for {@code path})
 */
public record ArgSpec(String name, Type type, boolean required, List<String> choices, List<String> aliases) {

  /** Ansible's argument types that homefleet modules use. */
  public enum Type { STR, BOOL, INT, FLOAT, LIST, DICT, PATH, RAW }

  public ArgSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    choices = List.copyOf(choices);
    aliases = List.copyOf(aliases);
  }

  public static ArgSpec of(String name, Type type) {
    return new ArgSpec(name, type, false, List.of(), List.of());
  }

  public ArgSpec mandatory() {
    return new ArgSpec(name, type, true, choices, aliases);
  }

  public ArgSpec choices(String... values) {
    return new ArgSpec(name, type, required, List.of(values), aliases);
  }

  public ArgSpec aliases(String... names) {
    return new ArgSpec(name, type, required, choices, List.of(names));
  }
}
