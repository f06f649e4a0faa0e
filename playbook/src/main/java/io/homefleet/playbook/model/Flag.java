package io.homefleet.playbook.model;

import java.util.Objects;

/**
 * A yes/no keyword ({@code ignore_errors}, {@code check_mode}, {@code diff}, {@code no_log}): a
 * fixed value, or a template decided per host at run time, as Ansible allows.
 */
public sealed interface Flag permits Flag.Fixed, Flag.Templated {

  Flag TRUE = new Fixed(true);
  Flag FALSE = new Fixed(false);

  /** A value written as a YAML boolean (or yes/no/true/false as a string). */
  record Fixed(boolean value) implements Flag {}

  /** A template ({@code "{{ strict | bool }}"}) evaluated per host. */
  record Templated(String template) implements Flag {
    public Templated {
      Objects.requireNonNull(template, "template");
    }
  }
}
