package io.homefleet.controller.cli;

import io.homefleet.playbook.model.Block;
import io.homefleet.playbook.model.IncludeRole;
import io.homefleet.playbook.model.IncludeTasks;
import io.homefleet.playbook.model.Play;
import io.homefleet.playbook.model.RoleRef;
import io.homefleet.playbook.model.Task;
import io.homefleet.playbook.model.TaskItem;
import io.homefleet.playbook.parse.LoadedPlaybook;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code --list-tasks} and {@code --list-tags}, laid out as ansible-playbook does: each play with
 * its hosts, then its tasks (roles' included, in run order) with their tags, inherited ones
 * included, filtered by {@code --tags}/{@code --skip-tags}.
 */
final class PlaybookOutline {
  private final LoadedPlaybook loaded;
  private final Set<String> only;
  private final Set<String> skip;

  PlaybookOutline(LoadedPlaybook loaded, List<String> only, List<String> skip) {
    this.loaded = loaded;
    this.only = new LinkedHashSet<>(only);
    this.skip = new LinkedHashSet<>(skip);
  }

  /** One listed line: a task's display name and its tags, inherited included. */
  record Line(String name, Set<String> tags) {}

  void print(PrintWriter out, boolean tasks, boolean tags) {
    out.println();
    out.println("playbook: " + loaded.playbook().file());
    int n = 0;
    for (Play play : loaded.playbook().plays()) {
      n++;
      out.println();
      out.println("  play #" + n + " (" + play.hosts() + "): " + play.name() + "\tTAGS: "
          + format(new TreeSet<>(play.keywords().tags())));
      List<Line> lines = lines(play);
      if (tasks) {
        out.println("    tasks:");
        for (Line l : lines) {
          out.println("      " + l.name() + "\tTAGS: " + format(l.tags()));
        }
      }
      if (tags) {
        Set<String> all = new TreeSet<>();
        lines.forEach(l -> all.addAll(l.tags()));
        out.println("      TASK TAGS: " + format(all));
      }
    }
  }

  List<Line> lines(Play play) {
    List<Line> out = new ArrayList<>();
    Set<String> base = new TreeSet<>(play.keywords().tags());
    walk(play.preTasks(), base, out);
    for (RoleRef r : play.roles()) {
      role(r, base, out);
    }
    walk(play.tasks(), base, out);
    walk(play.postTasks(), base, out);
    return out;
  }

  private void role(RoleRef r, Set<String> inherited, List<Line> out) {
    Set<String> tags = with(inherited, r.keywords().tags());
    r.role().ifPresent(role -> {
      role.dependencies().forEach(d -> role(d, tags, out));
      walk(role.tasks(), tags, out);
    });
  }

  private void walk(List<TaskItem> items, Set<String> inherited, List<Line> out) {
    for (TaskItem item : items) {
      Set<String> tags = with(inherited, item.keywords().tags());
      if (item instanceof Task t) {
        add(new Line(t.displayName(), tags), out);
      } else if (item instanceof Block b) {
        walk(b.block(), tags, out);
        walk(b.rescue(), tags, out);
        walk(b.always(), tags, out);
      } else if (item instanceof IncludeTasks inc) {
        if (inc.dynamic()) {
          add(new Line("include_tasks: " + inc.file(), tags), out);
        } else {
          inc.tasks().ifPresent(ts -> walk(ts, tags, out));
        }
      } else if (item instanceof IncludeRole ir) {
        if (ir.dynamic()) {
          add(new Line("include_role: " + ir.role().name(), tags), out);
        } else {
          role(ir.role(), inherited, out);
        }
      }
    }
  }

  private void add(Line line, List<Line> out) {
    if (selected(line.tags())) {
      out.add(line);
    }
  }

  /** Ansible's tag selection: always/never, --tags (all, tagged, untagged) and --skip-tags. */
  private boolean selected(Set<String> tags) {
    boolean run;
    if (only.isEmpty() || only.contains("all")) {
      run = !tags.contains("never");
    } else {
      run = tags.contains("always") || tags.stream().anyMatch(only::contains)
          || (only.contains("tagged") && !tags.isEmpty()) || (only.contains("untagged") && tags.isEmpty());
    }
    if (tags.stream().anyMatch(skip::contains) || (skip.contains("tagged") && !tags.isEmpty())
        || (skip.contains("untagged") && tags.isEmpty())) {
      run = false;
    }
    return run;
  }

  private static Set<String> with(Set<String> inherited, List<String> own) {
    Set<String> all = new TreeSet<>(inherited);
    all.addAll(own);
    return all;
  }

  private static String format(Set<String> tags) {
    return "[" + String.join(", ", tags) + "]";
  }
}
