package io.homefleet.playbook.template;

import com.hubspot.jinjava.util.HasObjectTruthValue;

/**
 * What an undefined name or a missing key evaluates to, like Jinja2's {@code StrictUndefined}:
 * {@code is defined}, {@code default} and {@code mandatory} look at it; anything else that uses
 * it (printing, concatenating, comparing, branching on it) fails with the name.
 */
final class Undefined implements HasObjectTruthValue {
  private final String name;
  private final String message;

  Undefined(String name) {
    this(name, "'" + name + "' is undefined");
  }

  Undefined(String name, String message) {
    this.name = name;
    this.message = message;
  }

  /** A key a mapping does not have: Ansible's "'dict object' has no attribute 'key'". */
  static Undefined missingKey(Object key) {
    return new Undefined(String.valueOf(key), "'dict object' has no attribute '" + key + "'");
  }

  String name() {
    return name;
  }

  /** The error any use of this value raises. */
  UndefinedVariableException error() {
    return new UndefinedVariableException(message);
  }

  /** An attribute of an undefined value is undefined for the same reason. */
  Undefined child(Object property) {
    return this;
  }

  @Override
  public boolean getObjectTruthValue() {
    throw error();
  }

  @Override
  public String toString() {
    throw error();
  }

  /** Thrown from inside the engine; Templar turns it into a {@link TemplateException}. */
  static final class UndefinedVariableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UndefinedVariableException(String message) {
      super(message);
    }
  }
}
