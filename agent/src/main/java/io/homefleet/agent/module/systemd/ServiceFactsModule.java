package io.homefleet.agent.module.systemd;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Commands;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ansible's {@code service_facts} on Linux: {@code ansible_facts.services}, each service by name
 * with {@code name}, {@code state}, {@code source} (and {@code status} from systemd), read as
 * ansible-core 2.14's module reads them: {@code service --status-all} (sysv), then, where PID 1
 * is systemd, {@code systemctl list-units} and {@code list-unit-files}. Reads only.
 */
public final class ServiceFactsModule implements Module {
  private static final Set<String> BAD_STATES = Set.of("not-found", "masked", "failed");
  private static final Pattern SYSV = Pattern.compile("^\\s*\\[ (?<state>[+-]) \\]\\s+(?<name>.+)$", Pattern.MULTILINE);
  /** Where Ansible's get_bin_path looks besides PATH. */
  private static final List<String> SBIN = List.of("/sbin", "/usr/sbin", "/usr/local/sbin");
  private static final Map<String, String> C_LOCALE = Map.of("LANG", "C", "LC_ALL", "C");

  @Override
  public String name() {
    return "service_facts";
  }

  @Override
  public Outcome run(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args.of(name(), raw);
    Map<String, Object> services = new LinkedHashMap<>();
    List<String> warnings = new java.util.ArrayList<>();
    Optional<String> service = bin("service");
    if (service.isPresent() && bin("chkconfig").isEmpty() && bin("rc-status").isEmpty()) {
      sysv(ctx, service.get(), services, warnings);
    }
    if (systemd()) {
      Optional<String> systemctl = bin("systemctl");
      if (systemctl.isPresent()) {
        units(ctx, systemctl.get(), services, warnings);
        unitFiles(ctx, systemctl.get(), services, warnings);
      }
    }
    Map<String, Object> data = new LinkedHashMap<>();
    if (!warnings.isEmpty()) {
      data.put("warnings", warnings);
    }
    if (services.isEmpty()) {
      String msg = "Failed to find any services. This can be due to privileges or some other configuration issue.";
      data.put("msg", msg);
      return new Outcome(Outcome.Status.SKIPPED, 0, "", "", msg, data, false, false);
    }
    data.put("ansible_facts", Map.of("services", services));
    return Outcome.result(false, "", data);
  }

  private static void sysv(TaskContext ctx, String service, Map<String, Object> services, List<String> warnings)
      throws TaskException, InterruptedException {
    Commands.Result r = Commands.run(ctx, List.of(service, "--status-all"), C_LOCALE, null);
    if (r.rc() == 4 && !Files.exists(Path.of("/etc/init.d"))) {
      return;
    }
    if (r.rc() != 0) {
      warnings.add("Unable to query 'service' tool (" + r.rc() + "): " + r.stderr());
    }
    Matcher m = SYSV.matcher(r.stdout());
    while (m.find()) {
      String name = m.group("name");
      services.put(name, entry(name, m.group("state").equals("+") ? "running" : "stopped", null, "sysv"));
    }
  }

  private static void units(TaskContext ctx, String systemctl, Map<String, Object> services, List<String> warnings)
      throws TaskException, InterruptedException {
    for (String line : list(ctx, systemctl, "list-units", "Could not list units from systemd: ", warnings)) {
      if (!line.contains(".service")) {
        continue;
      }
      List<String> fields = List.of(line.strip().split("\\s+"));
      String status = null;
      for (String bad : BAD_STATES) {
        if (fields.contains(bad)) {
          status = bad;
          // The first field is systemctl's marker dot before a bad unit, as Ansible drops it.
          fields = fields.subList(1, fields.size());
          break;
        }
      }
      if (status == null) {
        status = fields.get(2);
      }
      String name = fields.get(0);
      services.put(name, entry(name, fields.get(3).equals("running") ? "running" : "stopped", status, "systemd"));
    }
  }

  @SuppressWarnings("unchecked")
  private static void unitFiles(TaskContext ctx, String systemctl, Map<String, Object> services, List<String> warnings)
      throws TaskException, InterruptedException {
    for (String line : list(ctx, systemctl, "list-unit-files", "Could not get unit files data from systemd: ",
        warnings)) {
      if (!line.contains(".service")) {
        continue;
      }
      String[] f = line.strip().split("\\s+");
      if (f.length < 2) {
        throw new TaskException("service_facts", "Malformed output discovered from systemd list-unit-files: " + line);
      }
      Map<String, Object> known = (Map<String, Object>) services.get(f[0]);
      if (known == null) {
        Commands.Result s = Commands.run(ctx, List.of(systemctl, "show", f[0], "--property=ActiveState"), C_LOCALE,
            null);
        String state = s.rc() == 0 && !s.stdout().isEmpty() ? s.stdout().replace("ActiveState=", "").stripTrailing()
            : "unknown";
        services.put(f[0], entry(f[0], state, f[1], "systemd"));
      } else if (!BAD_STATES.contains(String.valueOf(known.get("status")))) {
        known.put("status", f[1]);
      }
    }
  }

  /** The lines of {@code systemctl VERB --type service --all}; none, and a warning, when it fails. */
  private static List<String> list(TaskContext ctx, String systemctl, String verb, String warning,
      List<String> warnings) throws TaskException, InterruptedException {
    Commands.Result r = Commands.run(ctx, List.of(systemctl, verb, "--no-pager", "--type", "service", "--all"),
        C_LOCALE, null);
    if (r.rc() != 0) {
      warnings.add(warning + r.stderr());
      return List.of();
    }
    return List.of(r.stdout().split("\n", -1));
  }

  private static Map<String, Object> entry(String name, String state, String status, String source) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("name", name);
    e.put("state", state);
    if (status != null) {
      e.put("status", status);
    }
    e.put("source", source);
    return e;
  }

  /** Ansible's systemd_enabled: PID 1's comm names systemd. */
  private static boolean systemd() {
    try {
      return Files.readString(Path.of("/proc/1/comm")).contains("systemd");
    } catch (IOException e) {
      return false;
    }
  }

  /** Ansible's get_bin_path: PATH, then the sbin directories. */
  static Optional<String> bin(String name) {
    List<String> dirs = new java.util.ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    dirs.addAll(SBIN);
    return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, name))
        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).map(Path::toString).findFirst();
  }
}
