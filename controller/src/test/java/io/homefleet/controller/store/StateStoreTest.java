package io.homefleet.controller.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.homefleet.controller.store.StateRecords.Convergence;
import io.homefleet.controller.store.StateRecords.HistoryEntry;
import io.homefleet.controller.store.StateRecords.Version;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Desired-state versions, history, convergences and schedules on a real SQLite file. */
class StateStoreTest {

  private static Version version(String address, String content) {
    return new Version(address, 1, "operator://admin", "apply", Map.of("site.yml", content.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void insertVersion_storesFilesOnce_andEachCallIsAHistoryEntry(@TempDir Path dir) {
    try (Store store = Store.open(dir)) {
      StateStore s = store.state();
      assertThat(s.current()).isEmpty();
      long first = s.insertVersion(version("abc1", "one"), "apply", 10);
      long second = s.insertVersion(version("abd2", "two"), "apply", 20);
      long third = s.insertVersion(version("abc1", "ignored: the address is stored"), "rollback", 30);
      assertThat(first).isLessThan(second);
      assertThat(second).isLessThan(third);

      assertThat(s.current()).hasValueSatisfying(h -> {
        assertThat(h.version()).isEqualTo("abc1");
        assertThat(h.action()).isEqualTo("rollback");
        assertThat(h.seq()).isEqualTo(third);
      });
      assertThat(s.history(2)).extracting(HistoryEntry::version, HistoryEntry::action)
          .containsExactly(tuple("abc1", "rollback"), tuple("abd2", "apply"));
      assertThat(new String(s.version("abc1", true).orElseThrow().files().get("site.yml"), StandardCharsets.UTF_8))
          .isEqualTo("one");
      assertThat(s.version("abc1", false).orElseThrow().files()).hasEntrySatisfying("site.yml",
          c -> assertThat(c).isEmpty());
      assertThat(s.version("nope", true)).isEmpty();
      assertThat(s.versionsLike("ab")).containsExactly("abc1", "abd2");
      assertThat(s.versionsLike("abd2")).containsExactly("abd2");
    }
  }

  @Test
  void convergences_areNewestFirst_andInterruptedOnesBecomeFailed(@TempDir Path dir) {
    try (Store store = Store.open(dir)) {
      StateStore s = store.state();
      store.runs().insertRun(Rows.run("c1", "play", 10), List.of()); // a convergence is a playbook run
      store.runs().insertRun(Rows.run("c2", "play", 20), List.of());
      s.insertConvergence(new Convergence("c1", "web-1", "abc1", "enforce", "connect", "running", 0, "", 10,
          Optional.empty()));
      s.insertConvergence(new Convergence("c2", "web-1", "abc1", "report", "interval", "running", 0, "", 20,
          Optional.empty()));
      s.finishConvergence("c1", "converged", 2, "", 15);

      assertThat(s.closeInterruptedConvergences(30)).isEqualTo(1);
      assertThat(s.convergences("web-1", 5)).extracting(Convergence::runId, Convergence::status, Convergence::finishedAt)
          .containsExactly(tuple("c2", "failed", Optional.of(30L)), tuple("c1", "converged", Optional.of(15L)));
      assertThat(s.convergences("web-1", 1)).hasSize(1);
      assertThat(s.convergences("web-2", 5)).isEmpty();
    }
  }

  @Test
  void scheduleRun_keepsWhenFirstSeen_andRecordsTheLastRun(@TempDir Path dir) {
    try (Store store = Store.open(dir)) {
      StateStore s = store.state();
      s.seeSchedule("nightly", 100);
      s.seeSchedule("nightly", 200);
      assertThat(s.scheduleRun("nightly")).hasValueSatisfying(r -> {
        assertThat(r.firstSeenAt()).isEqualTo(100);
        assertThat(r.lastAt()).isEmpty();
      });

      s.recordScheduleRun("nightly", 300, "r1", "running");
      s.recordScheduleState("r1", "succeeded");
      assertThat(s.scheduleRun("nightly")).hasValueSatisfying(r -> {
        assertThat(r.lastAt()).contains(300L);
        assertThat(r.lastRunId()).contains("r1");
        assertThat(r.lastState()).contains("succeeded");
      });
      assertThat(s.scheduleRun("weekly")).isEmpty();
    }
  }
}
