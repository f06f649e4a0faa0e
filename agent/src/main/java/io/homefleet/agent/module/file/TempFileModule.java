package io.homefleet.agent.module.file;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ansible's {@code tempfile}: a new file (0600) or directory (0700) named
 * {@code PREFIX + 8 random characters + SUFFIX}, as Python's {@code mkstemp}/{@code mkdtemp}
 * name them, in {@code path} or the temporary directory ({@code TMPDIR}, else {@code /tmp}).
 * Returns {@code path} with the attributes Ansible adds to it. Always a change; Ansible's module has no check mode, so a check run skips it as Ansible does.
 */
public final class TempFileModule implements Module {
  private static final String CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_";
  private static final int ATTEMPTS = 10_000;
  private final SecureRandom random = new SecureRandom();

  @Override
  public String name() {
    return "tempfile";
  }

  @Override
  public Outcome run(Map<String, Object> raw, TaskContext ctx) throws TaskException {
    Args a = Args.of(name(), raw);
    String state = a.choice("state", "file", "file", "directory");
    String prefix = a.str("prefix", "ansible.");
    String suffix = a.str("suffix", "");
    if (ctx.checkMode()) {
      return Outcome.of(Outcome.Status.SKIPPED, "remote module (tempfile) does not support check mode");
    }
    Path dir = Path.of(a.str("path").orElseGet(() -> tmpdir(ctx))).toAbsolutePath();
    for (int i = 0; i < ATTEMPTS; i++) {
      Path p = dir.resolve(prefix + randomName() + suffix);
      try {
        if (state.equals("file")) {
          Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
          Files.createDirectory(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("path", p.toString());
        data.putAll(PathInfo.of(p));
        return Outcome.result(true, "", data);
      } catch (FileAlreadyExistsException e) {
        // Python's mkstemp tries another name, up to TMP_MAX times.
      } catch (IOException e) {
        throw a.error("cannot create a temporary " + state + " in " + dir + ": " + e.getMessage());
      }
    }
    throw a.error("No usable temporary file name found");
  }

  private String randomName() {
    StringBuilder s = new StringBuilder(8);
    for (int i = 0; i < 8; i++) {
      s.append(CHARS.charAt(random.nextInt(CHARS.length())));
    }
    return s.toString();
  }

  /** Python's {@code tempfile.gettempdir}: TMPDIR, TEMP, TMP, then /tmp. */
  private static String tmpdir(TaskContext ctx) {
    for (String var : new String[] {"TMPDIR", "TEMP", "TMP"}) {
      String v = ctx.task().environment().getOrDefault(var, System.getenv(var));
      if (v != null && !v.isEmpty() && Files.isDirectory(Path.of(v))) {
        return v;
      }
    }
    return "/tmp";
  }
}
