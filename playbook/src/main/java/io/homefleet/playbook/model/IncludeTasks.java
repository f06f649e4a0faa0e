package io.homefleet.playbook.model;

import io.homefleet.playbook.source.Location;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code import_tasks} (static: the tasks are part of the play, the keywords apply to each) or
 * {@code include_tasks} (dynamic: decided per host when reached, may loop).
 *
 * @param location where the include was written
 * @param file the file name as written (may be a template for {@code include_tasks})
 * @param dynamic true for {@code include_tasks}
 * @param keywords the shared keywords
 * @param loop the loop over the include ({@code include_tasks} only)
 * @param tasks the file's tasks, parsed and validated; empty when the name is a template and the
 *     file is only known per host (validated when the plan is compiled)
 * @param bundlePath the file's path in the bundle when resolved
 */
public record IncludeTasks(Location location, String file, boolean dynamic, Keywords keywords, Optional<Loop> loop,
    Optional<List<TaskItem>> tasks, Optional<String> bundlePath) implements TaskItem {

  public IncludeTasks {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(keywords, "keywords");
    Objects.requireNonNull(loop, "loop");
    tasks = tasks.map(List::copyOf);
    Objects.requireNonNull(bundlePath, "bundlePath");
  }
}
