package io.homefleet.controller.store;

import static io.homefleet.controller.store.Rows.cert;
import static io.homefleet.controller.store.Rows.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens, certificates and revocations on a real SQLite file. */
class EnrollmentStoreTest {

  @Test
  void consumeToken_isSingleUse_andReEnrollmentRevokesEarlierCertificates(@TempDir Path dir) {
    try (Store store = Store.open(dir)) {
      EnrollmentStore s = store.enrollment();
      s.insertToken(token("h1", "web-1"));
      s.insertToken(token("h2", "web-1"));
      assertThat(s.consumeTokenAndEnroll(token("h1", "web-1"), "pk", cert("aa", "web-1"), 100)).contains(List.of());
      assertThat(s.consumeTokenAndEnroll(token("h1", "web-1"), "pk", cert("bb", "web-1"), 101)).isEmpty();
      assertThat(s.certificate("bb")).as("nothing half-written by the refused use").isEmpty();
      assertThat(s.consumeTokenAndEnroll(token("h2", "web-1"), "pk2", cert("cc", "web-1"), 102)).contains(List.of("aa"));
      assertThat(s.revokedSerials()).containsExactly("aa");
      assertThat(s.latestCertificate("web-1").orElseThrow().serial()).isEqualTo("cc");
    }
  }

  @Test
  void decommission_revokesEveryCertificateOfTheHostInOneGo(@TempDir Path dir) {
    try (Store store = Store.open(dir)) {
      EnrollmentStore s = store.enrollment();
      s.insertToken(token("h1", "web-1"));
      s.consumeTokenAndEnroll(token("h1", "web-1"), "pk", cert("aa", "web-1"), 100);
      s.insertCertificate(cert("ab", "web-1"));
      assertThat(s.decommission("web-1", "test", 200)).containsExactlyInAnyOrder("aa", "ab");
      assertThat(s.decommission("web-1", "again", 201)).isEmpty();
      assertThat(store.hosts().host("web-1").orElseThrow().decommissioned()).isTrue();
    }
  }

  @Test
  void insertRenewal_onlyForACurrentCertificateOfAnActiveHost(@TempDir Path dir) {
    try (Store store = Store.open(dir)) {
      EnrollmentStore s = store.enrollment();
      Rows.enroll(store, "web-1", "aa", 100);
      Rows.enroll(store, "web-2", "xx", 100);

      assertThat(s.insertRenewal(cert("bb", "web-1"), "aa")).isTrue();
      assertThat(s.certificate("bb")).isPresent();
      assertThat(s.insertRenewal(cert("b2", "web-1"), "xx")).as("another host's certificate").isFalse();

      s.revokeSerial("aa", "agent://web-1", "test", 150);
      assertThat(s.insertRenewal(cert("cc", "web-1"), "aa")).as("a revoked certificate").isFalse();
      assertThat(s.certificate("cc")).isEmpty();

      s.decommission("web-1", "test", 200);
      s.insertCertificate(cert("dd", "web-1"));
      assertThat(s.insertRenewal(cert("ee", "web-1"), "dd")).as("a decommissioned host").isFalse();
      assertThat(s.latestCertificate("web-1").orElseThrow().serial()).isEqualTo("dd");
    }
  }
}
