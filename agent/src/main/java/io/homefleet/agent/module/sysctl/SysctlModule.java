package io.homefleet.agent.module.sysctl;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Commands;
import io.homefleet.agent.exec.Diff;
import io.homefleet.agent.exec.Plan;
import io.homefleet.agent.exec.StateModule;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.file.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * ansible.posix's {@code sysctl}: a kernel parameter's {@code name=value} line in
 * {@code sysctl_file} (default /etc/sysctl.conf), the running value set with {@code sysctl -w}
 * ({@code sysctl_set}), and {@code sysctl -p FILE} after a change ({@code reload}). Follows the
 * collection's {@code SysctlModule.process()} step by step, including that the rewritten file
 * has every line stripped and each key once, as {@code key=value}.
 */
public final class SysctlModule implements StateModule {
  private static final Set<String> TRUE = Set.of("y", "yes", "on", "1", "true", "t");
  private static final Set<String> FALSE = Set.of("n", "no", "off", "0", "false", "f");
  private static final Pattern STDERR_FAILED =
      Pattern.compile("^sysctl: setting key \"[^\"]+\": (Invalid argument|Read-only file system)$", Pattern.MULTILINE);

  @Override
  public String name() {
    return "sysctl";
  }

  @Override
  public Plan plan(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), raw);
    String state = a.choice("state", "present", "present", "absent");
    boolean present = state.equals("present");
    if (present && !a.has("value")) {
      throw a.error("state is present but all of the following are missing: value");
    }
    String name = a.required("name").strip();
    if (name.isEmpty()) {
      throw a.error("name cannot be blank");
    }
    if (present && a.str("value", "").isEmpty()) {
      throw a.error("value cannot be blank");
    }
    String value = parseValue(a.str("value", ""));
    boolean reload = a.bool("reload", true);
    boolean sysctlSet = a.bool("sysctl_set", false);
    boolean ignoreErrors = a.bool("ignoreerrors", false);
    Path file = Path.of(a.str("sysctl_file", "/etc/sysctl.conf"));

    Commands.Result cur = Commands.run(ctx, List.of("sysctl", "-e", "-n", name));
    String proc = cur.ok() ? cur.stdout() : null;
    String before = "";
    List<String> lines = new ArrayList<>();
    Map<String, String> fileValues = new HashMap<>();
    if (Files.isRegularFile(file)) {
      try {
        before = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw a.error("Failed to open " + file + ": " + e.getMessage());
      }
      for (String line : before.split("(?<=\n)")) {
        line = line.strip();
        lines.add(line);
        if (isSetting(line)) {
          String[] kv = line.split("=", 2);
          fileValues.put(kv[0].strip(), kv[1].strip());
        }
      }
      if (before.isEmpty()) {
        lines.clear();
      }
    }
    String fileValue = fileValues.get(name);

    boolean changed = false;
    boolean writeFile = false;
    boolean setProc = false;
    if (fileValue == null && present) {
      changed = true;
      writeFile = true;
    } else if (fileValue == null) {
      changed = false;
    } else if (!fileValue.isEmpty() && !present) {
      changed = true;
      writeFile = true;
    } else if (!fileValue.equals(value)) {
      changed = true;
      writeFile = true;
    } else if (reload && (proc == null || !valuesEqual(proc, value))) {
      // The file is right but the running kernel is not: a reload fixes it.
      changed = true;
    }
    if (sysctlSet && present) {
      if (proc == null) {
        changed = true;
      } else if (!valuesEqual(proc, value)) {
        changed = true;
        setProc = true;
      }
    }
    if (!changed) {
      return Plan.inSync(Map.of());
    }
    String after = writeFile ? fixLines(lines, name, present ? value : null) : before;
    List<Diff> diffs = new ArrayList<>();
    if (writeFile) {
      diffs.add(Diff.text(file.toString(), before, after));
    }
    if (setProc || (!writeFile && reload)) {
      diffs.add(Diff.attrs(name, Map.of("value", proc == null ? "" : proc.strip()), Map.of("value", value)));
    }
    boolean doSet = setProc;
    boolean doWrite = writeFile;
    return new Plan.Drift(diffs, Map.of(), () -> {
      if (doSet) {
        List<String> argv = new ArrayList<>(List.of("sysctl"));
        if (ignoreErrors) {
          argv.add("-e");
        }
        argv.addAll(List.of("-w", name + "=" + value));
        Commands.Result r = Commands.run(ctx, argv);
        if (!r.ok() || STDERR_FAILED.matcher(r.stderr()).find()) {
          throw a.error("setting " + name + " failed: " + r.stdout() + r.stderr());
        }
      }
      if (doWrite) {
        try {
          AtomicFiles.write(file, after.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw a.error("Failed to write to file " + file + ": " + e.getMessage());
        }
      }
      if (reload) {
        List<String> argv = new ArrayList<>(List.of("sysctl", "-p", file.toString()));
        if (ignoreErrors) {
          argv.add(1, "-e");
        }
        Commands.Result r = Commands.run(ctx, argv);
        if (!r.ok() || STDERR_FAILED.matcher(r.stderr()).find()) {
          throw a.error("Failed to reload sysctl: " + r.stdout() + r.stderr());
        }
      }
      return Map.of();
    });
  }

  private static boolean isSetting(String line) {
    return !line.isEmpty() && !line.startsWith("#") && !line.startsWith(";") && line.contains("=");
  }

  /** The collection's fix_lines: each setting once as {@code key=value}, the name's replaced, dropped or added. */
  static String fixLines(List<String> lines, String name, String value) {
    StringBuilder out = new StringBuilder();
    Set<String> checked = new LinkedHashSet<>();
    for (String line : lines) {
      if (!isSetting(line)) {
        out.append(line).append('\n');
        continue;
      }
      String[] kv = line.split("=", 2);
      String k = kv[0].strip();
      if (checked.add(k)) {
        if (!k.equals(name)) {
          out.append(k).append('=').append(kv[1].strip()).append('\n');
        } else if (value != null) {
          out.append(k).append('=').append(value).append('\n');
        }
      }
    }
    if (!checked.contains(name) && value != null) {
      out.append(name).append('=').append(value).append('\n');
    }
    return out.toString();
  }

  /** The collection's _parse_value: Ansible's booleans as 1/0, anything else stripped. */
  static String parseValue(String v) {
    String lower = v.toLowerCase(Locale.ROOT);
    return TRUE.contains(lower) ? "1" : FALSE.contains(lower) ? "0" : v.strip();
  }

  /** The collection's _values_is_equal: the same whitespace-separated words. */
  static boolean valuesEqual(String a, String b) {
    return Arrays.asList(a.strip().split("\\s+")).equals(Arrays.asList(b.strip().split("\\s+")));
  }
}
