package io.homefleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, {@code ./quickstart}, run for real (on the build the reactor just made). */
class QuickstartIT {

  private static Fleet.Result quickstart(Path dir, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(Fleet.ROOT.resolve("quickstart").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put("QUICKSTART_DIR", dir.resolve("qs").toString());
    pb.environment().put("QUICKSTART_SKIP_BUILD", "1");
    Path out = dir.resolve("qs.out");
    Path err = dir.resolve("qs.err");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(240, TimeUnit.SECONDS)).as("quickstart finished").isTrue();
    return new Fleet.Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  void quickstart_runsACommandAndAPlaybookOnThreeAgents_andStopsEverything(@TempDir Path dir) throws Exception {
    Fleet.Result r = quickstart(dir);
    assertThat(r.exitCode()).as(r.all()).isZero();
    assertThat(r.stdout()).contains("dev-1 | CHANGED | rc=0", "sandbox-1 | CHANGED | rc=0", "services-1 | CHANGED | rc=0",
        "stopped 4 process(es)");
    // The play ran twice: the first run wrote the motd and ran the handler, the second changed nothing.
    assertThat(r.stdout()).containsPattern("dev-1 +: ok=\\d+ +changed=[1-9]")
        .containsPattern("services-1 +: ok=4 +changed=0 +unreachable=0 +failed=0")
        .contains("RUNNING HANDLER [motd changed]");
    // The fleet endpoint is on by default: its URL and a sample an agent sent through it.
    assertThat(r.stdout()).containsPattern("fleet metrics for Prometheus/Telegraf at http://127\\.0\\.0\\.1:\\d+/metrics")
        .containsPattern("(?m)^system_cpu_usage\\{host=\"(dev|sandbox|services)-1\"\\} [0-9.E-]+$");
    assertThat(dir.resolve("qs/agents/sandbox-1/root/etc/motd")).content()
        .isEqualTo("Managed by homefleet: sandbox-1 (quickstart_true, sandbox)\n");
    assertThat(ProcessHandle.allProcesses().filter(ph -> ph.info().commandLine().orElse("").contains(dir.toString())))
        .isEmpty();
  }

  @Test
  void quickstart_keepThenStop(@TempDir Path dir) throws Exception {
    Fleet.Result r = quickstart(dir, "--keep");
    try {
      assertThat(r.exitCode()).as(r.all()).isZero();
      assertThat(r.stdout()).contains("export HOMEFLEET_HOME=" + dir.resolve("qs/home"));
      List<ProcessHandle> mine = ProcessHandle.allProcesses()
          .filter(ph -> ph.info().commandLine().orElse("").contains(dir.toString())).toList();
      // The controller and three agents, and the agents' play workers until their idle time is up.
      List<ProcessHandle> workers = mine.stream()
          .filter(ph -> ph.info().commandLine().orElse("").contains("io.homefleet.agent.play.PlayWorkerMain")).toList();
      assertThat(mine.size() - workers.size()).as("%s", mine).isEqualTo(4);
      for (ProcessHandle w : workers) {
        assertThat(w.parent()).as("a play worker is an agent's child").isPresent();
        assertThat(w.parent().orElseThrow().info().commandLine().orElse("")).contains("homefleet-agent.jar");
      }
    } finally {
      Fleet.Result stop = quickstart(dir, "--stop");
      assertThat(stop.exitCode()).as(stop.all()).isZero();
      assertThat(stop.stdout()).contains("stopped 4 process(es)");
    }
    assertThat(ProcessHandle.allProcesses().filter(ph -> ph.info().commandLine().orElse("").contains(dir.toString())))
        .isEmpty();
  }
}
