package io.homefleet.agent.module.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.Task;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.exec.TaskSink;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class CommandModuleTest {
  /** Collects streamed output the way the session would forward it. */
  static final class Collect implements TaskSink {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Override
    public void started(Task task, long unixMillis) {}

    @Override
    public synchronized void output(Task task, boolean stderr, byte[] data, long seq) {
      (stderr ? err : out).writeBytes(data);
    }

    @Override
    public void finished(Task task, Outcome outcome, long startedMillis, long finishedMillis) {}
  }

  private static TaskContext ctx(Collect sink, Duration timeout, boolean check, Path dir) {
    Task t = new Task("t1", "r1", "command", Map.of(), timeout, check);
    return new TaskContext(t, sink, LoggerFactory.getLogger("test"), dir);
  }

  @Test
  void command_runsArgvWithoutAShell(@TempDir Path dir) throws Exception {
    Collect sink = new Collect();
    Outcome o = CommandModule.command().run(Map.of("_raw_params", "echo 'a  b' $HOME \"c\\\"d\""), ctx(sink, Duration.ZERO, false, dir));
    assertThat(o.status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(o.rc()).isZero();
    // The result loses the trailing newline (Ansible's strip_empty_ends); the streamed output keeps it.
    assertThat(o.stdout()).isEqualTo("a  b $HOME c\"d");
    assertThat(sink.out.toString(StandardCharsets.UTF_8)).isEqualTo(o.stdout() + "\n");
  }

  @Test
  void stripEmptyEnds_false_keepsTheNewlines_andStdinIsFedWithItsNewline(@TempDir Path dir) throws Exception {
    Outcome kept = CommandModule.command().run(Map.of("_raw_params", "printf 'a\\n\\n'", "strip_empty_ends", false),
        ctx(new Collect(), Duration.ZERO, false, dir));
    assertThat(kept.stdout()).isEqualTo("a\n\n");
    Outcome fed = CommandModule.command().run(Map.of("_raw_params", "od -c", "stdin", "hi"),
        ctx(new Collect(), Duration.ZERO, false, dir));
    assertThat(fed.stdout()).contains("h   i  \\n");
    Outcome raw = CommandModule.command().run(Map.of("_raw_params", "wc -c", "stdin", "hi", "stdin_add_newline", "no"),
        ctx(new Collect(), Duration.ZERO, false, dir));
    assertThat(raw.stdout().strip()).isEqualTo("2");
  }

  @Test
  void shell_expandsPipesAndVariables(@TempDir Path dir) throws Exception {
    Outcome o = CommandModule.shell().run(Map.of("_raw_params", "X=4; echo $((X*10+2)) | tr 4 7; echo err >&2"),
        ctx(new Collect(), Duration.ZERO, false, dir));
    assertThat(o.stdout()).isEqualTo("72");
    assertThat(o.stderr()).isEqualTo("err");
  }

  @Test
  void command_whenNonZeroExit_failsWithRc(@TempDir Path dir) throws Exception {
    Outcome o = CommandModule.command().run(Map.of("argv", List.of("sh", "-c", "exit 3")), ctx(new Collect(), Duration.ZERO, false, dir));
    assertThat(o.status()).isEqualTo(Outcome.Status.FAILED);
    assertThat(o.rc()).isEqualTo(3);
  }

  @Test
  void command_whenProgramMissing_failsWithMessage(@TempDir Path dir) throws Exception {
    Outcome o = CommandModule.command().run(Map.of("_raw_params", "no-such-program-xyz"), ctx(new Collect(), Duration.ZERO, false, dir));
    assertThat(o.status()).isEqualTo(Outcome.Status.FAILED);
    assertThat(o.msg()).contains("cannot run no-such-program-xyz");
  }

  @Test
  void command_whenTimeoutExpires_stopsTheProcessTreeAndReportsTimedOut(@TempDir Path dir) throws Exception {
    long t0 = System.nanoTime();
    Outcome o = CommandModule.shell().run(Map.of("_raw_params", "sleep 30 & sleep 30; echo never"),
        ctx(new Collect(), Duration.ofMillis(300), false, dir));
    assertThat(o.status()).isEqualTo(Outcome.Status.TIMED_OUT);
    assertThat(o.stdout()).doesNotContain("never");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void command_createsAndRemoves_okWithoutRunningAsAnsibleDoes(@TempDir Path dir) throws Exception {
    Path marker = dir.resolve("done");
    Outcome first = CommandModule.command().run(Map.of("_raw_params", "creates=" + marker + " touch " + marker),
        ctx(new Collect(), Duration.ZERO, false, dir));
    assertThat(first.status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(marker).exists();
    Outcome second = CommandModule.command().run(Map.of("_raw_params", "creates=" + marker + " touch " + marker),
        ctx(new Collect(), Duration.ZERO, false, dir));
    assertThat(second.status()).isEqualTo(Outcome.Status.OK);
    assertThat(second.msg()).isEqualTo("Did not run command since '" + marker + "' exists");
    assertThat(second.stdout()).isEqualTo("skipped, since " + marker + " exists");
    Outcome removes = CommandModule.command().run(Map.of("cmd", "rm gone", "removes", "gone", "chdir", dir.toString()),
        ctx(new Collect(), Duration.ZERO, false, dir));
    assertThat(removes.status()).isEqualTo(Outcome.Status.OK);
    Outcome wouldRun = CommandModule.command().run(Map.of("cmd", "touch x", "creates", "x", "chdir", dir.toString()),
        ctx(new Collect(), Duration.ZERO, true, dir));
    assertThat(wouldRun.status()).as("check mode, guarded by creates").isEqualTo(Outcome.Status.CHANGED);
    assertThat(dir.resolve("x")).doesNotExist();
  }

  @Test
  void command_inCheckMode_doesNothing(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("f");
    Outcome o = CommandModule.command().run(Map.of("_raw_params", "touch " + f), ctx(new Collect(), Duration.ZERO, true, dir));
    assertThat(o.status()).isEqualTo(Outcome.Status.SKIPPED);
    assertThat(f).doesNotExist();
  }

  @Test
  void command_chdir_runsThere(@TempDir Path dir) throws Exception {
    Files.createDirectory(dir.resolve("sub"));
    Outcome o = CommandModule.command().run(Map.of("_raw_params", "pwd", "chdir", dir.resolve("sub").toString()),
        ctx(new Collect(), Duration.ZERO, false, dir));
    assertThat(o.stdout().trim()).isEqualTo(dir.resolve("sub").toRealPath().toString());
  }

  @Test
  void command_badArguments_areRefusedWithTheFix(@TempDir Path dir) {
    assertThatThrownBy(() -> CommandModule.command().run(Map.of(), ctx(new Collect(), Duration.ZERO, false, dir)))
        .isInstanceOf(TaskException.class).hasMessageContaining("no command given");
    assertThatThrownBy(() -> CommandModule.command().run(Map.of("_raw_params", "echo 'open"), ctx(new Collect(), Duration.ZERO, false, dir)))
        .hasMessageContaining("unterminated single quote");
    assertThatThrownBy(() -> CommandModule.command().run(Map.of("_raw_params", "true", "chdri", "/"), ctx(new Collect(), Duration.ZERO, false, dir)))
        .hasMessageContaining("unsupported argument 'chdri'");
  }

  @Test
  void command_largeOutput_isKeptUpToTheLimitAndMarkedTruncated(@TempDir Path dir) throws Exception {
    Collect sink = new Collect();
    Outcome o = CommandModule.shell().run(Map.of("_raw_params", "head -c 1500000 /dev/zero | tr '\\0' a"),
        ctx(sink, Duration.ZERO, false, dir));
    assertThat(o.stdout()).hasSize(ProcessRunner.CAPTURE_LIMIT);
    assertThat(o.stdoutTruncated()).isTrue();
    assertThat(sink.out.size()).isEqualTo(1_500_000);
  }

  @Test
  void shell_seesTheTasksEnvironment() throws Exception {
    Outcome o = io.homefleet.agent.module.Run.of(CommandModule.shell(), Map.of("_raw_params", "echo $HF_GREETING"))
        .environment(Map.of("HF_GREETING", "hello")).go();
    assertThat(o.stdout()).isEqualTo("hello");
  }

  @Test
  void delta_isAnsiblesFormat_asStringFormatWroteIt() {
    assertThat(ProcessRunner.delta(0)).isEqualTo("0:00:00.000000");
    assertThat(ProcessRunner.delta(3_723_004_005L)).isEqualTo("1:02:03.004005");
    assertThat(ProcessRunner.delta(90_061_000_001L)).isEqualTo("25:01:01.000001");
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 1_000; i++) {
      long micros = Math.floorMod(random.nextLong(), 400_000_000_000L);
      assertThat(ProcessRunner.delta(micros)).isEqualTo(String.format("%d:%02d:%02d.%06d", micros / 3_600_000_000L,
          micros / 60_000_000 % 60, micros / 1_000_000 % 60, micros % 1_000_000));
    }
  }
}
