package io.homefleet.controller.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.controller.store.Records.IssuedCertificate;
import io.homefleet.controller.store.Records.Token;
import io.homefleet.controller.store.Store;
import java.util.Map;
import java.util.Optional;

/** Hosts enrolled straight into a store, as the enrollment service leaves them (role dev). */
public final class Enrolled {
  private Enrolled() {}

  public static void host(Store store, String host) {
    Token t = new Token("t-" + host, host, "dev", Map.of(), 1, 10_000, Optional.empty(), Optional.empty(),
        Optional.empty());
    IssuedCertificate c = new IssuedCertificate("s-" + host, "agent://" + host, Optional.of(host), "pk", 0, 1000, "PEM",
        5);
    store.enrollment().insertToken(t);
    assertThat(store.enrollment().consumeTokenAndEnroll(t, "pk-" + host, c, 1)).isPresent();
  }
}
