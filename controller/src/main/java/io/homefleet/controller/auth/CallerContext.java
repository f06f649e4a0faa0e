package io.homefleet.controller.auth;

import io.grpc.Context;
import io.homefleet.pki.Identity;

/** What the {@link AuthInterceptor} learned about the caller, for the services behind it. */
public final class CallerContext {
  /**
   * The identity from the verified peer certificate; absent for enrollment calls and for calls
   * over the local control socket (see {@link #PRINCIPAL}).
   */
  public static final Context.Key<Identity> IDENTITY = Context.key("homefleet.identity");
  /** The serial of the peer certificate, lower-case hex. */
  public static final Context.Key<String> SERIAL = Context.key("homefleet.serial");
  /**
   * Who made an operator call, as runs and audit lines name it: the certificate's identity
   * ({@code operator://admin}) over TLS, {@code local:USER} over the control socket.
   */
  public static final Context.Key<String> PRINCIPAL = Context.key("homefleet.principal");
  /** The peer's transport address, for logs and rate limiting. */
  public static final Context.Key<String> REMOTE = Context.key("homefleet.remote");

  private CallerContext() {}
}
