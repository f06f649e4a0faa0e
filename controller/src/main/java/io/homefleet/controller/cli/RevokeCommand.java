package io.homefleet.controller.cli;

import io.homefleet.proto.v1.RevokeRequest;
import io.homefleet.proto.v1.RevokeResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code homefleet revoke HOST}: revoke a host's certificates and decommission it. */
@Command(name = "revoke", description = {"Revoke every certificate of HOST, close its live session and decommission it.",
    "To bring it back, mint a new token and enroll it again."})
final class RevokeCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "HOST")
  String host;

  @Option(names = "--reason", description = "Why, for the record.")
  String reason = "";

  @Override
  public Integer call() {
    RevokeResponse r = OperatorClient.call(spec,
        op -> op.revoke(RevokeRequest.newBuilder().setHostName(host).setReason(reason).build()));
    spec.commandLine().getOut().println("revoked " + host + ": " + r.getRevokedSerialsCount() + " certificate(s)"
        + (r.getStreamClosed() ? ", live session closed" : ", no live session"));
    return 0;
  }
}
