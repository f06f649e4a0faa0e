package io.homefleet.agent.module.systemd;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Commands;
import io.homefleet.agent.exec.Diff;
import io.homefleet.agent.exec.Plan;
import io.homefleet.agent.exec.StateModule;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ansible's {@code systemd} (also {@code systemd_service}) and {@code service} on systemd hosts:
 * a unit's {@code state}, {@code enabled} and {@code masked}, and {@code daemon_reload}, through
 * {@code systemctl}. Planning reads {@code systemctl show}; {@code restarted} and
 * {@code reloaded} are always a change, as in Ansible.
 *
 * <p>On a host where systemd is not PID 1 (a container, this project's build machine) every
 * task fails with "systemd is not running on this host". What the unit tests prove is argument
 * handling and that refusal; that start/stop/enable/mask reach the state planned here is only
 * shown on a real systemd host (the e2e test hosts of issue 4), not by any test in this module.
 */
public final class SystemdModule implements StateModule {
  private final String name;

  private SystemdModule(String name) {
    this.name = name;
  }

  public static SystemdModule systemd() {
    return new SystemdModule("systemd");
  }

  public static SystemdModule service() {
    return new SystemdModule("service");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Plan plan(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name, raw);
    String unit = a.str("name").orElse(null);
    String state = a.choice("state", null, "reloaded", "restarted", "started", "stopped");
    boolean daemonReload = a.bool("daemon_reload", false);
    boolean daemonReexec = a.bool("daemon_reexec", false);
    if (name.equals("service")) {
      for (String unsupported : List.of("pattern", "runlevel", "arguments", "sleep")) {
        if (a.has(unsupported)) {
          throw a.error(unsupported + " is not supported: homefleet's service drives systemd units only");
        }
      }
      String use = a.str("use", "auto");
      if (!use.equals("auto") && !use.equals("systemd")) {
        throw a.error("use=" + use + " is not supported: homefleet's service drives systemd units only");
      }
    } else if (!a.str("scope", "system").equals("system")) {
      throw a.error("scope=" + a.str("scope", "") + " is not supported: homefleet's agent manages system units");
    }
    if (unit == null && (state != null || a.has("enabled") || a.has("masked"))) {
      throw a.error("name is required with state, enabled or masked");
    }
    if (unit == null && !daemonReload && !daemonReexec) {
      throw a.error("one of the following is required: name, daemon_reload, daemon_reexec");
    }
    // sd_booted(3): systemd is the init system exactly when this directory exists.
    if (!Files.isDirectory(Path.of("/run/systemd/system"))) {
      throw a.error("systemd is not running on this host (PID 1 is not systemd), so " + name
          + " cannot manage " + (unit == null ? "units" : "'" + unit + "'"));
    }
    List<String> extra = a.bool("no_block", false) ? List.of("--no-block") : List.of();
    if (daemonReexec && !ctx.checkMode()) {
      must(ctx, a, List.of("systemctl", "daemon-reexec"));
    }
    if (daemonReload && !ctx.checkMode()) {
      // As in Ansible, the reload happens before the unit is looked at and is not a change.
      must(ctx, a, List.of("systemctl", "daemon-reload"));
    }
    Map<String, Object> data = new LinkedHashMap<>();
    if (unit == null) {
      return Plan.inSync(data);
    }
    Map<String, String> status = show(ctx, a, unit);
    data.put("name", unit);
    data.put("status", status);
    List<Plan> parts = new ArrayList<>();
    boolean masked = "masked".equals(status.get("UnitFileState")) || "masked".equals(status.get("LoadState"));
    if (a.has("masked") && a.bool("masked", false) != masked) {
      boolean want = a.bool("masked", false);
      parts.add(step(ctx, a, unit, "masked", masked, want, List.of("systemctl", want ? "mask" : "unmask", unit)));
    }
    if (a.has("enabled")) {
      boolean want = a.bool("enabled", false);
      data.put("enabled", want);
      String ufs = status.getOrDefault("UnitFileState", "");
      boolean enabled = ufs.startsWith("enabled") || ufs.equals("static") || ufs.equals("alias")
          || ufs.equals("indirect") || ufs.equals("generated");
      if (ufs.isEmpty() && "not-found".equals(status.get("LoadState"))) {
        throw a.error("Could not find the requested service " + unit + ": host");
      }
      if (want != enabled && !(ufs.equals("static") && want)) {
        List<String> argv = new ArrayList<>(List.of("systemctl", want ? "enable" : "disable"));
        if (a.bool("force", false)) {
          argv.add("--force");
        }
        argv.add(unit);
        parts.add(step(ctx, a, unit, "enabled", enabled, want, argv));
      }
    }
    if (state != null) {
      if ("not-found".equals(status.get("LoadState"))) {
        throw a.error("Could not find the requested service " + unit + ": host");
      }
      String active = status.getOrDefault("ActiveState", "");
      boolean running = active.equals("active") || active.equals("activating") || active.equals("reloading");
      data.put("state", state);
      String verb = switch (state) {
        case "started" -> running ? null : "start";
        case "stopped" -> running ? "stop" : null;
        case "restarted" -> "restart";
        default -> running ? "reload" : "start";
      };
      if (verb != null) {
        List<String> argv = new ArrayList<>(List.of("systemctl"));
        argv.addAll(extra);
        argv.add(verb);
        argv.add(unit);
        parts.add(new Plan.Drift(new Diff(Map.of("state", active), Map.of("state", state), unit, unit), Map.of(), () -> {
          must(ctx, a, argv);
          return Map.of();
        }));
      }
    }
    return Plan.all(data, parts);
  }

  private static Plan step(TaskContext ctx, Args a, String unit, String what, boolean have, boolean want,
      List<String> argv) {
    return new Plan.Drift(new Diff(Map.of(what, have), Map.of(what, want), unit, unit), Map.of(), () -> {
      must(ctx, a, argv);
      return Map.of();
    });
  }

  private static void must(TaskContext ctx, Args a, List<String> argv) throws TaskException, InterruptedException {
    Commands.Result r = Commands.run(ctx, argv);
    if (!r.ok()) {
      throw a.error(r.describe());
    }
  }

  private static Map<String, String> show(TaskContext ctx, Args a, String unit) throws TaskException, InterruptedException {
    Commands.Result r = Commands.run(ctx, List.of("systemctl", "show", unit, "--no-pager"));
    if (!r.ok()) {
      throw a.error("systemctl show " + unit + " failed: " + r.describe());
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : r.stdout().split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        out.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return out;
  }
}
