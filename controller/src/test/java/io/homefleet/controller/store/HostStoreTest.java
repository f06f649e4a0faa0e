package io.homefleet.controller.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.controller.store.Records.Host;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hosts' rows on a real SQLite file: hello, last seen, the lists with and without facts. */
class HostStoreTest {

  @Test
  void recordHello_storesFactsVersionAndLabels_andAllWithoutFactsLeavesTheFactsOut(@TempDir Path dir) {
    try (Store store = Store.open(dir)) {
      Rows.enroll(store, "web-2", "bb", 100);
      Rows.enroll(store, "web-1", "aa", 100);
      HostStore s = store.hosts();
      s.recordHello("web-1", "facts".getBytes(StandardCharsets.UTF_8), "1.2.3", Map.of("site", "attic"), 150);

      Host h = s.host("web-1").orElseThrow();
      assertThat(new String(h.facts(), StandardCharsets.UTF_8)).isEqualTo("facts");
      assertThat(h.agentVersion()).isEqualTo("1.2.3");
      assertThat(h.labels()).isEqualTo(Map.of("site", "attic"));
      assertThat(h.lastSeen()).contains(150L);

      assertThat(s.all()).extracting(Host::name).containsExactly("web-1", "web-2");
      assertThat(s.all().get(0).facts()).isNotEmpty();
      assertThat(s.allWithoutFacts()).extracting(Host::name).containsExactly("web-1", "web-2");
      assertThat(s.allWithoutFacts().get(0).facts()).isEmpty();
      assertThat(s.allWithoutFacts().get(0).labels()).isEqualTo(Map.of("site", "attic"));
      assertThat(s.host("nope")).isEmpty();
    }
  }

  @Test
  void recordSeen_movesLastSeenForwardOnly(@TempDir Path dir) {
    try (Store store = Store.open(dir)) {
      Rows.enroll(store, "web-1", "aa", 100);
      HostStore s = store.hosts();
      s.recordSeen("web-1", 200);
      s.recordSeen("web-1", 150); // a batched write that landed late
      assertThat(s.host("web-1").orElseThrow().lastSeen()).contains(200L);
      s.recordSeen("web-1", 300);
      assertThat(s.host("web-1").orElseThrow().lastSeen()).contains(300L);
    }
  }
}
