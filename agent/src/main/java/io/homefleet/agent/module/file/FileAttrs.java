package io.homefleet.agent.module.file;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Diff;
import io.homefleet.agent.exec.Plan;
import io.homefleet.agent.exec.TaskException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code mode}, {@code owner} and {@code group} every file-writing module takes, as one
 * sub-check: compares what is on disk (or will be, for a file about to be written) with what
 * was asked and returns the drift. Return values are Ansible's: {@code mode}, {@code owner},
 * {@code group}, {@code uid}, {@code gid}, {@code size}, {@code state}.
 */
public record FileAttrs(Optional<Modes.Spec> mode, Optional<String> owner, Optional<String> group) {

  public static FileAttrs of(Args a) throws TaskException {
    if (a.has("attributes")) {
      throw a.error("attributes (chattr flags) are not supported by homefleet yet (see docs/modules.md)");
    }
    Optional<Modes.Spec> mode;
    try {
      mode = a.raw("mode").isPresent() ? Optional.of(Modes.parse(a.raw("mode").get())) : Optional.empty();
    } catch (IllegalArgumentException e) {
      throw a.error(e.getMessage());
    }
    return new FileAttrs(mode, a.str("owner").filter(s -> !s.isEmpty()), a.str("group").filter(s -> !s.isEmpty()));
  }

  public boolean any() {
    return mode.isPresent() || owner.isPresent() || group.isPresent();
  }

  /**
   * Plans the attributes of {@code path} given what is there now ({@code current}; empty when the
   * file will be created by an earlier sub-plan, with {@code defaultMode} and the agent's ids).
   */
  public Plan plan(String module, Path path, Optional<PosixAttrs> current, int defaultMode, boolean directory)
      throws TaskException {
    int curMode = current.map(PosixAttrs::mode).orElse(defaultMode);
    int curUid = current.map(PosixAttrs::uid).orElse(myUid());
    int curGid = current.map(PosixAttrs::gid).orElse(myGid());
    int wantMode;
    int wantUid;
    int wantGid;
    try {
      wantMode = mode.isPresent() ? mode.get().resolve(curMode, directory) : curMode;
    } catch (IllegalArgumentException e) {
      throw new TaskException(module, path + ": " + e.getMessage());
    }
    try {
      wantUid = owner.isPresent() ? PosixAttrs.uid(owner.get()) : curUid;
      wantGid = group.isPresent() ? PosixAttrs.gid(group.get()) : curGid;
    } catch (IOException | IllegalArgumentException e) {
      if (current.isPresent()) {
        throw new TaskException(module, path + ": " + e.getMessage());
      }
      return deferred(module, path, wantMode, directory);
    }
    Map<String, Object> data = new LinkedHashMap<>();
    try {
      data.put("mode", Modes.format(wantMode));
      data.put("owner", PosixAttrs.userName(wantUid));
      data.put("group", PosixAttrs.groupName(wantGid));
    } catch (IOException e) {
      throw new TaskException(module, "cannot read the user database: " + e.getMessage());
    }
    data.put("uid", wantUid);
    data.put("gid", wantGid);
    Map<String, Object> before = new LinkedHashMap<>();
    Map<String, Object> after = new LinkedHashMap<>();
    List<String> what = new ArrayList<>();
    if (current.isPresent() && wantMode != curMode) {
      before.put("mode", Modes.format(curMode));
      after.put("mode", Modes.format(wantMode));
      what.add("mode");
    }
    if (current.isPresent() && wantUid != curUid) {
      before.put("owner", curUid);
      after.put("owner", wantUid);
      what.add("owner");
    }
    if (current.isPresent() && wantGid != curGid) {
      before.put("group", curGid);
      after.put("group", wantGid);
      what.add("group");
    }
    boolean newFile = current.isEmpty();
    boolean needs = !what.isEmpty() || (newFile && (mode.isPresent() || owner.isPresent() || group.isPresent()));
    if (!needs) {
      return Plan.inSync(data);
    }
    before.put("path", path.toString());
    after.put("path", path.toString());
    return new Plan.Drift(newFile ? List.of() : List.of(Diff.attrs(path.toString(), before, after)), data, () -> {
      try {
        if (wantUid != curUid || wantGid != curGid || newFile) {
          PosixAttrs.chown(path, wantUid, wantGid);
        }
        // chown clears setuid/setgid, so the mode comes after it.
        PosixAttrs.setMode(path, wantMode);
      } catch (IOException e) {
        throw new TaskException(module, "cannot set attributes of " + path + ": " + e.getMessage());
      }
      return Map.of();
    });
  }

  /**
   * A file still to be created whose owner or group does not exist yet. In check mode an earlier
   * task (a {@code user} or {@code group}) may only have reported creating them: Ansible's
   * {@code file} then reports the new file as a change without looking them up, and so does
   * this. Applying looks them up again and fails if they are still missing.
   */
  private Plan deferred(String module, Path path, int wantMode, boolean directory) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("mode", Modes.format(wantMode));
    owner.ifPresent(o -> data.put("owner", o));
    group.ifPresent(g -> data.put("group", g));
    return new Plan.Drift(List.of(), data, () -> {
      try {
        int uid = owner.isPresent() ? PosixAttrs.uid(owner.get()) : myUid();
        int gid = group.isPresent() ? PosixAttrs.gid(group.get()) : myGid();
        PosixAttrs.chown(path, uid, gid);
        PosixAttrs.setMode(path, wantMode);
        return Map.of("uid", uid, "gid", gid);
      } catch (IOException | IllegalArgumentException e) {
        throw new TaskException(module, path + ": " + e.getMessage());
      }
    });
  }

  /** Sets the attributes at once, for a file just created (no plan, no diff). */
  public void applyNow(String module, Path path, int defaultMode, boolean directory) throws TaskException {
    Plan p = plan(module, path, read(path), defaultMode, directory);
    if (p instanceof Plan.Drift d) {
      try {
        d.apply().apply();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  public static Optional<PosixAttrs> read(Path p) throws TaskException {
    try {
      return java.nio.file.Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
          ? Optional.of(PosixAttrs.read(p, false)) : Optional.empty();
    } catch (IOException e) {
      throw new TaskException("file", "cannot read attributes of " + p + ": " + e.getMessage());
    }
  }

  private static int myUid() {
    return Me.UID;
  }

  private static int myGid() {
    return Me.GID;
  }

  /** The agent's own ids: asked once (each UnixSystem loads its native library again). */
  private static final class Me {
    private static final com.sun.security.auth.module.UnixSystem SYSTEM = new com.sun.security.auth.module.UnixSystem();
    static final int UID = (int) SYSTEM.getUid();
    static final int GID = (int) SYSTEM.getGid();
  }
}
