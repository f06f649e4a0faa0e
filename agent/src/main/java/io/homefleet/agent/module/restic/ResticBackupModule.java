package io.homefleet.agent.module.restic;

import com.fasterxml.jackson.databind.JsonNode;
import io.homefleet.agent.backup.BackupHistory;
import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Commands;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code restic_backup}: backs up {@code paths} into a restic repository (creating it with
 * {@code init: true} when it is missing), then applies the retention ({@code keep_last},
 * {@code keep_hourly}, ... {@code keep_yearly}) to this job's snapshots and prunes. Each run is
 * recorded in the agent's {@link BackupHistory} (the agent's metrics read it), with the size
 * and SHA-256 of the {@code canary_files} that a later {@code restic_canary} compares against.
 * Check mode runs restic's {@code --dry-run} for both steps: what would be added and which
 * snapshots would go, nothing written.
 */
public final class ResticBackupModule implements Module {
  /** restic's --keep-* options, in the order forget applies them. */
  static final List<String> KEEP = List.of("keep_last", "keep_hourly", "keep_daily", "keep_weekly", "keep_monthly",
      "keep_yearly");

  private final BackupHistory history;

  public ResticBackupModule(BackupHistory history) {
    this.history = history;
  }

  @Override
  public String name() {
    return "restic_backup";
  }

