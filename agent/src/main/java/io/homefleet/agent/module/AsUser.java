package io.homefleet.agent.module;

import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.module.ansible.AnsibleModule;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What runs for a module when the task runs as a user other than the agent's (become_user,
 * remote_user): modules that only start a program run as they are (the program is started as
 * that user), Ansible's action-plugin modules stage their file for that user first
 * ({@link BecomeTransfer}), and every other native module is Ansible's own module run as that
 * user, so the files it makes are that user's process's.
 */
public final class AsUser {
  /**
   * Modules that only start a program (run as another user, the program is: setpriv), or touch no
   * file of the host (pause runs on Ansible's controller, whoever the task becomes).
   */
  private static final Set<String> RUN_AS_GIVEN = Set.of("command", "shell", "raw", "setup", "script", "pause");

  /** Why a module does not run as another user yet: its Ansible counterpart's action plugin does the work as that user. */
  private static final Map<String, String> ACTION_PLUGINS = Map.of(
      "fetch", "Ansible's fetch reads the file as that user and copies it to the controller, and homefleet's reads it"
          + " as the agent's user",
      "include_vars", "Ansible reads the vars file on its controller, and homefleet's include_vars as the agent's user",
      "reboot", "Ansible's reboot runs the shutdown command as that user (through sudo), and homefleet's as the agent's"
          + " user");

  private AsUser() {}

  /**
   * Why {@code module} (a native module's name, or the task's when there is none) cannot run as
   * {@code user} yet, as the task's failure message; empty when it can.
   */
  public static Optional<String> refused(String module, String user) {
    String why = ACTION_PLUGINS.get(module.replaceFirst("^ansible\\.(builtin|legacy)\\.", ""));
    return why == null ? Optional.empty() : Optional.of(module + " as '" + user + "' (become_user, remote_user or"
        + " ansible_user; not the agent's user) is not supported yet: " + why + ". Run it without become and set"
        + " owner/group, or as command as that user");
  }

  /** What runs for {@code m} as {@code user}: {@link #as}, or a module that fails saying why it cannot. */
  public static Module forUser(Module m, String user) {
    Optional<String> why = refused(m.name(), user);
    if (why.isEmpty()) {
      return as(m);
    }
    return new Module() {
      @Override
      public String name() {
        return m.name();
      }

      @Override
      public Outcome run(Map<String, Object> args, TaskContext ctx) {
        return Outcome.failed(why.get());
      }
    };
  }

  /** The module that does {@code m}'s work as another user. */
  public static Module as(Module m) {
    if (RUN_AS_GIVEN.contains(m.name()) || m instanceof AnsibleModule) {
      return m;
    }
    return BecomeTransfer.MODULES.contains(m.name()) ? new BecomeTransfer(m.name())
        : new AnsibleModule("ansible.builtin." + m.name());
  }
}
