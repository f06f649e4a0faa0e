package io.homefleet.controller.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.homefleet.controller.run.GroupCommit;
import io.homefleet.controller.store.Store;
import io.homefleet.controller.testing.Enrolled;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heartbeats' last-seen times reach the real SQLite store in batches, a session's end at once,
 * and a late batch never moves a host's last-seen back.
 */
class LastSeenTest {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopTimer() {
    timer.shutdownNow();
  }


  private static long stored(Store s, String host) {
    return s.hosts().host(host).orElseThrow().lastSeen().orElse(0L);
  }

  /** Returns once everything submitted so far is committed (follow-ups run in submission order). */
  private static void drained(GroupCommit writes) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    writes.submit(s -> { }, done::countDown);
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void heartbeats_storedByTheNextFlush_newestWins(@TempDir Path dir) throws Exception {
    try (Store store = Store.open(dir); GroupCommit writes = new GroupCommit(store)) {
      for (int i = 0; i < 2500; i++) {
        Enrolled.host(store, "h" + i);
      }
      // An hour between flushes: only the explicit flush() below writes.
      LastSeen seen = new LastSeen(writes, timer, Duration.ofHours(1));
      for (int i = 0; i < 2500; i++) {
        seen.heard("h" + i, 1000 + i);
      }
      seen.heard("h7", 5000);
      seen.heard("h7", 4000); // out of order: the newer one is kept
      drained(writes);
      assertThat(stored(store, "h0")).as("nothing written before the flush").isZero();
      seen.flush(); // three chunks
      await().atMost(Duration.ofSeconds(30)).until(() -> stored(store, "h2499") == 3499);
      assertThat(stored(store, "h0")).isEqualTo(1000);
      assertThat(stored(store, "h7")).isEqualTo(5000);
    }
  }

  @Test
  void sessionEnd_storedAtOnce_andALateBatchDoesNotMoveItBack(@TempDir Path dir) throws Exception {
    try (Store store = Store.open(dir); GroupCommit writes = new GroupCommit(store)) {
      Enrolled.host(store, "web1");
      LastSeen seen = new LastSeen(writes, timer, Duration.ofHours(1));
      seen.heard("web1", 2000);
      seen.last("web1", 3000);
      await().atMost(Duration.ofSeconds(30)).until(() -> stored(store, "web1") == 3000);
      // A batch that was taken before the end but lands after it.
      seen.heard("web1", 2500);
      seen.flush();
      drained(writes);
      assertThat(stored(store, "web1")).isEqualTo(3000);
    }
  }

  @Test
  void theTimerFlushes_withoutAnyoneAsking(@TempDir Path dir) throws Exception {
    Store store = Store.open(dir);
    try (store; GroupCommit writes = new GroupCommit(store)) {
      List.of("a", "b").forEach(h -> Enrolled.host(store, h));
      LastSeen seen = new LastSeen(writes, timer, Duration.ofMillis(100));
      Map.of("a", 4242L, "b", 4343L).forEach(seen::heard);
      await().atMost(Duration.ofSeconds(30)).until(() -> stored(store, "a") + stored(store, "b") == 8585);
    }
  }
}
