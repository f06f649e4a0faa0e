package io.homefleet.playbook.model;

import java.util.List;
import java.util.Objects;

/**
 * A playbook: its plays in the order they run, {@code import_playbook} already expanded in place.
 *
 * @param file the playbook's display path
 * @param plays the plays
 */
public record Playbook(String file, List<Play> plays) {
  public Playbook {
    Objects.requireNonNull(file, "file");
    plays = List.copyOf(plays);
  }
}
