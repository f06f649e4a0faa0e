package io.homefleet.agent.module.command;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ansible's {@code script}: a file from the play's bundle, copied to a private temporary
 * directory, made executable and run through {@code /bin/sh -c} with the rest of the free form
 * ({@code cmd}) as its arguments, or with {@code executable} as the interpreter; {@code chdir},
 * {@code creates} and {@code removes} as ansible-core 2.14's action plugin reads them. Always
 * changed when it runs; a non-zero exit fails with {@code non-zero return code}. Check mode
 * runs nothing: changed when {@code creates}/{@code removes} guard the task, else skipped.
 */
public final class ScriptModule implements Module {
  /** The argument the controller adds: the script's path in the bundle, found as Ansible finds it. */
  public static final String BUNDLE_FILE = "_script_file";

  @Override
  public String name() {
    return "script";
  }

  @Override
  public Outcome run(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), raw);
    if (a.has("cmd") && a.has("_raw_params")) {
      throw a.error("The 'cmd' argument cannot be used when other raw parameters are specified. Please put everything"
          + " in one or the other place.");
    }
    String line = a.str("_raw_params").or(() -> a.str("cmd")).orElse("").strip();
    Path chdir = a.str("chdir").map(Path::of).orElse(null);
    String creates = a.str("creates").orElse("");
    if (!creates.isEmpty() && Files.exists(Path.of(creates))) {
      return skip(creates + " exists, matching creates option");
    }
    String removes = a.str("removes").orElse("");
    if (!removes.isEmpty() && !Files.exists(Path.of(removes))) {
      return skip(removes + " does not exist, matching removes option");
    }
    if (chdir != null && !chdir.isAbsolute()) {
      // Failed before anything ran: no rc and no output, as Ansible's action plugin reports it.
      String msg = "chdir " + chdir + " must be an absolute path for a Unix-aware remote node";
      return new Outcome(Outcome.Status.FAILED, 0, "", "", msg, Map.of("msg", msg), false, false);
    }
    List<String> words;
    try {
      words = CommandLineSplitter.split(line);
    } catch (IllegalArgumentException e) {
      throw a.error(e.getMessage());
    }
    if (words.isEmpty()) {
      throw a.error("no script given (write 'script: FILE ARGS', or cmd: FILE ARGS)");
    }
    String first = words.get(0);
    Path source = a.str(BUNDLE_FILE).map(Path::of).orElse(null);
    if (source == null) {
      source = ctx.bundleFile(name(), first, "files");
    }
    if (ctx.checkMode()) {
      if (!creates.isEmpty() || !removes.isEmpty()) {
        return new Outcome(Outcome.Status.CHANGED, 0, "", "", "", Map.of(), false, false);
      }
      return skip("Check mode is not supported for this task.");
    }
    Path tmp = null;
    try {
      // The play's work dir is the agent's alone: a script run as another user gets a directory that user owns.
      tmp = ctx.account().isEmpty() ? Files.createTempDirectory(ctx.workDir(), "script-")
          : Files.createTempDirectory("script-");
      Path copy = tmp.resolve(source.getFileName().toString());
      Files.copy(source, copy, StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwx------"));
      if (ctx.account().isPresent()) {
        ctx.account().get().own(tmp);
        ctx.account().get().own(copy);
      }
      // As Ansible: every occurrence of the script's name in the line becomes the copy's path.
      String command = line.replace(first, copy.toString());
      String exec = a.str("executable").orElse("");
      Outcome o = ProcessRunner.run(List.of("/bin/sh", "-c", exec.isEmpty() ? command : exec + " " + command), chdir,
          Map.of(), null, true, ctx);
      Map<String, Object> data = new LinkedHashMap<>();
      if (o.stdout().isEmpty() && o.stderr().isEmpty()) {
        // Ansible registers rc and the (empty) output even when the script printed nothing.
        data.putAll(Map.of("rc", o.rc(), "stdout", "", "stderr", "", "stdout_lines", List.of(), "stderr_lines",
            List.of()));
      }
      Outcome.Status status = o.status() == Outcome.Status.CHANGED || o.status() == Outcome.Status.FAILED
          ? (o.rc() == 0 ? Outcome.Status.CHANGED : Outcome.Status.FAILED) : o.status();
      if (status == Outcome.Status.FAILED) {
        // A failed script still changed something, as Ansible reports it.
        data.put("changed", true);
      }
      return new Outcome(status, o.rc(), o.stdout(), o.stderr(), o.msg(), data, o.stdoutTruncated(),
          o.stderrTruncated());
    } catch (IOException e) {
      return Outcome.failed("cannot run the script " + first + ": " + e.getMessage());
    } finally {
      if (tmp != null) {
        deleteTree(tmp);
      }
    }
  }

  private static Outcome skip(String msg) {
    return new Outcome(Outcome.Status.SKIPPED, 0, "", "", msg, Map.of("changed", false), false, false);
  }

  private static void deleteTree(Path dir) {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A leftover temporary copy is harmless; the task's result is what matters.
    }
  }
}
