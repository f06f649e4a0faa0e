package io.homefleet.agent.play;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.Task;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.exec.TaskSink;
import io.homefleet.agent.worker.RebootCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The reboot module's halves with real commands: the reboot command is a script that writes a file. */
class RebootModuleTest {
  private static final PlayWork WORK = new PlayWork("run1-p0-web", "run1", 0, new byte[] {7});

  private static TaskContext ctx(Path dir, Map<String, Object> args, boolean check) {
    return new TaskContext(new Task("t1", "run1", "reboot", args, Duration.ZERO, check), TaskSink.NONE,
        LoggerFactory.getLogger("test"), dir);
  }

  private static Map<String, Object> args(Path tmp, Object... more) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("reboot_command", "touch " + tmp.resolve("rebooted"));
    a.put("boot_time_command", "echo boot-1");
    for (int i = 0; i < more.length; i += 2) {
      a.put((String) more[i], more[i + 1]);
    }
    return a;
  }

  @Test
  void checkMode_reportsChanged_andRunsNothing(@TempDir Path tmp) throws Exception {
    RebootModule m = new RebootModule(tmp, WORK, Optional.empty(), Clock.systemUTC());
    Map<String, Object> a = args(tmp);

    Outcome o = m.run(a, ctx(tmp, a, true));

    assertThat(o.status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(o.data()).containsEntry("rebooted", true).containsEntry("elapsed", 0);
    assertThat(tmp.resolve("rebooted")).doesNotExist();
    assertThat(RebootCheckpoint.files(tmp)).isEmpty();
  }

  @Test
  void run_whenTheBootIdNeverChanges_timesOutAsAnsible_andForgetsTheCheckpoint(@TempDir Path tmp) throws Exception {
    RebootModule m = new RebootModule(tmp, WORK, Optional.empty(), Clock.systemUTC());
    m.before(3, new byte[] {1});
    Map<String, Object> a = args(tmp, "reboot_timeout", 1);

    Outcome o = m.run(a, ctx(tmp, a, false));

    assertThat(tmp.resolve("rebooted")).exists();
    assertThat(o.status()).isEqualTo(Outcome.Status.FAILED);
    assertThat(o.msg()).isEqualTo("Timed out waiting for last boot time check (timeout=1)");
    assertThat(o.registered()).containsEntry("rebooted", true).doesNotContainKey("rc");
    assertThat(RebootCheckpoint.files(tmp)).isEmpty();
  }

  @Test
  void run_savesTheCheckpointBeforeTheRebootCommand(@TempDir Path tmp) throws Exception {
    RebootModule m = new RebootModule(tmp, WORK, Optional.empty(), Clock.systemUTC());
    m.before(3, new byte[] {1, 2});
    Path copy = tmp.resolve("seen");
    // The "reboot" copies the checkpoint as it stands when the host would go down.
    Map<String, Object> a = args(tmp, "reboot_command", "cp " + RebootCheckpoint.file(tmp, WORK.assignmentId()) + " "
        + copy, "reboot_timeout", 1);

    m.run(a, ctx(tmp, a, false));

    RebootCheckpoint saved = RebootCheckpoint.read(copy);
    assertThat(saved.bootId()).isEqualTo("boot-1");
    assertThat(saved.state()).containsExactly(1, 2);
    assertThat(saved.plan()).containsExactly(7);
    assertThat(saved.timeoutSeconds()).isEqualTo(1);
  }

  @Test
  void resume_afterANewBoot_reportsRebooted_andRemovesTheCheckpoint(@TempDir Path tmp) throws Exception {
    RebootCheckpoint c = new RebootCheckpoint(WORK.assignmentId(), "run1", 0, new byte[] {7}, "boot-0",
        System.currentTimeMillis() - 5_000, 60, new byte[] {1});
    c.write(tmp);
    RebootModule m = new RebootModule(tmp, WORK, RebootCheckpoint.find(tmp, WORK.assignmentId()), Clock.systemUTC());
    Map<String, Object> a = args(tmp);

    assertThat(m.resumeFrom()).hasValueSatisfying(s -> assertThat(s).containsExactly(1));
    Outcome o = m.run(a, ctx(tmp, a, false));

    assertThat(o.status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(o.data()).containsEntry("rebooted", true);
    assertThat((Long) o.data().get("elapsed")).isBetween(5L, 30L);
    assertThat(tmp.resolve("rebooted")).as("the reboot command does not run again").doesNotExist();
    assertThat(RebootCheckpoint.files(tmp)).isEmpty();
  }

  @Test
  void resume_ofACheckpointOlderThanItsTimeout_failsTheTask(@TempDir Path tmp) throws Exception {
    new RebootCheckpoint(WORK.assignmentId(), "run1", 0, new byte[] {7}, "boot-0", System.currentTimeMillis() - 700_000,
        600, new byte[0]).write(tmp);
    RebootModule m = new RebootModule(tmp, WORK, RebootCheckpoint.find(tmp, WORK.assignmentId()), Clock.systemUTC());
    Map<String, Object> a = args(tmp);

    Outcome o = m.run(a, ctx(tmp, a, false));

    assertThat(o.status()).isEqualTo(Outcome.Status.FAILED);
    assertThat(o.msg()).isEqualTo("Timed out waiting for last boot time check (timeout=600)");
    assertThat(RebootCheckpoint.files(tmp)).isEmpty();
  }

  @Test
  void run_whenTheRebootCommandFails_saysSoAsAnsible(@TempDir Path tmp) throws Exception {
    RebootModule m = new RebootModule(tmp, WORK, Optional.empty(), Clock.systemUTC());
    Map<String, Object> a = args(tmp, "reboot_command", "/bin/sh -c 'echo nope >&2; exit 3'");

    Outcome o = m.run(a, ctx(tmp, a, false));

    assertThat(o.msg()).isEqualTo("Reboot command failed. Error was: ', nope'");
    assertThat(o.data()).containsEntry("rebooted", false);
    assertThat(RebootCheckpoint.files(tmp)).isEmpty();
  }

  @Test
  void rebootCommand_isAnsiblesLinuxShutdown_foundInSearchPaths(@TempDir Path tmp) throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Files.writeString(bin.resolve("shutdown"), "#!/bin/sh\n");
    bin.resolve("shutdown").toFile().setExecutable(true);

    assertThat(RebootModule.rebootCommand(Map.of("search_paths", List.of(bin.toString()), "msg", "bye"), 150))
        .isEqualTo(bin.resolve("shutdown") + " -r 2 \"bye\"");
    assertThatThrownBy(() -> RebootModule.rebootCommand(Map.of("search_paths", List.of(tmp.resolve("none").toString())),
        0)).isInstanceOf(TaskException.class).hasMessageContaining("Unable to find command \"shutdown\" in search paths");
  }
}
