package io.homefleet.agent.module.command;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ansible's {@code command} and {@code shell} modules. {@code command} runs argv directly (no
 * shell: no pipes, globbing or variables); {@code shell} runs the line with {@code /bin/sh -c}.
 * Arguments: the free form ({@code _raw_params}) or {@code cmd}, {@code argv} (command only),
 * {@code chdir}, {@code creates}, {@code removes}, {@code executable} (shell only); leading
 * {@code chdir=}, {@code creates=}, {@code removes=} words in the free form are honoured as
 * Ansible does. Check mode skips the command unless {@code creates}/{@code removes} decide.
 */
public final class CommandModule implements Module {
  private static final List<String> INLINE = List.of("chdir", "creates", "removes", "executable");

  private final boolean shell;

  private CommandModule(boolean shell) {
    this.shell = shell;
  }

  public static CommandModule command() {
    return new CommandModule(false);
  }

  public static CommandModule shell() {
    return new CommandModule(true);
  }

  @Override
  public String name() {
    return shell ? "shell" : "command";
  }

  @Override
  public Outcome run(Map<String, Object> rawArgs, TaskContext ctx) throws TaskException, InterruptedException {
    Map<String, Object> args = new LinkedHashMap<>(rawArgs);
    String free = str(args.remove("_raw_params"));
    if (free == null) {
      free = str(args.get("cmd"));
    }
    free = extractInline(free, args);
    for (String k : args.keySet()) {
      if (!List.of("cmd", "argv", "chdir", "creates", "removes", "executable", "stdin", "stdin_add_newline",
          "strip_empty_ends").contains(k)) {
        throw new TaskException(name(), "unsupported argument '" + k + "' (supported: cmd, argv, chdir, creates, removes"
            + (shell ? ", executable" : "") + ", stdin, stdin_add_newline, strip_empty_ends)");
      }
    }
    List<String> argv;
    if (shell) {
      if (free == null || free.isBlank()) {
        throw new TaskException(name(), "no command given (use -a \"...\" or cmd:)");
      }
      String sh = str(args.get("executable"));
      argv = List.of(sh == null ? "/bin/sh" : sh, "-c", free);
    } else if (args.get("argv") instanceof List<?> l && !l.isEmpty()) {
      argv = new ArrayList<>();
      for (Object o : l) {
        argv.add(String.valueOf(o));
      }
    } else {
      if (free == null || free.isBlank()) {
        throw new TaskException(name(), "no command given (use -a \"uname -a\", cmd: or argv:)");
      }
      try {
        argv = CommandLineSplitter.split(free);
      } catch (IllegalArgumentException e) {
        throw new TaskException(name(), e.getMessage());
      }
    }
    Path chdir = args.get("chdir") == null ? null : Path.of(str(args.get("chdir")));
    if (chdir != null && !Files.isDirectory(chdir)) {
      throw new TaskException(name(), "chdir: " + chdir + " is not a directory");
    }
    String creates = str(args.get("creates"));
    String removes = str(args.get("removes"));
    // As ansible-core 2.14's command module: creates/removes already satisfied is ok (not
    // skipped, not changed); in check mode a command they guard would have changed something,
    // and one they do not guard is skipped.
    String shoulda = ctx.checkMode() ? "Would" : "Did";
    if (creates != null && Files.exists(resolve(chdir, creates))) {
      return notRun(argv, shoulda + " not run command since '" + creates + "' exists",
          "skipped, since " + creates + " exists");
    }
    if (removes != null && !Files.exists(resolve(chdir, removes))) {
      return notRun(argv, shoulda + " not run command since '" + removes + "' does not exist",
          "skipped, since " + removes + " does not exist");
    }
    if (ctx.checkMode()) {
      return creates == null && removes == null
          ? skip(argv, "Command would have run if not in check mode")
          : new Outcome(Outcome.Status.CHANGED, 0, "", "", "Command would have run if not in check mode",
              Map.of("cmd", argv), false, false);
    }
    byte[] stdin = null;
    if (args.get("stdin") != null) {
      stdin = (str(args.get("stdin")) + (bool(args, "stdin_add_newline") ? "\n" : ""))
          .getBytes(StandardCharsets.UTF_8);
    }
    try {
      Outcome o = ProcessRunner.run(argv, chdir, Map.of(), stdin, true, ctx);
      if (!bool(args, "strip_empty_ends")) {
        return o;
      }
      // As ansible-core's command module: the registered stdout and stderr lose their trailing newlines.
      return new Outcome(o.status(), o.rc(), stripEnds(o.stdout()), stripEnds(o.stderr()), o.msg(), o.data(),
          o.stdoutTruncated(), o.stderrTruncated());
    } catch (IOException e) {
      return new Outcome(Outcome.Status.FAILED, 2, "", "", "cannot run " + argv.get(0) + ": " + e.getMessage(),
          Map.of("cmd", argv), false, false);
    }
  }

  /** A yes/no argument that defaults to yes. */
  private boolean bool(Map<String, Object> args, String name) throws TaskException {
    if (args.get(name) == null) {
      return true;
    }
    return Args.of(name(), Map.of(name, args.get(name))).bool(name, true);
  }

  private static String stripEnds(String s) {
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
      end--;
    }
    return s.substring(0, end);
  }

  private static Outcome notRun(List<String> argv, String msg, String stdout) {
    return new Outcome(Outcome.Status.OK, 0, stdout, "", msg, Map.of("cmd", argv), false, false);
  }

  private static Outcome skip(List<String> argv, String msg) {
    return new Outcome(Outcome.Status.SKIPPED, 0, "", "", msg, Map.of("cmd", argv), false, false);
  }

  private static Path resolve(Path chdir, String p) {
    Path path = Path.of(p);
    return chdir == null || path.isAbsolute() ? path : chdir.resolve(path);
  }

  /** Takes leading {@code key=value} words for the inline options off the free form. */
  private static String extractInline(String free, Map<String, Object> args) {
    if (free == null) {
      return null;
    }
    String rest = free.stripLeading();
    while (true) {
      int sp = rest.indexOf(' ');
      String word = sp < 0 ? rest : rest.substring(0, sp);
      int eq = word.indexOf('=');
      if (eq <= 0 || !INLINE.contains(word.substring(0, eq))) {
        return rest;
      }
      args.putIfAbsent(word.substring(0, eq), word.substring(eq + 1));
      rest = sp < 0 ? "" : rest.substring(sp + 1).stripLeading();
    }
  }

  private static String str(Object o) {
    return o == null ? null : String.valueOf(o);
  }
}
