package io.homefleet.controller.store;

import io.homefleet.controller.store.Records.IssuedCertificate;
import io.homefleet.controller.store.Records.Run;
import io.homefleet.controller.store.Records.Task;
import io.homefleet.controller.store.Records.Token;
import java.util.Map;
import java.util.Optional;

/** Rows the record stores' tests write. */
final class Rows {
  private Rows() {}

  static Token token(String hash, String host) {
    return new Token(hash, host, "dev", Map.of("k", "v"), 1, 10_000, Optional.empty(), Optional.empty(), Optional.empty());
  }

  static IssuedCertificate cert(String serial, String host) {
    return new IssuedCertificate(serial, "agent://" + host, Optional.of(host), "pk-" + serial, 0, 1000, "PEM", 5);
  }

  /** Enrolls {@code host} with a fresh token and the certificate {@code serial}. */
  static void enroll(Store s, String host, String serial, long at) {
    s.enrollment().insertToken(token("t-" + serial, host));
    s.enrollment().consumeTokenAndEnroll(token("t-" + serial, host), "pk", cert(serial, host), at);
  }

  static Run run(String id, String kind, long createdAt) {
    return new Run(id, kind, "all", "command", "{}", "running", "operator://admin", createdAt, Optional.empty());
  }

  static Task queued(String id, String runId, String host) {
    return new Task(id, runId, host, "queued", Optional.empty(), "", "", "", Optional.empty(), Optional.empty(), 0, false,
        Optional.empty());
  }
}
