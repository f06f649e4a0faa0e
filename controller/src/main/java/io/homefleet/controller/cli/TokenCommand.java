package io.homefleet.controller.cli;

import io.homefleet.controller.config.Durations;
import io.homefleet.proto.v1.CreateTokenRequest;
import io.homefleet.proto.v1.CreateTokenResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code homefleet token create}: mint a single-use enrollment token. */
@Command(name = "token", description = "Enrollment tokens.", subcommands = {TokenCommand.Create.class})
final class TokenCommand {

  @Command(name = "create", description = "Mint a single-use enrollment token bound to one host name.")
  static final class Create implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--host", required = true, description = "The host name the token is bound to.")
    String host;

    @Option(names = "--role", required = true,
        description = "The host's role: prod, dev, sandbox, services, batch, workstation, or your own.")
    String role;

    @Option(names = "--ttl", defaultValue = "1h", description = "How long the token stays valid (default: ${DEFAULT-VALUE}).")
    String ttl;

    @Option(names = "--label", description = "A label KEY=VALUE for the host; repeatable.")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
      Duration d;
      try {
        d = Durations.parse(ttl);
      } catch (IllegalArgumentException e) {
        throw new CliException(2, "--ttl: " + e.getMessage());
      }
      CreateTokenResponse r = OperatorClient.call(spec,
          op -> op.createToken(CreateTokenRequest.newBuilder().setHostName(host).setRole(role)
              .setTtlSeconds((int) d.toSeconds()).putAllLabels(labels).build()));
      var out = spec.commandLine().getOut();
      if (json) {
        out.println(Json.write(Map.of("token", r.getToken(), "ca_fingerprint", r.getCaFingerprint(), "host", host,
            "role", role, "expires", Times.iso(r.getExpiresUnixMillis()))));
      } else {
        out.println("token:          " + r.getToken());
        out.println("ca_fingerprint: " + r.getCaFingerprint());
        out.println("host:           " + host + " (role " + role + ")");
        out.println("expires:        " + Times.iso(r.getExpiresUnixMillis()));
        out.println("single use: put token and ca_fingerprint in the agent's /etc/homefleet/agent.yaml");
      }
      return 0;
    }
  }
}
