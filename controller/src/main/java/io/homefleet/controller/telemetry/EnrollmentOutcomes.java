package io.homefleet.controller.telemetry;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Counts enrollment calls by the status they end with ({@code homefleet_enrollments_total{outcome}}),
 * without touching the enrollment service: it sits in front of it.
 */
public final class EnrollmentOutcomes implements ServerInterceptor {
  private final ControllerMetrics metrics;

  public EnrollmentOutcomes(ControllerMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        metrics.enrollment(status.getCode());
        super.close(status, trailers);
      }
    }, headers);
  }
}
