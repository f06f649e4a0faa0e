package io.homefleet.controller.auth;

import io.grpc.Context;
import io.homefleet.pki.Identity;

/** What the {@link AuthInterceptor} learned about the caller, for the services behind it. */
public final class CallerContext {
  /** The identity from the verified peer certificate; absent only for enrollment calls. */
  public static final Context.Key<Identity> IDENTITY = Context.key("homefleet.identity");
  /** The serial of the peer certificate, lower-case hex. */
  public static final Context.Key<String> SERIAL = Context.key("homefleet.serial");
  /** The peer's transport address, for logs and rate limiting. */
  public static final Context.Key<String> REMOTE = Context.key("homefleet.remote");

  private CallerContext() {}
}
