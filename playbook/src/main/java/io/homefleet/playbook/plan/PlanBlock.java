package io.homefleet.playbook.plan;

import java.util.List;
import java.util.Objects;

/**
 * {@code block}/{@code rescue}/{@code always}. The block's keywords are already in each task
 * inside; this keeps only the structure the runner needs to rescue and clean up.
 *
 * @param id a number unique in the plan
 * @param path a stable name for its place in the play
 * @param name the block's name, empty when it has none
 * @param location where it was written
 * @param block the tasks
 * @param rescue run when a task of {@code block} fails
 * @param always run afterwards in any case
 */
public record PlanBlock(int id, String path, String name, String location, List<PlanItem> block,
    List<PlanItem> rescue, List<PlanItem> always) implements PlanItem {

  public PlanBlock {
    Objects.requireNonNull(path, "path");
    name = name == null ? "" : name;
    Objects.requireNonNull(location, "location");
    block = block == null ? List.of() : List.copyOf(block);
    rescue = rescue == null ? List.of() : List.copyOf(rescue);
    always = always == null ? List.of() : List.copyOf(always);
  }
}
