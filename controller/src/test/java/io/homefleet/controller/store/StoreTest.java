package io.homefleet.controller.store;

import static io.homefleet.controller.store.Rows.cert;
import static io.homefleet.controller.store.Rows.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite file under the record stores: migrations, state that survives a reopen, and
 * transactions and the lock that span the record stores.
 */
class StoreTest {

  @Test
  void open_appliesMigrationsOnce_andStateSurvivesReopen(@TempDir Path dir) {
    try (Store s = Store.open(dir)) {
      assertThat(s.schemaVersion()).isEqualTo(5);
      s.enrollment().insertToken(token("h1", "web-1"));
      assertThat(s.enrollment().consumeTokenAndEnroll(token("h1", "web-1"), "pk", cert("aa", "web-1"), 100))
          .contains(List.of());
    }
    assertThat(dir.resolve(Store.FILE_NAME)).exists();
    try (Store s = Store.open(dir)) {
      assertThat(s.schemaVersion()).isEqualTo(5);
      assertThat(s.hosts().host("web-1")).hasValueSatisfying(h -> {
        assertThat(h.role()).isEqualTo("dev");
        assertThat(h.labels()).containsEntry("k", "v");
        assertThat(h.enrolledAt()).isEqualTo(100);
      });
      assertThat(s.enrollment().token("h1").orElseThrow().usedAt()).contains(100L);
      assertThat(s.enrollment().certificate("aa")).isPresent();
    }
  }

  @Test
  void open_whenFileIsNotADatabase_failsClearlyAndLeavesItAlone(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve(Store.FILE_NAME), "this is not sqlite, it is a text file of some length........");
    assertThatThrownBy(() -> Store.open(dir)).isInstanceOf(StoreException.class)
        .hasMessageContaining(dir.resolve(Store.FILE_NAME).toString());
    assertThat(Files.readString(dir.resolve(Store.FILE_NAME))).startsWith("this is not sqlite");
  }

  @Test
  void atomically_acrossRecordStores_commitsOrRollsBackAsOne(@TempDir Path dir) {
    try (Store s = Store.open(dir)) {
      Rows.enroll(s, "web-1", "aa", 100);
      s.runs().insertRun(Rows.run("r1", "adhoc", 1), List.of(Rows.queued("t1", "r1", "web-1")));

      assertThatThrownBy(() -> s.atomically(() -> {
        s.hosts().recordSeen("web-1", 200);
        s.runs().markTask("t1", "sent", null);
        s.enrollment().insertToken(token("t-aa", "web-1")); // the token enrollment used: a duplicate key
      })).isInstanceOf(StoreException.class);
      assertThat(s.hosts().host("web-1").orElseThrow().lastSeen()).as("rolled back with the failed write").isEmpty();
      assertThat(s.runs().tasks("r1").get(0).state()).isEqualTo("queued");

      s.atomically(() -> {
        s.hosts().recordSeen("web-1", 200);
        s.runs().markTask("t1", "sent", null);
      });
      assertThat(s.hosts().host("web-1").orElseThrow().lastSeen()).contains(200L);
      assertThat(s.runs().tasks("r1").get(0).state()).isEqualTo("sent");
    }
  }

  @Test
  void recordStores_shareOneLock_soNoCallRunsInsideAnotherStoresTransaction(@TempDir Path dir) throws Exception {
    try (Store s = Store.open(dir)) {
      CountDownLatch inTransaction = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> s.atomically(() -> {
        s.state().seeSchedule("nightly", 1);
        inTransaction.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
      assertThat(inTransaction.await(10, TimeUnit.SECONDS)).isTrue();

      CompletableFuture<Integer> reader;
      CompletableFuture<Integer> hosts;
      try {
        reader = CompletableFuture.supplyAsync(() -> s.runs().recent(10).size());
        hosts = CompletableFuture.supplyAsync(() -> s.hosts().all().size());
        Thread.sleep(300);
        assertThat(reader).as("waits for the other store's transaction").isNotDone();
        assertThat(hosts).isNotDone();
      } finally {
        release.countDown(); // a failed assertion must not leave close() waiting on the writer
      }
      writer.get(10, TimeUnit.SECONDS);
      assertThat(reader.get(10, TimeUnit.SECONDS)).isZero();
      assertThat(hosts.get(10, TimeUnit.SECONDS)).isZero();
      assertThat(s.state().scheduleRun("nightly")).isPresent();
    }
  }
}
