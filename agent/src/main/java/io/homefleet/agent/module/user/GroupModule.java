package io.homefleet.agent.module.user;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Diff;
import io.homefleet.agent.exec.Plan;
import io.homefleet.agent.exec.StateModule;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Ansible's {@code group} on Linux: a local group created, renumbered or removed with groupadd/groupmod/groupdel. */
public final class GroupModule implements StateModule {
  private final Accounts accounts;

  public GroupModule() {
    this(Accounts.system());
  }

  GroupModule(Accounts accounts) {
    this.accounts = accounts;
  }

  @Override
  public String name() {
    return "group";
  }

  @Override
  public Plan plan(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), raw);
    for (String u : List.of("gid_min", "gid_max", "local")) {
      if (a.has(u)) {
        throw a.error(u + " is not supported by homefleet's group module yet");
      }
    }
    String group = a.required("name");
    String state = a.choice("state", "present", "absent", "present");
    Optional<Accounts.Group> cur = accounts.groups().values().stream().filter(g -> g.name().equals(group)).findFirst();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("name", group);
    data.put("state", state);
    if (state.equals("absent")) {
      if (cur.isEmpty()) {
        return Plan.inSync(data);
      }
      List<String> argv = new ArrayList<>(List.of("groupdel"));
      if (a.bool("force", false)) {
        argv.add("-f");
      }
      argv.add(group);
      return new Plan.Drift(Diff.attrs(group, Map.of("name", group, "state", "present"),
          Map.of("name", group, "state", "absent")), data, () -> UserModule.must(ctx, a, argv));
    }
    Optional<Long> gid = a.integer("gid");
    boolean system = a.bool("system", false);
    data.put("system", system);
    if (cur.isEmpty()) {
      List<String> argv = new ArrayList<>(List.of("groupadd"));
      gid.ifPresent(g -> argv.addAll(List.of("-g", Long.toString(g))));
      if (a.bool("non_unique", false)) {
        argv.add("-o");
      }
      if (system) {
        argv.add("-r");
      }
      argv.add(group);
      gid.ifPresent(g -> data.put("gid", g.intValue()));
      return new Plan.Drift(Diff.attrs(group, Map.of("name", group, "state", "absent"),
          Map.of("name", group, "state", "present")), data, () -> {
            UserModule.must(ctx, a, argv);
            return Map.of("gid", accounts.group(group).map(Accounts.Group::gid).orElse(-1));
          });
    }
    data.put("gid", cur.get().gid());
    if (gid.isPresent() && gid.get() != cur.get().gid()) {
      List<String> argv = new ArrayList<>(List.of("groupmod", "-g", Long.toString(gid.get())));
      if (a.bool("non_unique", false)) {
        argv.add("-o");
      }
      argv.add(group);
      data.put("gid", gid.get().intValue());
      return new Plan.Drift(Diff.attrs(group, Map.of("gid", cur.get().gid()), Map.of("gid", gid.get().intValue())),
          data, () -> UserModule.must(ctx, a, argv));
    }
    return Plan.inSync(data);
  }
}
