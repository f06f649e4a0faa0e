package io.homefleet.agent.module.packages;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.Plan;
import io.homefleet.agent.exec.StateModule;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.ansible.AnsibleModule;
import io.homefleet.agent.module.apt.AptModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ansible's {@code package}: the host's package manager module with the task's arguments (all
 * but {@code use}), as ansible-core 2.14's action plugin does. {@code use: auto} takes
 * {@code ansible_facts.pkg_mgr} when facts were gathered, else looks at the host as
 * {@code setup} does; {@code apt} is the native {@link AptModule} (check mode and diff
 * included), any other manager is Ansible's own module run with python3.
 */
public final class PackageModule implements StateModule {
  private final AptModule apt = new AptModule();

  @Override
  public String name() {
    return "package";
  }

  @Override
  public Outcome run(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    String manager = manager(raw, ctx);
    if (manager.equals("apt")) {
      return Plan.execute(plan(raw, ctx), ctx);
    }
    return new AnsibleModule("ansible.builtin." + manager).run(backendArgs(raw), ctx);
  }

  @Override
  public Plan plan(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    String manager = manager(raw, ctx);
    if (!manager.equals("apt")) {
      throw new TaskException(name(), "use=" + manager + " runs Ansible's " + manager
          + " module, which plans nothing apart from its run");
    }
    return apt.plan(backendArgs(raw), ctx);
  }

  /** The module {@code use} names, or the host's manager for {@code auto}. */
  String manager(Map<String, Object> raw, TaskContext ctx) throws TaskException {
    Object use = raw.get("use");
    String m = use == null ? "auto" : String.valueOf(use);
    if (m.equals("auto")) {
      Object facts = ctx.vars().get("ansible_facts");
      Object known = facts instanceof Map<?, ?> f ? f.get("pkg_mgr") : ctx.vars().get("ansible_pkg_mgr");
      m = known != null && !String.valueOf(known).equals("unknown") ? String.valueOf(known) : detect();
    }
    if (m.equals("auto")) {
      throw new TaskException(name(),
          "Could not detect which package manager to use. Try gathering facts or setting the \"use\" option.");
    }
    return m.startsWith("ansible.builtin.") || m.startsWith("ansible.legacy.") ? m.substring(m.lastIndexOf('.') + 1)
        : m;
  }

  /** What {@code setup} reports as {@code ansible_pkg_mgr}, for the managers this agent knows. */
  private static String detect() {
    if (Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
      return "apt";
    }
    return Files.isExecutable(Path.of("/usr/bin/dnf")) ? "dnf" : "auto";
  }

  private static Map<String, Object> backendArgs(Map<String, Object> raw) {
    Map<String, Object> args = new LinkedHashMap<>(raw);
    args.remove("use");
    return args;
  }
}
