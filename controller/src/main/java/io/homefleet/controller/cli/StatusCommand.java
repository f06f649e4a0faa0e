package io.homefleet.controller.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.homefleet.proto.v1.BackupState;
import io.homefleet.proto.v1.ConvergenceRecord;
import io.homefleet.proto.v1.GetStatusRequest;
import io.homefleet.proto.v1.HostConvergence;
import io.homefleet.proto.v1.PlayTaskRecord;
import io.homefleet.proto.v1.ScheduleStatus;
import io.homefleet.proto.v1.StatusResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code homefleet status}: the current state version, each host's convergence, and the schedules. */
@Command(name = "status", description = "Desired state: each host converged / drifted / failed / offline, its last "
    + "and next convergence and state version; the schedules' last and next runs.")
final class StatusCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec
  CommandSpec spec;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    StatusResponse r = OperatorClient.call(spec, op -> op.getStatus(GetStatusRequest.getDefaultInstance()));
    PrintWriter out = spec.commandLine().getOut();
    long now = System.currentTimeMillis();
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("version", r.getCurrentVersion());
      m.put("since", Times.iso(r.getCurrentSinceUnixMillis()));
      List<Object> hosts = new ArrayList<>();
      r.getHostsList().forEach(h -> hosts.add(hostMap(h)));
      m.put("hosts", hosts);
      List<Object> schedules = new ArrayList<>();
      for (ScheduleStatus s : r.getSchedulesList()) {
        Map<String, Object> sm = new LinkedHashMap<>();
        sm.put("name", s.getName());
        sm.put("group", s.getGroup());
        sm.put("when", s.getWhen());
        sm.put("what", s.getWhat());
        sm.put("last", Times.iso(s.getLastUnixMillis()));
        sm.put("last_run", s.getLastRunId());
        sm.put("last_state", s.getLastState());
        sm.put("next", Times.iso(s.getNextUnixMillis()));
        schedules.add(sm);
      }
      m.put("schedules", schedules);
      out.println(Json.write(m));
      return 0;
    }
    if (r.getCurrentVersion().isEmpty()) {
      out.println("state: none applied yet (homefleet state apply DIR)");
    } else {
      out.println("state: version " + StateCommand.shortV(r.getCurrentVersion()) + ", current since "
          + Times.iso(r.getCurrentSinceUnixMillis()) + " (" + Times.ago(r.getCurrentSinceUnixMillis(), now) + ")");
    }
    out.println();
    out.printf("%-20s %-10s %-8s %-13s %-10s %-10s %-8s %s%n", "HOST", "STATE", "MODE", "VERSION", "LAST", "NEXT",
        "CHANGED", "MESSAGE");
    for (HostConvergence h : r.getHostsList()) {
      out.printf("%-20s %-10s %-8s %-13s %-10s %-10s %-8s %s%n", h.getHost(), h.getStatus(), h.getMode(),
          StateCommand.shortV(h.getVersion()) + (!h.getVersion().isEmpty()
              && !h.getVersion().equals(r.getCurrentVersion()) ? "*" : ""),
          Times.ago(h.getLastUnixMillis(), now), in(h.getNextUnixMillis(), now), h.getChanged(), h.getMsg());
    }
    if (r.getHostsCount() == 0) {
      out.println("(no hosts enrolled)");
    }
    if (r.getHostsList().stream().anyMatch(h -> h.getBackupsCount() > 0)) {
      // From each online host's latest telemetry: what its backup records say (docs/backups.md).
      out.println();
      out.printf("%-20s %-14s %-10s %-12s %s%n", "BACKUP HOST", "STATE", "LAST", "SNAPSHOT AGE", "REPOSITORY");
      for (HostConvergence h : r.getHostsList()) {
        for (BackupState b : h.getBackupsList()) {
          out.printf("%-20s %-14s %-10s %-12s %s%n", h.getHost(), b.getState().equals("ok") ? "ok"
              : b.getState().toUpperCase(java.util.Locale.ROOT), Times.ago(b.getLastUnixMillis(), now),
              b.getSnapshotAgeSeconds() < 0 ? "-" : age(b.getSnapshotAgeSeconds())
                  + (b.getMaxAgeSeconds() > 0 ? " (max " + age(b.getMaxAgeSeconds()) + ")" : ""),
              b.getRepository());
        }
      }
    }
    if (r.getSchedulesCount() > 0) {
      out.println();
      out.printf("%-20s %-12s %-16s %-26s %-10s %-10s %s%n", "SCHEDULE", "GROUP", "WHEN", "WHAT", "LAST", "STATE",
          "NEXT");
      for (ScheduleStatus s : r.getSchedulesList()) {
        out.printf("%-20s %-12s %-16s %-26s %-10s %-10s %s%n", s.getName(), s.getGroup(), s.getWhen(), s.getWhat(),
            Times.ago(s.getLastUnixMillis(), now), s.getLastState().isEmpty() ? "-" : s.getLastState(),
            s.getNextUnixMillis() == 0 ? "-" : Times.iso(s.getNextUnixMillis()) + " (" + in(s.getNextUnixMillis(), now)
                + ")");
      }
    }
    return 0;
  }

  /** An age in seconds the way a person reads it: 45s, 12m, 26h, 3d. */
  static String age(long seconds) {
    return seconds < 120 ? seconds + "s" : seconds < 7200 ? seconds / 60 + "m"
        : seconds < 172_800 ? seconds / 3600 + "h" : seconds / 86_400 + "d";
  }

  static String in(long millis, long now) {
    if (millis <= 0) {
      return "-";
    }
    if (millis <= now) {
      return "due";
    }
    String ago = Times.ago(now - (millis - now), now);
    return "in " + ago.substring(0, ago.length() - " ago".length());
  }

  static Map<String, Object> hostMap(HostConvergence h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("host", h.getHost());
    m.put("status", h.getStatus());
    m.put("mode", h.getMode());
    m.put("version", h.getVersion());
    m.put("last", Times.iso(h.getLastUnixMillis()));
    m.put("last_run", h.getLastRunId());
    m.put("next", Times.iso(h.getNextUnixMillis()));
    m.put("changed", h.getChanged());
    m.put("msg", h.getMsg());
    List<Object> history = new ArrayList<>();
    for (ConvergenceRecord c : h.getHistoryList()) {
      Map<String, Object> cm = new LinkedHashMap<>();
      cm.put("run", c.getRunId());
      cm.put("at", Times.iso(c.getAtUnixMillis()));
      cm.put("version", c.getVersion());
      cm.put("mode", c.getMode());
      cm.put("trigger", c.getTrigger());
      cm.put("status", c.getStatus());
      cm.put("msg", c.getMsg());
      List<Object> drift = new ArrayList<>();
      for (PlayTaskRecord t : c.getDriftList()) {
        Map<String, Object> dm = new LinkedHashMap<>();
        dm.put("task", t.getResult().getTask().getName());
        dm.put("location", t.getResult().getTask().getLocation());
        dm.put("diff", diffText(t));
        drift.add(dm);
      }
      cm.put("drift", drift);
      history.add(cm);
    }
    m.put("history", history);
    List<Object> backups = new ArrayList<>();
    for (BackupState b : h.getBackupsList()) {
      Map<String, Object> bm = new LinkedHashMap<>();
      bm.put("repository", b.getRepository());
      bm.put("state", b.getState());
      bm.put("last", Times.iso(b.getLastUnixMillis()));
      bm.put("snapshot_age_seconds", b.getSnapshotAgeSeconds());
      bm.put("max_age_seconds", b.getMaxAgeSeconds());
      backups.add(bm);
    }
    m.put("backups", backups);
    return m;
  }

  /** The convergence part of {@code homefleet hosts show}: status, then the history with each drift's diff. */
  static void printHost(PrintWriter out, HostConvergence h, long now) {
    out.println("convergence:");
    out.println("  status: " + h.getStatus() + " (" + h.getMode() + ")");
    out.println("  version: " + h.getVersion());
    out.println("  last: " + Times.iso(h.getLastUnixMillis()) + (h.getLastRunId().isEmpty() ? ""
        : " (run " + h.getLastRunId() + ")"));
    out.println("  next: " + in(h.getNextUnixMillis(), now));
    if (!h.getMsg().isEmpty()) {
      out.println("  message: " + h.getMsg());
    }
    if (h.getHistoryCount() > 0) {
      out.println("  history:");
    }
    for (ConvergenceRecord c : h.getHistoryList()) {
      out.println("    - " + Times.iso(c.getAtUnixMillis()) + " " + c.getStatus() + " (" + c.getMode() + ", "
          + c.getTrigger() + ", version " + StateCommand.shortV(c.getVersion()) + ", run " + c.getRunId() + ")"
          + (c.getMsg().isEmpty() ? "" : ": " + c.getMsg()));
      for (PlayTaskRecord t : c.getDriftList()) {
        out.println("      changed: " + t.getResult().getTask().getName() + " (" + t.getResult().getTask().getLocation()
            + ")");
        for (String line : diffText(t).split("\n", -1)) {
          if (!line.isEmpty()) {
            out.println("        " + line);
          }
        }
      }
    }
  }

  private static String diffText(PlayTaskRecord t) {
    try {
      String raw = t.getResult().getDiffsJson().toStringUtf8();
      if (raw.isBlank()) {
        return "";
      }
      List<Map<String, Object>> diffs = JSON.readValue(raw, new TypeReference<List<Map<String, Object>>>() {});
      StringBuilder sb = new StringBuilder();
      diffs.forEach(d -> sb.append(UnifiedDiff.render(d)));
      return sb.toString();
    } catch (IOException e) {
      return "";
    }
  }
}
