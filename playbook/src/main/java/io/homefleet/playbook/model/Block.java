package io.homefleet.playbook.model;

import io.homefleet.playbook.source.Location;
import java.util.List;
import java.util.Objects;

/**
 * {@code block}/{@code rescue}/{@code always}: the rescue tasks run when a block task fails, the
 * always tasks run either way. The block's keywords apply to every task inside.
 *
 * @param name the block's name, empty when it has none
 * @param location where the block starts
 * @param block the tasks
 * @param rescue the tasks run when one of {@code block} fails
 * @param always the tasks run afterwards in any case
 * @param keywords the shared keywords, inherited by the tasks
 */
public record Block(String name, Location location, List<TaskItem> block, List<TaskItem> rescue,
    List<TaskItem> always, Keywords keywords) implements TaskItem {

  public Block {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(location, "location");
    block = List.copyOf(block);
    rescue = List.copyOf(rescue);
    always = List.copyOf(always);
    Objects.requireNonNull(keywords, "keywords");
  }
}
