package io.homefleet.agent.module.file;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ansible's {@code stat}: facts about a path under {@code stat} ({@code exists}, {@code mode},
 * {@code isdir}, {@code checksum}, ...). Reads only, so check mode is the same as a run.
 */
public final class StatModule implements Module {
  @Override
  public String name() {
    return "stat";
  }

  @Override
  public Outcome run(Map<String, Object> raw, TaskContext ctx) throws TaskException {
    Args a = Args.of(name(), raw);
    Path path = Path.of(a.required("path"));
    boolean follow = a.bool("follow", false);
    boolean getChecksum = a.bool("get_checksum", true);
    String algorithm = a.choice("checksum_algorithm", "sha1", "md5", "sha1", "sha224", "sha256", "sha384", "sha512");
    Map<String, Object> stat = new LinkedHashMap<>();
    LinkOption[] opts = follow ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
    if (!Files.exists(path, opts)) {
      stat.put("exists", false);
      return Outcome.result(false, "", Map.of("stat", stat));
    }
    try {
      stat.put("exists", true);
      stat.put("path", path.toString());
      stat.putAll(StatInfo.of(path, opts));
      stat.put("readable", Files.isReadable(path));
      stat.put("writeable", Files.isWritable(path));
      stat.put("executable", Files.isExecutable(path));
      if (Files.isSymbolicLink(path)) {
        Path target = Files.readSymbolicLink(path);
        // A dangling link has no real path; Ansible then gives the resolved, nonexistent one.
        stat.put("lnk_source", Files.exists(path) ? path.toRealPath().toString()
            : path.toAbsolutePath().getParent().resolve(target).normalize().toString());
        stat.put("lnk_target", target.toString());
      }
      if (getChecksum && Files.isRegularFile(path, opts) && Files.isReadable(path)) {
        stat.put("checksum", AtomicFiles.digest(path, algorithm));
      }
    } catch (IOException e) {
      throw a.error("cannot stat " + path + ": " + e.getMessage());
    }
    return Outcome.result(false, "", Map.of("stat", stat));
  }
}
