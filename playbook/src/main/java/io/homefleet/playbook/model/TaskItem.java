package io.homefleet.playbook.model;

import io.homefleet.playbook.source.Location;

/** What a task list holds: tasks, blocks, and task-file and role includes. */
public sealed interface TaskItem permits Task, Block, IncludeTasks, IncludeRole {

  /** Where the item was written. */
  Location location();

  /** Its keywords ({@code when}, {@code tags}, {@code vars}, ...). */
  Keywords keywords();
}
