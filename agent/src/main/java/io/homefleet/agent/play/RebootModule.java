package io.homefleet.agent.play;

import io.homefleet.agent.exec.Commands;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.worker.RebootCheckpoint;
import io.homefleet.playbook.run.Resumption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ansible 2.14's {@code reboot} for one play, in two halves with the host's boot between them.
 * Before the reboot it reads the boot id ({@code boot_time_command}), saves a {@link
 * RebootCheckpoint} (the play's assignment and its run's state, which the runner gave to {@link
 * #before}), and runs the reboot command; the agent and this worker then die with the machine.
 * After the boot the agent hands the same assignment to a new worker, whose run resumes at this
 * task ({@link #resumeFrom}): this module then waits for a boot id other than the saved one
 * within {@code reboot_timeout} of the reboot's start, waits {@code post_reboot_delay}, runs
 * {@code test_command} until it succeeds, removes the checkpoint and reports {@code rebooted} and
 * {@code elapsed}. When the machine does not go down, the first half goes straight on waiting, so a
 * boot id that never changes fails as Ansible's does ("Timed out waiting for last boot time check").
 */
final class RebootModule implements Module, Resumption {
  private static final Logger log = LoggerFactory.getLogger(RebootModule.class);
  static final int DEFAULT_REBOOT_TIMEOUT = 600;
  static final String DEFAULT_TEST_COMMAND = "whoami";
  static final String DEFAULT_BOOT_TIME_COMMAND = "cat /proc/sys/kernel/random/boot_id";
  static final String DEFAULT_MESSAGE = "Reboot initiated by Ansible";
  static final List<String> DEFAULT_SEARCH_PATHS = List.of("/sbin", "/bin", "/usr/sbin", "/usr/bin", "/usr/local/sbin");
  /** Between two boot id or test command checks. */
  static final long POLL_MILLIS = 1000;

  private final Path stateDir;
  private final PlayWork work;
  private final Clock clock;
  /** The checkpoint this run resumes from, until the reboot task used it. */
  private RebootCheckpoint resumed;
  private final byte[] resumedState;
  private byte[] pendingState;

  RebootModule(Path stateDir, PlayWork work, Optional<RebootCheckpoint> resumed, Clock clock) {
    this.stateDir = stateDir;
    this.work = work;
    this.clock = clock;
    this.resumed = resumed.orElse(null);
    this.resumedState = resumed.map(RebootCheckpoint::state).orElse(null);
  }

  @Override
  public String name() {
    return "reboot";
  }

  @Override
  public Optional<byte[]> resumeFrom() {
    return Optional.ofNullable(resumedState);
  }

  @Override
  public void before(int taskId, byte[] state) {
    pendingState = state;
  }

  @Override
  public Outcome run(Map<String, Object> args, TaskContext ctx) throws TaskException, InterruptedException {
    int timeout = number(args, "reboot_timeout", DEFAULT_REBOOT_TIMEOUT);
    int pre = Math.max(0, number(args, "pre_reboot_delay", 0));
    int post = Math.max(0, number(args, "post_reboot_delay", 0));
    String bootCommand = text(args, "boot_time_command", DEFAULT_BOOT_TIME_COMMAND);
    String testCommand = text(args, "test_command", DEFAULT_TEST_COMMAND);
    if (ctx.checkMode()) {
      return done(Map.of("changed", true, "elapsed", 0, "rebooted", true));
    }
    RebootCheckpoint at = resumed;
    resumed = null;
    if (at == null) {
      Commands.Result boot = shell(ctx, bootCommand);
      if (!boot.ok()) {
        return failed("reboot: failed to get host boot time info, rc: " + boot.rc() + ", stdout: "
            + boot.stdout() + ", stderr: " + boot.stderr(), Map.of("changed", false, "rebooted", false));
      }
      String command = rebootCommand(args, pre);
      at = new RebootCheckpoint(work.assignmentId(), work.runId(), work.playIndex(), work.plan(),
          boot.stdout().strip(), clock.millis(), Math.max(0, timeout), pendingState == null ? new byte[0]
              : pendingState);
      try {
        Path file = at.write(stateDir);
        log.info("play {}: rebooting the host with '{}' (boot id {}; checkpoint {})", work.assignmentId(), command,
            at.bootId(), file);
      } catch (IOException e) {
        return failed("reboot: cannot save the play's checkpoint in " + stateDir + " (" + e.getMessage()
            + "), so the play could not go on after the boot; the host was not rebooted. Free space there",
            Map.of("changed", false, "rebooted", false, "elapsed", 0));
      }
      Commands.Result r = shell(ctx, command);
      if (!r.ok()) {
        forget();
        return failed("Reboot command failed. Error was: '" + r.stdout().strip() + ", " + r.stderr().strip()
            + "'", Map.of("changed", false, "rebooted", false, "elapsed", elapsed(at)));
      }
    } else {
      log.info("play {}: resuming after the reboot that began at {} (boot id before: {})", work.assignmentId(),
          java.time.Instant.ofEpochMilli(at.startedMillis()), at.bootId());
    }
    return afterBoot(ctx, at, bootCommand, testCommand, post);
  }

  /** The second half: a new boot within the time, the delay, a working test command. */
  private Outcome afterBoot(TaskContext ctx, RebootCheckpoint at, String bootCommand, String testCommand, int post)
      throws TaskException, InterruptedException {
    while (true) {
      if (clock.millis() >= at.deadlineMillis()) {
        return timedOut(at, "last boot time check");
      }
      Commands.Result boot = shell(ctx, bootCommand);
      if (boot.ok() && !boot.stdout().strip().equals(at.bootId())) {
        break;
      }
      Thread.sleep(POLL_MILLIS);
    }
    Thread.sleep(post * 1000L);
    while (true) {
      Commands.Result test = shell(ctx, testCommand);
      if (test.ok()) {
        break;
      }
      if (clock.millis() >= at.deadlineMillis()) {
        return timedOut(at, "post-reboot test command");
      }
      Thread.sleep(POLL_MILLIS);
    }
    forget();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("changed", true);
    data.put("rebooted", true);
    data.put("elapsed", elapsed(at));
    return done(data);
  }

  private Outcome timedOut(RebootCheckpoint at, String what) {
    forget();
    return failed("Timed out waiting for " + what + " (timeout=" + at.timeoutSeconds() + ")",
        Map.of("changed", false, "rebooted", true, "elapsed", elapsed(at)));
  }

  /** The checkpoint is used: nothing may resume from it again. */
  private void forget() {
    try {
      RebootCheckpoint.remove(stateDir, work.assignmentId());
    } catch (IOException e) {
      log.warn("play {}: cannot remove its reboot checkpoint: {}", work.assignmentId(), e.getMessage());
    }
  }

  private long elapsed(RebootCheckpoint at) {
    return Math.max(0, (clock.millis() - at.startedMillis()) / 1000);
  }

  /** A failure with Ansible's fields only: no rc or output, which a command's failure would add. */
  private static Outcome failed(String msg, Map<String, Object> data) {
    Map<String, Object> d = new LinkedHashMap<>(data);
    d.put("failed", true);
    d.put("msg", msg);
    return new Outcome(Outcome.Status.FAILED, 0, "", "", msg, d, false, false);
  }

  private static Outcome done(Map<String, Object> data) {
    return Outcome.result(true, "", data);
  }

  /**
   * Ansible's command: {@code reboot_command} as given, its program looked up in
   * {@code search_paths} when it names no directory; else {@code shutdown -r MINUTES "msg"} (Linux's
   * arguments, minutes being {@code pre_reboot_delay} // 60).
   */
  static String rebootCommand(Map<String, Object> args, int preDelay) throws TaskException {
    String given = text(args, "reboot_command", "");
    String program;
    String rest;
    if (!given.isBlank()) {
      String[] parts = given.strip().split(" ", 2);
      program = parts[0];
      rest = parts.length > 1 ? parts[1] : "";
    } else {
      program = "shutdown";
      rest = "-r " + preDelay / 60 + " \"" + text(args, "msg", DEFAULT_MESSAGE) + "\"";
    }
    if (!program.contains("/")) {
      List<String> paths = searchPaths(args);
      String found = null;
      for (String dir : paths) {
        if (Files.isExecutable(Path.of(dir, program))) {
          found = Path.of(dir, program).toString();
          break;
        }
      }
      if (found == null) {
        throw new TaskException("reboot", "Unable to find command \"" + program + "\" in search paths: " + paths);
      }
      program = found;
    }
    return rest.isEmpty() ? program : program + " " + rest;
  }

  private static List<String> searchPaths(Map<String, Object> args) throws TaskException {
    Object v = args.get("search_paths");
    if (v == null) {
      return DEFAULT_SEARCH_PATHS;
    }
    if (v instanceof String s) {
      return List.of(s);
    }
    if (v instanceof List<?> l && l.stream().allMatch(String.class::isInstance)) {
      return l.stream().map(String.class::cast).toList();
    }
    throw new TaskException("reboot", "'search_paths' must be a string or flat list of strings, got " + v);
  }

  private static Commands.Result shell(TaskContext ctx, String command) throws TaskException, InterruptedException {
    return Commands.run(ctx, List.of("/bin/sh", "-c", command));
  }

  private static String text(Map<String, Object> args, String name, String dflt) {
    Object v = args.get(name);
    return v == null ? dflt : String.valueOf(v);
  }

  private static int number(Map<String, Object> args, String name, int dflt) throws TaskException {
    Object v = args.get(name);
    if (v == null) {
      return dflt;
    }
    try {
      return v instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(v).strip());
    } catch (NumberFormatException e) {
      throw new TaskException("reboot", name + " must be a whole number of seconds, not '" + v + "'");
    }
  }
}
