package io.homefleet.controller.auth;

import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.homefleet.proto.v1.OperatorGrpc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authorises calls on the local control socket: whoever could connect (the socket is mode 0600,
 * so the controller's own user, or root) is an operator, named {@code local:USER} after the
 * peer's credentials ({@code SO_PEERCRED}) that the transport recorded in {@link #PEER_USER}.
 * Only the {@code Operator} service passes: the socket's server has no other service, and this
 * refuses any that were added by mistake, so no agent or enrollment call is ever served here.
 */
public final class LocalCallerInterceptor implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(LocalCallerInterceptor.class);

  /** The connecting process's user name from SO_PEERCRED, set by the control socket's transport. */
  public static final Attributes.Key<String> PEER_USER = Attributes.Key.create("homefleet.local-peer-user");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String user = call.getAttributes().get(PEER_USER);
    String principal = "local:" + (user == null ? "unknown-user" : user);
    if (!OperatorGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName())) {
      log.warn("refused {} from {} on the control socket: only operator calls are served there",
          call.getMethodDescriptor().getFullMethodName(), principal);
      call.close(Status.UNIMPLEMENTED.withDescription("the control socket serves operator calls only"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Context ctx = Context.current().withValue(CallerContext.PRINCIPAL, principal)
        .withValue(CallerContext.REMOTE, "control socket (" + principal + ")");
    return Contexts.interceptCall(ctx, call, headers, next);
  }
}
