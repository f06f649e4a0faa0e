package io.homefleet.agent.module.cron;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Commands;
import io.homefleet.agent.exec.Diff;
import io.homefleet.agent.exec.Plan;
import io.homefleet.agent.exec.StateModule;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.file.AtomicFiles;
import io.homefleet.agent.module.file.PosixAttrs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ansible's {@code cron}: one named job in a user's crontab ({@code crontab -l}/{@code crontab -})
 * or in a {@code cron_file} (relative names live in /etc/cron.d). Each job is the line after its
 * {@code #Ansible: NAME} marker, exactly as Ansible writes it, so crontabs Ansible managed keep
 * working. {@code disabled} comments the job out with a leading {@code #}.
 */
public final class CronModule implements StateModule {
  private static final String MARKER = "#Ansible: ";

  private final Path cronDir;

  public CronModule() {
    this(Path.of("/etc/cron.d"));
  }

  CronModule(Path cronDir) {
    this.cronDir = cronDir;
  }

  @Override
  public String name() {
    return "cron";
  }

  @Override
  public Plan plan(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), raw);
    boolean env = a.bool("env", false);
    if (!env && (a.has("insertafter") || a.has("insertbefore"))) {
      throw a.error("insertafter and insertbefore are only for env=yes");
    }
    if (a.has("insertafter") && a.has("insertbefore")) {
      throw a.error("parameters are mutually exclusive: insertafter|insertbefore");
    }
    String state = a.choice("state", "present", "absent", "present");
    String jobName = a.str("name").orElse(null);
    if (jobName == null) {
      throw a.error("name is required (Ansible requires it too since 2.12): it is how the job is found again");
    }
    String user = a.str("user", null);
    String cronFileArg = a.str("cron_file", null);
    Path cronFile = cronFileArg == null ? null
        : cronFileArg.startsWith("/") ? Path.of(cronFileArg) : cronDir.resolve(cronFileArg);
    String job = a.str("job", null);
    if (state.equals("present") && job == null) {
      throw a.error("job is required with state=present");
    }
    String special = a.str("special_time", null);
    if (special != null && (a.has("minute") || a.has("hour") || a.has("day") || a.has("month")
        || a.has("weekday"))) {
      throw a.error("You must specify time and date fields or special time.");
    }
    String line = null;
    if (env && job != null) {
      line = jobName + "=" + job;
    } else if (job != null) {
      StringBuilder l = new StringBuilder();
      if (a.bool("disabled", false)) {
        l.append('#');
      }
      if (special != null) {
        l.append('@').append(special.equals("annually") ? "annually" : special);
      } else {
        l.append(String.join(" ", a.str("minute", "*"), a.str("hour", "*"), a.str("day", "*"), a.str("month", "*"),
            a.str("weekday", "*")));
      }
      if (cronFile != null) {
        l.append(' ').append(user == null ? "root" : user);
      }
      l.append(' ').append(job);
      line = l.toString();
    }
    String before = cronFile != null ? readFile(a, cronFile) : readCrontab(ctx, a, user);
    List<String> lines = new ArrayList<>(before.isEmpty() ? List.of() : List.of(before.split("\n", -1)));
    if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    int at = lines.indexOf(MARKER + jobName);
    List<String> out = new ArrayList<>(lines);
    if (env) {
      editEnv(out, jobName, line, state, a.str("insertafter", null), a.str("insertbefore", null));
    } else if (state.equals("present")) {
      if (at < 0) {
        out.add(MARKER + jobName);
        out.add(line);
      } else if (at + 1 < out.size()) {
        out.set(at + 1, line);
      } else {
        out.add(line);
      }
    } else if (at >= 0) {
      out.remove(at);
      if (at < out.size()) {
        out.remove(at);
      }
    }
    String after = out.isEmpty() ? "" : String.join("\n", out) + "\n";
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("jobs", jobs(out));
    data.put("envs", envs(out));
    if (cronFile != null) {
      data.put("cron_file", cronFile.toString());
    }
    if (after.equals(before)) {
      return Plan.inSync(data);
    }
    String header = cronFile != null ? cronFile.toString() : "crontab for " + (user == null ? "the agent's user" : user);
    boolean removeFile = cronFile != null && state.equals("absent") && out.isEmpty();
    return new Plan.Drift(new Diff(before, after, header, header), data, () -> {
      Map<String, Object> learnt = new LinkedHashMap<>();
      if (cronFile != null) {
        try {
          if (a.bool("backup", false) && Files.exists(cronFile)) {
            learnt.put("backup_file", AtomicFiles.backup(cronFile).toString());
          }
          if (removeFile) {
            Files.deleteIfExists(cronFile);
          } else {
            boolean existed = Files.exists(cronFile);
            AtomicFiles.write(cronFile, after.getBytes(StandardCharsets.UTF_8));
            if (!existed) {
              PosixAttrs.setMode(cronFile, 0644);
            }
          }
        } catch (IOException e) {
          throw a.error("cannot write " + cronFile + ": " + e.getMessage());
        }
      } else {
        writeCrontab(ctx, a, user, after);
      }
      return learnt;
    });
  }

  /** Ansible's cron variables: {@code NAME=VALUE} lines, new ones at the top unless placed after/before another. */
  private static void editEnv(List<String> lines, String name, String line, String state, String after,
      String before) {
    int at = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(name + "=")) {
        at = i;
        break;
      }
    }
    if (state.equals("absent")) {
      if (at >= 0) {
        lines.remove(at);
      }
      return;
    }
    if (at >= 0) {
      lines.set(at, line);
      return;
    }
    String anchor = after != null ? after : before;
    int pos = 0;
    if (anchor != null) {
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).startsWith(anchor + "=")) {
          pos = after != null ? i + 1 : i;
          break;
        }
      }
    }
    lines.add(pos, line);
  }

  private static List<String> envs(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      if (l.matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
        out.add(l.substring(0, l.indexOf('=')));
      }
    }
    return out;
  }

  private static List<String> jobs(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      if (l.startsWith(MARKER)) {
        out.add(l.substring(MARKER.length()));
      }
    }
    return out;
  }

  private static String readFile(Args a, Path file) throws TaskException {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw a.error("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static List<String> crontabArgv(String user, String... rest) {
    List<String> argv = new ArrayList<>(List.of("crontab"));
    if (user != null) {
      argv.addAll(List.of("-u", user));
    }
    argv.addAll(List.of(rest));
    return argv;
  }

  private static void requireCrontab(Args a) throws TaskException {
    if (findCrontab(System.getenv().getOrDefault("PATH", "/usr/bin:/bin")).isEmpty()) {
      throw a.error("crontab is not installed on this host (apt install cron), or use cron_file for /etc/cron.d");
    }
  }

  static java.util.Optional<Path> findCrontab(String path) {
    for (String dir : path.split(":")) {
      Path p = Path.of(dir, "crontab");
      if (Files.isExecutable(p)) {
        return java.util.Optional.of(p);
      }
    }
    return java.util.Optional.empty();
  }

  private static String readCrontab(TaskContext ctx, Args a, String user) throws TaskException, InterruptedException {
    requireCrontab(a);
    Commands.Result r = Commands.run(ctx, crontabArgv(user, "-l"));
    if (r.ok()) {
      return r.stdout();
    }
    if (r.stderr().contains("no crontab for")) {
      return "";
    }
    throw a.error(r.describe());
  }

  private static void writeCrontab(TaskContext ctx, Args a, String user, String content)
      throws TaskException, InterruptedException {
    Commands.Result r = content.isEmpty() ? Commands.run(ctx, crontabArgv(user, "-r"))
        : Commands.run(ctx, crontabArgv(user, "-"), Map.of(), content.getBytes(StandardCharsets.UTF_8));
    if (!r.ok()) {
      throw a.error(r.describe());
    }
  }
}
