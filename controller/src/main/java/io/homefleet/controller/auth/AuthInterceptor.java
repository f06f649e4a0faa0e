package io.homefleet.controller.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.homefleet.controller.store.Store;
import io.homefleet.pki.Certificates;
import io.homefleet.pki.CertificateRules;
import io.homefleet.pki.Identity;
import io.homefleet.pki.PkiException;
import io.homefleet.proto.v1.AgentSessionGrpc;
import io.homefleet.proto.v1.EnrollmentGrpc;
import io.homefleet.proto.v1.OperatorGrpc;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates and authorises every call from the TLS peer certificate alone (metadata is never
 * consulted): certificate rules, revocation, decommissioning, and which identity kind may call
 * which service. Only {@code Enrollment} is open to callers without a certificate.
 */
public final class AuthInterceptor implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(AuthInterceptor.class);

  private final X509Certificate ca;
  private final RevocationList revocations;
  private final Store store;
  private final Clock clock;

  public AuthInterceptor(X509Certificate ca, RevocationList revocations, Store store, Clock clock) {
    this.ca = ca;
    this.revocations = revocations;
    this.store = store;
    this.clock = clock;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String service = call.getMethodDescriptor().getServiceName();
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    Context ctx = Context.current().withValue(CallerContext.REMOTE, String.valueOf(remote));
    if (EnrollmentGrpc.SERVICE_NAME.equals(service)) {
      return Contexts.interceptCall(ctx, call, headers, next);
    }
    X509Certificate leaf = peerCertificate(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    if (leaf == null) {
      return refuse(call, Status.UNAUTHENTICATED.withDescription("a client certificate is required"), remote, "no certificate");
    }
    Identity id;
    try {
      id = CertificateRules.checkClient(leaf, ca, clock.instant());
    } catch (PkiException e) {
      return refuse(call, Status.UNAUTHENTICATED.withDescription("client certificate rejected: " + e.getMessage()), remote,
          e.getMessage());
    }
    String serial = Certificates.serialHex(leaf);
    if (revocations.isRevoked(serial)) {
      return refuse(call, Status.UNAUTHENTICATED.withDescription("client certificate " + serial + " is revoked"), remote,
          id + " presented revoked certificate " + serial);
    }
    if (AgentSessionGrpc.SERVICE_NAME.equals(service)) {
      if (id.kind() != Identity.Kind.AGENT) {
        return refuse(call, Status.PERMISSION_DENIED.withDescription(id + " may not call the agent session"), remote,
            id + " called " + call.getMethodDescriptor().getFullMethodName());
      }
      var host = store.hosts().host(id.name());
      if (host.isEmpty()) {
        return refuse(call, Status.PERMISSION_DENIED.withDescription("host " + id.name()
            + " is not enrolled with this controller"), remote, id + " is not enrolled");
      }
      if (host.get().decommissioned()) {
        return refuse(call, Status.PERMISSION_DENIED.withDescription("host " + id.name()
            + " is decommissioned; enroll it again with a new token"), remote, id + " is decommissioned");
      }
    } else if (OperatorGrpc.SERVICE_NAME.equals(service)) {
      if (id.kind() != Identity.Kind.OPERATOR) {
        return refuse(call, Status.PERMISSION_DENIED.withDescription(id + " may not call operator methods"), remote,
            id + " called " + call.getMethodDescriptor().getFullMethodName());
      }
    } else {
      return refuse(call, Status.UNIMPLEMENTED.withDescription("unknown service " + service), remote, "unknown service");
    }
    ctx = ctx.withValue(CallerContext.IDENTITY, id).withValue(CallerContext.SERIAL, serial)
        .withValue(CallerContext.PRINCIPAL, id.toString());
    return Contexts.interceptCall(ctx, call, headers, next);
  }

  private static X509Certificate peerCertificate(SSLSession session) {
    if (session == null) {
      return null;
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status, SocketAddress remote,
      String why) {
    log.warn("refused {} from {}: {}", call.getMethodDescriptor().getFullMethodName(), remote, why);
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
