package io.homefleet.playbook.plan;

import java.util.Objects;

/**
 * Which task an event is about.
 *
 * @param id the task's number in the plan
 * @param path its stable path ({@code tasks/2/block/0}, {@code handlers/1})
 * @param name the name to show
 * @param location where it was written
 * @param handler whether it runs as a handler
 */
public record TaskRef(int id, String path, String name, String location, boolean handler) {
  public TaskRef {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(location, "location");
  }
}
