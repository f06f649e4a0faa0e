package io.homefleet.playbook.model;

import io.homefleet.playbook.source.Location;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One play: which hosts, what to run on them and how. Host-independent: the host pattern, vars
 * and templates are as written, so a later step can compile one plan per host from it.
 *
 * @param name the play's name, empty when it has none
 * @param location where the play starts
 * @param hosts the host pattern ({@code all}, {@code web:&prod}; a list is joined with commas)
 * @param keywords the shared keywords ({@code when} is always empty for a play)
 * @param varsFiles {@code vars_files}
 * @param gatherFacts whether facts are gathered first
 * @param roles {@code roles:}, run after {@code pre_tasks} and before {@code tasks}
 * @param preTasks {@code pre_tasks}
 * @param tasks {@code tasks}
 * @param postTasks {@code post_tasks}
 * @param handlers the play's own {@code handlers} (a role's handlers are in its {@link Role})
 * @param serial the batch sizes
 * @param maxFailPercentage the share of a batch's hosts that may fail before the play stops
 * @param anyErrorsFatal whether one host's failure stops the play for all
 * @param forceHandlers whether notified handlers run even after a failure
 */
public record Play(String name, Location location, String hosts, Keywords keywords, List<VarsFile> varsFiles,
    boolean gatherFacts, List<RoleRef> roles, List<TaskItem> preTasks, List<TaskItem> tasks,
    List<TaskItem> postTasks, List<Handler> handlers, Serial serial, OptionalDouble maxFailPercentage,
    boolean anyErrorsFatal, boolean forceHandlers) {

  public Play {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(hosts, "hosts");
    Objects.requireNonNull(keywords, "keywords");
    varsFiles = List.copyOf(varsFiles);
    roles = List.copyOf(roles);
    preTasks = List.copyOf(preTasks);
    tasks = List.copyOf(tasks);
    postTasks = List.copyOf(postTasks);
    handlers = List.copyOf(handlers);
    Objects.requireNonNull(serial, "serial");
    Objects.requireNonNull(maxFailPercentage, "maxFailPercentage");
  }
}
