package io.homefleet.playbook.plan;

import io.homefleet.playbook.model.Values;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A dynamic {@code include_tasks} or {@code include_role}: decided on the host when reached. Its
 * {@code when} and loop apply to the include itself, as in Ansible; its {@code vars} are passed
 * to the included tasks (above their own vars); its other keywords do not reach them. The
 * included tasks are compiled in the plan ({@code items}).
 *
 * @param id a number unique in the plan
 * @param path a stable name for its place in the play
 * @param name the name to show ({@code include_tasks: web.yml})
 * @param location where it was written
 * @param kind {@code include_tasks} or {@code include_role}
 * @param file the file or role name as written
 * @param scope the role scope the include itself is evaluated in, -1 outside roles
 * @param when the include's conditions, with those of the blocks around it
 * @param contextVars the vars of the blocks around it, for evaluating {@code when} and the loop
 * @param params the include's own {@code vars}, passed to the included tasks
 * @param loop the loop over the include, if any
 * @param resolved false when the name is a template: homefleet cannot run it yet
 * @param items the included tasks
 */
public record PlanInclude(int id, String path, String name, String location, String kind, String file, int scope,
    List<String> when, Map<String, Object> contextVars, Map<String, Object> params, Optional<PlanLoop> loop,
    boolean resolved, List<PlanItem> items) implements PlanItem {

  public PlanInclude {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(file, "file");
    when = when == null ? List.of() : List.copyOf(when);
    contextVars = contextVars == null ? Map.of() : Values.freeze(contextVars);
    params = params == null ? Map.of() : Values.freeze(params);
    loop = loop == null ? Optional.empty() : loop;
    items = items == null ? List.of() : List.copyOf(items);
  }
}
