package io.homefleet.agent.module.wait;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.module.AnsibleOracle;
import io.homefleet.agent.module.Run;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PauseModuleTest {
  @Test
  void seconds_pausesThatLong_andReturnsAnsiblesFields() throws Exception {
    long t0 = System.nanoTime();
    Outcome o = Run.of(new PauseModule(), Map.of("seconds", 1)).check().go();
    assertThat((System.nanoTime() - t0) / 1e9).isBetween(1.0, 3.0);
    assertThat(o.status()).isEqualTo(Outcome.Status.OK);
    assertThat(o.data()).containsEntry("delta", 1L).containsEntry("echo", true).containsEntry("user_input", "")
        .containsEntry("rc", 0).containsKeys("start", "stop");
    assertThat((String) o.data().get("stdout")).matches("Paused for 1\\.0\\d? seconds");
  }

  @Test
  void zeroOrFractions_areAtLeastOneSecond_asAnsiblesInt() throws Exception {
    Outcome o = Run.of(new PauseModule(), Map.of("minutes", 0.5)).go();
    assertThat((String) o.data().get("stdout")).matches("Paused for 0\\.0[12] minutes");
  }

  @Test
  void withoutADuration_isRefused_sinceNoTerminal() {
    assertThatThrownBy(() -> Run.of(new PauseModule(), Map.of("prompt", "Press enter")).go())
        .hasMessageContaining("an agent has no terminal");
    assertThatThrownBy(() -> Run.of(new PauseModule(), Map.of("seconds", 1, "minutes", 1)).go())
        .hasMessageContaining("mutually exclusive");
  }

  @Test
  void cancel_endsThePauseAtOnce() throws Exception {
    TaskContext ctx = Run.of(new PauseModule(), Map.of()).context();
    CompletableFuture<Object> f = CompletableFuture.supplyAsync(() -> {
      try {
        return new PauseModule().run(Map.of("minutes", 5), ctx);
      } catch (Exception e) {
        return e;
      }
    });
    Thread.sleep(300);
    ctx.cancel();
    assertThat(f.get(2, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
  }

  @Test
  void result_hasTheKeysAnsiblesPauseReturns(@TempDir Path tmp) throws Exception {
    Map<String, Object> theirs = AnsibleOracle.run(tmp, List.of(new AnsibleOracle.Task("pause", Map.of("seconds", 1))),
        false, false).get(0);
    Map<String, Object> ours = Run.of(new PauseModule(), Map.of("seconds", 1)).go().data();
    assertThat(ours.keySet()).containsExactlyInAnyOrderElementsOf(theirs.keySet());
    for (String k : List.of("changed", "rc", "stderr", "delta", "echo", "user_input", "stdout")) {
      assertThat(ours.get(k)).as(k).hasToString(String.valueOf(theirs.get(k)).replace("1.01", "1.0").replace("1.02", "1.0"));
    }
    assertThat((String) ours.get("start")).hasSameSizeAs((String) theirs.get("start"));
  }
}
