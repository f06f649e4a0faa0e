package io.homefleet.agent.module.restic;

import io.homefleet.agent.backup.BackupHistory;
import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Commands;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.file.AtomicFiles;
import io.homefleet.pki.SecureFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code restic_canary}: proves a repository gives back what was backed up. It restores a few
 * known files into a scratch directory and compares each, by size and SHA-256, with what the
 * last {@code restic_backup} recorded for its {@code canary_files} ({@code against: recorded},
 * from that backup's snapshot), or with the files on the host now ({@code against: live}, for
 * files that must not change, from the latest snapshot). Any difference, a file missing from the
 * snapshot, or a restore restic refuses (a damaged pack) fails the task loudly, naming each file.
 * The result and its time go to the agent's {@link BackupHistory}, which the metrics export. The
 * scratch directory is removed afterwards; the host is not changed, so check mode only says what
 * would be compared.
 */
public final class ResticCanaryModule implements Module {
  private final BackupHistory history;

  public ResticCanaryModule(BackupHistory history) {
    this.history = history;
  }

  @Override
  public String name() {
    return "restic_canary";
  }

  @Override
  public Outcome run(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), raw);
    Restic restic = Restic.of(a);
    String against = a.choice("against", "recorded", "recorded", "live");
    List<String> only = a.list("files");
    BackupHistory.Entry entry;
    try {
      entry = history.find(restic.shown()).orElse(null);
    } catch (IOException e) {
      throw new TaskException(name(), "cannot read the backup records in " + history.dir() + ": " + e.getMessage());
    }
    List<BackupHistory.Recorded> expected = new ArrayList<>();
    String snapshot;
    if (against.equals("recorded")) {
      if (entry == null || entry.recorded().isEmpty() || entry.canarySnapshot() == null) {
        throw new TaskException(name(), "no backup on this host recorded canary files for " + restic.shown()
            + ": give restic_backup canary_files (a few files it backs up), or use against: live with files");
      }
      for (BackupHistory.Recorded r : entry.recorded()) {
        if (only.isEmpty() || only.contains(r.path())) {
          expected.add(r);
        }
      }
      if (expected.isEmpty()) {
        throw a.error("none of files " + only + " was recorded by the last backup (it recorded "
            + entry.recorded().stream().map(BackupHistory.Recorded::path).toList() + ")");
      }
      snapshot = a.str("snapshot", entry.canarySnapshot());
    } else {
      if (only.isEmpty()) {
        throw a.error("against: live needs files: the host's files that the snapshot must hold unchanged");
      }
      for (String f : only) {
        try {
          expected.add(record(Path.of(f)));
        } catch (IOException e) {
          throw a.error("files: cannot read " + f + " on the host: " + e.getMessage());
        }
      }
      snapshot = a.str("snapshot", "latest");
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("repository", restic.shown());
    data.put("against", against);
    data.put("files", expected.stream().map(BackupHistory.Recorded::path).toList());
    if (ctx.checkMode()) {
      data.put("snapshot_id", snapshot);
      return Outcome.result(false, "would restore " + expected.size() + " file(s) of snapshot " + snapshot
          + " and compare them", data);
    }
    Restic.Snapshot snap;
    try {
      snap = ResticRestoreModule.resolve(name(), snapshot, List.of(), restic, ctx);
    } catch (TaskException e) {
      return fail(restic, snapshot, expected.size(), e.getMessage(), data);
    }
    data.put("snapshot_id", snap.shortId());

    Path scratch;
    try {
      Files.createDirectories(ctx.workDir());
      scratch = Files.createTempDirectory(ctx.workDir(), "canary-");
    } catch (IOException e) {
      throw new TaskException(name(), "cannot make a scratch directory in " + ctx.workDir() + ": " + e.getMessage());
    }
    try {
      List<String> args = new ArrayList<>(List.of("restore", snap.id(), "--target", scratch.toString()));
      for (BackupHistory.Recorded r : expected) {
        args.addAll(List.of("--include", r.path()));
      }
      Commands.Result r = restic.run(ctx, args);
      if (!r.ok()) {
        return fail(restic, snap.shortId(), expected.size(),
            restic.failure("restore the canary files from", r), data);
      }
      List<String> differ = new ArrayList<>();
      for (BackupHistory.Recorded want : expected) {
        Path got = scratch.resolve(want.path().substring(1));
        if (!Files.isRegularFile(got)) {
          differ.add(want.path() + ": not in snapshot " + snap.shortId());
          continue;
        }
        BackupHistory.Recorded found;
        try {
          found = record(got);
        } catch (IOException e) {
          differ.add(want.path() + ": restored but unreadable: " + e.getMessage());
          continue;
        }
        if (found.size() != want.size() || !found.sha256().equals(want.sha256())) {
          differ.add(want.path() + ": " + (against.equals("live") ? "on the host" : "recorded") + " " + want.size()
              + " bytes sha256 " + want.sha256() + ", restored " + found.size() + " bytes sha256 " + found.sha256());
        }
      }
      data.put("differ", differ);
      if (!differ.isEmpty()) {
        return fail(restic, snap.shortId(), expected.size(), "CANARY RESTORE FAILED: " + differ.size() + " of "
            + expected.size() + " file(s) restored from snapshot " + snap.shortId() + " of " + restic.shown()
            + " differ from " + (against.equals("live") ? "the host's" : "what the backup recorded") + ": "
            + String.join("; ", differ) + (against.equals("live") ? ""
                : ". Do not trust this repository until restic_check with read_data passes"), data);
      }
      record(restic, new BackupHistory.Canary(System.currentTimeMillis(), true, snap.shortId(), expected.size(), ""));
      return Outcome.result(false, expected.size() + " file(s) restored from snapshot " + snap.shortId() + " of "
          + restic.shown() + " match " + (against.equals("live") ? "the host's" : "what the backup recorded"), data);
    } finally {
      try {
        SecureFiles.deleteTree(scratch);
      } catch (IOException e) {
        ctx.log().warn("cannot remove the canary's scratch directory {}: {}", scratch, e.getMessage());
      }
    }
  }

  private Outcome fail(Restic restic, String snapshot, int files, String msg, Map<String, Object> data)
      throws TaskException {
    record(restic, new BackupHistory.Canary(System.currentTimeMillis(), false, snapshot, files, msg));
    return Outcome.failed(msg, data);
  }

  private void record(Restic restic, BackupHistory.Canary c) throws TaskException {
    try {
      history.canary(restic.shown(), c);
    } catch (IOException e) {
      throw new TaskException(name(), "the canary restore " + (c.ok() ? "passed" : "failed (" + c.msg() + ")")
          + " but its record in " + history.dir() + " could not be written: " + e.getMessage());
    }
  }

  /** A file's path, size and SHA-256, as a backup records it for canaries. */
  static BackupHistory.Recorded record(Path file) throws IOException {
    return new BackupHistory.Recorded(file.toString(), Files.size(file), AtomicFiles.digest(file, "sha256"));
  }
}