  @Override
  public Outcome run(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), raw);
    Restic restic = Restic.of(a);
    List<String> paths = a.list("paths");
    if (paths.isEmpty()) {
      throw a.error("paths is empty: name the files or directories to back up");
    }
    for (String p : paths) {
      if (!Path.of(p).isAbsolute()) {
        throw a.error("paths: " + p + " is not absolute; restic records paths as given, so give absolute ones");
      }
      if (!Files.exists(Path.of(p))) {
        throw a.error("paths: " + p + " does not exist; create it or remove it from paths");
      }
    }
    Map<String, Long> keep = new LinkedHashMap<>();
    for (String k : KEEP) {
      a.integer(k).ifPresent(n -> keep.put(k, n));
    }
    for (Map.Entry<String, Long> e : keep.entrySet()) {
      if (e.getValue() < 0) {
        throw a.error(e.getKey() + " must be 0 or more, got " + e.getValue());
      }
    }
    boolean prune = a.bool("prune", true);
    long maxAge = a.str("max_age").isPresent() ? ResticCheckModule.age(a, a.str("max_age").get()).toMillis() : 0;
    boolean init = a.bool("init", false);
    List<String> canaryFiles = a.list("canary_files");
    for (String f : canaryFiles) {
      Path p = Path.of(f);
      if (!p.isAbsolute() || !Files.isRegularFile(p) || paths.stream().noneMatch(root -> p.startsWith(root))) {
        throw a.error("canary_files: " + f + " must be an existing regular file under one of paths " + paths);
      }
    }

    Map<String, Object> data = new LinkedHashMap<>();
    data.put("repository", restic.shown());
    boolean check = ctx.checkMode();
    List<BackupHistory.Recorded> recorded = new ArrayList<>();
    for (String f : canaryFiles) {
      try {
        recorded.add(ResticCanaryModule.record(Path.of(f)));
      } catch (IOException e) {
        throw a.error("canary_files: cannot read " + f + ": " + e.getMessage());
      }
    }

    List<String> args = new ArrayList<>(List.of("backup", "--json"));
    for (String t : a.list("tags")) {
      args.addAll(List.of("--tag", t));
    }
    for (String x : a.list("excludes")) {
      args.addAll(List.of("--exclude", x));
    }
    a.str("host").ifPresent(h -> args.addAll(List.of("--host", h)));
    if (check) {
      args.add("--dry-run");
    }
    args.add("--");
    args.addAll(paths);
    long started = System.currentTimeMillis();
    // No separate look first: every restic run derives the key from the password (most of its time).
    Commands.Result r = restic.run(ctx, args);
    boolean created = false;
    if (!r.ok() && Restic.missing(r)) {
      if (!init) {
        throw restic.noRepository();
      }
      if (check) {
        // Nothing to dry-run against: the repository would be made first.
        data.put("initialized", true);
        return Outcome.result(true, "would create the repository at " + restic.shown() + " and back up "
            + paths.size() + " path(s)", data);
      }
      restic.init(ctx);
      created = true;
      started = System.currentTimeMillis();
      r = restic.run(ctx, args);
    }
    data.put("initialized", created);
    JsonNode summary = summary(restic, r.stdout());
    if (!r.ok() || summary == null || !check && summary.path("snapshot_id").asText("").isEmpty()) {
      // rc 3: restic made the snapshot but could not read some files; anything else: no snapshot.
      String msg = r.rc() == 3 && summary != null
          ? "restic made snapshot " + summary.path("snapshot_id").asText() + " of " + restic.shown()
              + " but could not read some files (listed in stderr); fix their permissions or exclude them"
          : restic.failure("back up to", r);
      if (!check) {
        record(restic, new BackupHistory.Backup(System.currentTimeMillis(), false,
            summary == null ? "" : summary.path("snapshot_id").asText(""), 0, 0, 0, msg), started, List.of(), maxAge);
      }
      data.put("stderr_tail", r.stderr().lines().filter(l -> !l.isBlank()).reduce((x, y) -> y).orElse(""));
      return Outcome.failed(msg, data);
    }
    if (!check) {
      data.put("snapshot_id", summary.path("snapshot_id").asText());
    }
    for (String f : List.of("files_new", "files_changed", "files_unmodified", "dirs_new", "dirs_changed",
        "data_added", "total_files_processed", "total_bytes_processed")) {
      data.put(f, summary.path(f).asLong());
    }

    if (!keep.isEmpty()) {
      List<String> forget = new ArrayList<>(List.of("forget", "--json"));
      keep.forEach((k, n) -> forget.addAll(List.of("--" + k.replace('_', '-'), String.valueOf(n))));
      // Only this job's snapshots: those of the same host and paths (restic's default grouping).
      a.str("host").ifPresent(h -> forget.addAll(List.of("--host", h)));
      for (String p : paths) {
        forget.addAll(List.of("--path", p));
      }
      if (prune) {
        forget.add("--prune");
      }
      if (check) {
        forget.add("--dry-run");
      }
      Commands.Result f = restic.run(ctx, forget);
      List<String> removed = new ArrayList<>();
      List<String> kept = new ArrayList<>();
      // With --prune, prune's text follows forget's JSON: only the first line is JSON.
      String first = f.stdout().lines().filter(l -> l.startsWith("[")).findFirst().orElse("");
      if (!first.isEmpty()) {
        for (JsonNode group : restic.json(first)) {
          group.path("remove").forEach(s -> removed.add(s.path("short_id").asText()));
          group.path("keep").forEach(s -> kept.add(s.path("short_id").asText()));
        }
      }
      data.put("forgotten", removed);
      data.put("kept", kept);
      data.put("pruned", prune && !check);
      if (!f.ok()) {
        String msg = "backup " + data.get("snapshot_id") + " was made, but retention failed: "
            + restic.failure("forget snapshots in", f);
        if (!check) {
          record(restic, new BackupHistory.Backup(System.currentTimeMillis(), false,
              String.valueOf(data.get("snapshot_id")), summary.path("data_added").asLong(),
              summary.path("files_new").asLong(), summary.path("files_changed").asLong(), msg), started, recorded,
              maxAge);
        }
        return Outcome.failed(msg, data);
      }
    }
    data.put("canary_files", recorded.size());
    if (check) {
      return Outcome.result(true, "would back up " + data.get("total_files_processed") + " file(s), adding "
          + data.get("data_added") + " bytes", data);
    }
    record(restic, new BackupHistory.Backup(System.currentTimeMillis(), true, String.valueOf(data.get("snapshot_id")),
        summary.path("data_added").asLong(), summary.path("files_new").asLong(),
        summary.path("files_changed").asLong(), ""), started, recorded, maxAge);
    return Outcome.result(true, "snapshot " + data.get("snapshot_id") + " of " + paths.size() + " path(s) in "
        + restic.shown() + ", " + data.get("data_added") + " bytes added", data);
  }

  private void record(Restic restic, BackupHistory.Backup b, long snapshotMillis, List<BackupHistory.Recorded> files,
      long maxAge) throws TaskException {
    try {
      history.backup(restic.shown(), b, snapshotMillis, files, maxAge);
    } catch (IOException e) {
      throw new TaskException(name(), "the backup ran (" + (b.ok() ? "snapshot " + b.snapshotId() : b.msg())
          + ") but its record in " + history.dir() + " could not be written: " + e.getMessage());
    }
  }

  /** The {@code summary} message among restic's JSON lines, or null. */
  private static JsonNode summary(Restic restic, String stdout) throws TaskException {
    JsonNode found = null;
    for (String line : stdout.lines().toList()) {
      if (line.startsWith("{") && line.contains("\"message_type\":\"summary\"")) {
        found = restic.json(line);
      }
    }
    return found;
  }
}
