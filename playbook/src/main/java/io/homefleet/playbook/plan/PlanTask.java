package io.homefleet.playbook.plan;

import io.homefleet.playbook.model.RunAs;
import io.homefleet.playbook.model.Values;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One task as a host runs it: the module and its arguments as written (templated on the host),
 * with every inherited keyword folded in.
 *
 * <p>The yes/no keywords ({@code ignoreErrors}, {@code checkMode}, {@code diff}, {@code noLog})
 * are strings: empty when not given anywhere (the play's default applies), {@code "true"} or
 * {@code "false"} when written as such, else a template decided on the host.
 *
 * @param id a number unique in the plan
 * @param path a stable name for its place in the play
 * @param name the name to show
 * @param location where it was written ({@code file:line:column})
 * @param module the module's short name ({@code copy}, {@code meta})
 * @param args the module's arguments as written
 * @param files bundle files the task ships: argument name ({@code src}) to bundle path
 * @param scope index of its role's scope in {@link HostPlan#roles()}, -1 outside roles
 * @param when every condition that must hold (the task's, its blocks', its role's, its imports')
 * @param tags its tags with the inherited ones
 * @param vars its variables: block vars, then the task's own (later wins)
 * @param environment environment variables for the module (outer first, inner wins)
 * @param ignoreErrors {@code ignore_errors}
 * @param checkMode {@code check_mode}
 * @param diff {@code diff}
 * @param noLog {@code no_log}
 * @param loop its loop, if any
 * @param register the variable to register the result in, empty for none
 * @param notifies handler names or {@code listen} topics notified when it changes something
 * @param changedWhen conditions that decide "changed" instead of the module (all must hold)
 * @param failedWhen conditions that decide "failed" instead of the module (all must hold, as in Ansible)
 * @param retry {@code until}/{@code retries}/{@code delay}, if given
 * @param implicit true for the {@code meta: flush_handlers} the compiler adds between the play's
 *     sections and for fact gathering: not reported as a task of its own unless it fails
 * @param delegation {@code delegate_to}, {@code delegate_facts}, {@code run_once}, {@code throttle}
 * @param runAs {@code become*}, {@code remote_user}, {@code async} and {@code poll} in force (templated on the host)
 */
public record PlanTask(int id, String path, String name, String location, String module, Map<String, Object> args,
    Map<String, String> files, int scope, List<String> when, List<String> tags, Map<String, Object> vars,
    Map<String, Object> environment, String ignoreErrors, String checkMode, String diff, String noLog,
    Optional<PlanLoop> loop, String register, List<String> notifies, List<String> changedWhen, List<String> failedWhen,
    Optional<PlanRetry> retry, boolean implicit, PlanDelegation delegation, RunAs runAs) implements PlanItem {

  public PlanTask {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(module, "module");
    args = args == null ? Map.of() : Values.freeze(args);
    files = files == null ? Map.of() : Map.copyOf(files);
    when = when == null ? List.of() : List.copyOf(when);
    tags = tags == null ? List.of() : List.copyOf(tags);
    vars = vars == null ? Map.of() : Values.freeze(vars);
    environment = environment == null ? Map.of() : Values.freeze(environment);
    ignoreErrors = ignoreErrors == null ? "" : ignoreErrors;
    checkMode = checkMode == null ? "" : checkMode;
    diff = diff == null ? "" : diff;
    noLog = noLog == null ? "" : noLog;
    loop = loop == null ? Optional.empty() : loop;
    register = register == null ? "" : register;
    notifies = notifies == null ? List.of() : List.copyOf(notifies);
    changedWhen = changedWhen == null ? List.of() : List.copyOf(changedWhen);
    failedWhen = failedWhen == null ? List.of() : List.copyOf(failedWhen);
    retry = retry == null ? Optional.empty() : retry;
    delegation = delegation == null ? PlanDelegation.NONE : delegation;
    runAs = runAs == null ? RunAs.NONE : runAs;
  }

  /** A task run as the agent's own user, in the foreground. */
  public PlanTask(int id, String path, String name, String location, String module, Map<String, Object> args,
      Map<String, String> files, int scope, List<String> when, List<String> tags, Map<String, Object> vars,
      Map<String, Object> environment, String ignoreErrors, String checkMode, String diff, String noLog,
      Optional<PlanLoop> loop, String register, List<String> notifies, List<String> changedWhen, List<String> failedWhen,
      Optional<PlanRetry> retry, boolean implicit) {
    this(id, path, name, location, module, args, files, scope, when, tags, vars, environment, ignoreErrors, checkMode,
        diff, noLog, loop, register, notifies, changedWhen, failedWhen, retry, implicit, PlanDelegation.NONE, RunAs.NONE);
  }
}
