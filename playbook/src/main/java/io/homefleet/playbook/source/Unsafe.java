package io.homefleet.playbook.source;

import java.util.Objects;

/**
 * A string the playbook tagged {@code !unsafe}: it must never be templated. It stays this type in
 * vars and module arguments so that {@code Templar.template} passes it through untouched (it
 * renders only strings, maps and lists); whatever hands a value to a module unwraps it with
 * {@link #text()}.
 *
 * @param text the string exactly as written
 */
public record Unsafe(String text) {

  public Unsafe {
    Objects.requireNonNull(text, "text");
  }

  @Override
  public String toString() {
    return text;
  }
}
