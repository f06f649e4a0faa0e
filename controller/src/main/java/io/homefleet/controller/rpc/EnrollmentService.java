package io.homefleet.controller.rpc;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.homefleet.controller.auth.CallerContext;
import io.homefleet.controller.enroll.EnrollmentAuthority;
import io.homefleet.controller.enroll.EnrollmentException;
import io.homefleet.proto.v1.EnrollRequest;
import io.homefleet.proto.v1.EnrollResponse;
import io.homefleet.proto.v1.EnrollmentGrpc;
import java.security.cert.CertificateEncodingException;

/** Translates enrollment calls; the work is in {@link EnrollmentAuthority}. */
public final class EnrollmentService extends EnrollmentGrpc.EnrollmentImplBase {
  private final EnrollmentAuthority authority;

  public EnrollmentService(EnrollmentAuthority authority) {
    this.authority = authority;
  }

  @Override
  public void enroll(EnrollRequest request, StreamObserver<EnrollResponse> responseObserver) {
    String remote = CallerContext.REMOTE.get();
    try {
      EnrollmentAuthority.Issued issued = authority.enroll(request.getToken(), request.getHostName(),
          request.getCsrDer().toByteArray(), remote == null ? "unknown" : hostOf(remote));
      responseObserver.onNext(EnrollResponse.newBuilder()
          .setCertificateDer(ByteString.copyFrom(issued.certificate().getEncoded()))
          .addCaChainDer(ByteString.copyFrom(issued.ca().getEncoded()))
          .setRole(issued.role())
          .setHostName(issued.host())
          .build());
      responseObserver.onCompleted();
    } catch (EnrollmentException e) {
      Status status = switch (e.reason()) {
        case INVALID -> Status.INVALID_ARGUMENT;
        case DENIED -> Status.PERMISSION_DENIED;
        case RATE_LIMITED -> Status.RESOURCE_EXHAUSTED;
      };
      responseObserver.onError(status.withDescription(e.getMessage()).asRuntimeException());
    } catch (CertificateEncodingException e) {
      responseObserver.onError(Status.INTERNAL.withDescription("cannot encode the certificate").asRuntimeException());
    }
  }

  /** Rate limiting is per source address, not per source port. */
  static String hostOf(String remote) {
    int colon = remote.lastIndexOf(':');
    return colon > 0 ? remote.substring(0, colon) : remote;
  }
}
