package io.homefleet.playbook.plan;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What a plan's task list holds: tasks, blocks, and dynamic includes. Static imports are already
 * expanded in place, and every keyword a task inherits (from its blocks, role, imports and the
 * play) is already folded into the task, so the runner walks this tree without looking upwards.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "k")
@JsonSubTypes({
    @JsonSubTypes.Type(value = PlanTask.class, name = "task"),
    @JsonSubTypes.Type(value = PlanBlock.class, name = "block"),
    @JsonSubTypes.Type(value = PlanInclude.class, name = "include")})
public sealed interface PlanItem permits PlanTask, PlanBlock, PlanInclude {

  /** A number unique in the plan, assigned depth-first in the order the play lists things. */
  int id();

  /**
   * A stable name for the item's place in the play ({@code tasks/2/rescue/0},
   * {@code roles/common/3}, {@code handlers/1}): unchanged when tasks elsewhere are added.
   */
  String path();

  /** The name to show ({@code common : Install packages}, else the module's name). */
  String name();

  /** Where it was written, as {@code file:line:column}. */
  String location();
}
