package io.homefleet.agent.module.restic;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Commands;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code restic_restore}: restores a snapshot ({@code snapshot}, by id or {@code latest} of the
 * {@code host}/{@code paths}/{@code tags} given) into {@code target}, optionally only the
 * {@code include}d paths, and with {@code verify: true} has restic read every restored file back
 * against the repository. restic restores absolute paths under the target ({@code /srv/a} to
 * {@code TARGET/srv/a}); {@code target: /} puts them back in place. Check mode resolves the
 * snapshot and restores nothing.
 */
public final class ResticRestoreModule implements Module {
  private static final Pattern VERIFIED = Pattern.compile("finished verifying (\\d+) files");

  @Override
  public String name() {
    return "restic_restore";
  }

  @Override
  public Outcome run(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), raw);
    Restic restic = Restic.of(a);
    String target = a.required("target");
    if (!Path.of(target).isAbsolute()) {
      throw a.error("target " + target + " is not an absolute path");
    }
    Restic.Snapshot snap = resolve(a, restic, ctx);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("repository", restic.shown());
    data.put("snapshot_id", snap.shortId());
    data.put("snapshot_time", java.time.Instant.ofEpochMilli(snap.unixMillis()).toString());
    data.put("target", target);
    if (ctx.checkMode()) {
      return Outcome.result(true, "would restore snapshot " + snap.shortId() + " to " + target, data);
    }
    List<String> args = new ArrayList<>(List.of("restore", snap.id(), "--target", target));
    for (String i : a.list("include")) {
      args.addAll(List.of("--include", i));
    }
    for (String x : a.list("exclude")) {
      args.addAll(List.of("--exclude", x));
    }
    boolean verify = a.bool("verify", false);
    if (verify) {
      args.add("--verify");
    }
    Commands.Result r = restic.run(ctx, args);
    // restic 0.14 reports a file it could not restore or verify on stderr, and exits non-zero.
    if (!r.ok() || r.stderr().contains("There were") && r.stderr().contains("errors")) {
      return Outcome.failed(restic.failure("restore snapshot " + snap.shortId() + " from", r), data);
    }
    if (verify) {
      Matcher m = VERIFIED.matcher(r.stdout());
      data.put("verified_files", m.find() ? Long.parseLong(m.group(1)) : 0L);
    }
    return Outcome.result(true, "restored snapshot " + snap.shortId() + " of " + restic.shown() + " to " + target,
        data);
  }

  /** The snapshot {@code snapshot} names: an id (or its prefix) or {@code latest} among the filtered ones. */
  static Restic.Snapshot resolve(Args a, Restic restic, TaskContext ctx) throws TaskException, InterruptedException {
    List<String> filters = new ArrayList<>();
    a.str("host").ifPresent(h -> filters.addAll(List.of("--host", h)));
    for (String p : a.list("paths")) {
      filters.addAll(List.of("--path", p));
    }
    for (String t : a.list("tags")) {
      filters.addAll(List.of("--tag", t));
    }
    return resolve(a.module(), a.str("snapshot", "latest"), filters, restic, ctx);
  }

  /** The snapshot {@code want} names among those {@code filters} select. */
  static Restic.Snapshot resolve(String module, String want, List<String> filters, Restic restic, TaskContext ctx)
      throws TaskException, InterruptedException {
    List<Restic.Snapshot> all = restic.snapshots(ctx, filters);
    if (all.isEmpty()) {
      throw new TaskException(module, "the repository at " + restic.shown() + " has no snapshots"
          + (filters.isEmpty() ? "" : " matching " + String.join(" ", filters)) + ": back it up first");
    }
    if (want.equals("latest")) {
      return all.stream().max(java.util.Comparator.comparingLong(Restic.Snapshot::unixMillis)).orElseThrow();
    }
    List<Restic.Snapshot> matching = all.stream().filter(s -> s.id().startsWith(want)).toList();
    if (matching.size() != 1) {
      throw new TaskException(module, "snapshot " + want + (matching.isEmpty() ? " is not" : " is ambiguous")
          + " in the repository at " + restic.shown() + " (its snapshots: "
          + String.join(", ", all.stream().map(Restic.Snapshot::shortId).toList()) + "); give an id or latest");
    }
    return matching.get(0);
  }
}
