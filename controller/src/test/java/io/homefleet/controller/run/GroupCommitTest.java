package io.homefleet.controller.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.controller.store.Records.Token;
import io.homefleet.controller.store.Store;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group commit on a real SQLite store: nothing is announced before it is written, in order, and one bad write sinks nothing else. */
class GroupCommitTest {

  private static Token token(String hash) {
    return new Token(hash, "h", "r", Map.of(), 1, 2, Optional.empty(), Optional.empty(), Optional.empty());
  }

  @Test
  void after_runsOnlyOnceTheWriteIsCommitted_inSubmissionOrder(@TempDir Path dir) throws Exception {
    try (Store store = Store.open(dir); GroupCommit writes = new GroupCommit(store)) {
      List<String> seen = new CopyOnWriteArrayList<>();
      CountDownLatch done = new CountDownLatch(500);
      for (int i = 0; i < 500; i++) {
        String hash = "t" + i;
        writes.submit(s -> s.enrollment().insertToken(token(hash)), () -> {
          // Visible to a fresh reader: committed, not just written in an open transaction.
          try (Store other = Store.open(dir)) {
            if (other.enrollment().token(hash).isPresent()) {
              seen.add(hash);
            }
          }
          done.countDown();
        });
      }
      assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
      assertThat(seen).hasSize(500);
      assertThat(seen.get(0)).isEqualTo("t0");
      assertThat(seen).isSortedAccordingTo((a, b) -> Integer.compare(Integer.parseInt(a.substring(1)),
          Integer.parseInt(b.substring(1))));
    }
  }

  @Test
  void aFailingWrite_doesNotTakeTheRestOfItsBatchDown(@TempDir Path dir) throws Exception {
    try (Store store = Store.open(dir); GroupCommit writes = new GroupCommit(store)) {
      store.enrollment().insertToken(token("dup"));
      CountDownLatch done = new CountDownLatch(3);
      java.util.concurrent.atomic.AtomicBoolean announced = new java.util.concurrent.atomic.AtomicBoolean();
      writes.submit(s -> s.enrollment().insertToken(token("a")), done::countDown);
      // A primary key violation: its follow-up must not run (nothing is announced that is not stored).
      writes.submit(s -> s.enrollment().insertToken(token("dup")), () -> announced.set(true), done::countDown);
      writes.submit(s -> s.enrollment().insertToken(token("b")), done::countDown);
      assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(announced).isFalse();
      assertThat(store.enrollment().token("a")).isPresent();
      assertThat(store.enrollment().token("b")).isPresent();
    }
  }
  @Test
  void atBatchEnd_runsOncePerBatch_afterEveryFollowUpOfThatBatch(@TempDir Path dir) throws Exception {
    try (Store store = Store.open(dir); GroupCommit writes = new GroupCommit(store)) {
      CountDownLatch inside = new CountDownLatch(1);
      CountDownLatch queued = new CountDownLatch(1);
      // The first write holds the writer until the next 100 are queued: those commit as one batch.
      writes.submit(s -> {
        inside.countDown();
        try {
          queued.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
      List<String> followUps = new CopyOnWriteArrayList<>();
      List<List<String>> atEnds = new CopyOnWriteArrayList<>();
      CountDownLatch ended = new CountDownLatch(1);
      for (int i = 0; i < 100; i++) {
        String hash = "t" + i;
        writes.submit(s -> s.enrollment().insertToken(token(hash)), () -> {
          if (followUps.isEmpty()) {
            writes.atBatchEnd(() -> {
              atEnds.add(List.copyOf(followUps));
              ended.countDown();
            });
          }
          followUps.add(hash);
        });
      }
      queued.countDown();
      assertThat(ended.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(atEnds).hasSize(1);
      assertThat(atEnds.get(0)).hasSize(100);
      assertThatThrownBy(() -> writes.atBatchEnd(() -> { }))
          .as("outside a follow-up").isInstanceOf(IllegalStateException.class);
    }
  }
}
