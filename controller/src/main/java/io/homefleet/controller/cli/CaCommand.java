package io.homefleet.controller.cli;

import io.homefleet.controller.config.ConfigException;
import io.homefleet.controller.config.ControllerConfig;
import io.homefleet.controller.config.Durations;
import io.homefleet.controller.server.ControllerPki;
import io.homefleet.controller.store.Store;
import io.homefleet.pki.CertificateAuthority;
import io.homefleet.pki.PkiException;
import io.homefleet.pki.SecureFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code homefleet ca ...}: the controller's certificate authority. */
@Command(name = "ca", description = "Manage the controller's certificate authority.",
    subcommands = {CaCommand.Init.class})
final class CaCommand {

  @Command(name = "init", description = {
      "Create the CA (ECDSA P-256), the controller's server certificate and its config in DATA_DIR,",
      "and an operator certificate plus CLI config in HOMEFLEET_HOME."})
  static final class Init implements Callable<Integer> {
    @ParentCommand
    CaCommand parent;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data-dir", description = "Controller data directory (default: /var/lib/homefleet).",
        defaultValue = "/var/lib/homefleet")
    Path dataDir;

    @Option(names = "--listen", description = "Address the controller listens on (default: ${DEFAULT-VALUE}).",
        defaultValue = "127.0.0.1:7443")
    String listen;

    @Option(names = "--metrics-listen", description = "Address of the fleet's Prometheus endpoint, or off "
        + "(default: ${DEFAULT-VALUE}; port 0 picks a free one).", defaultValue = ControllerConfig.DEFAULT_METRICS_LISTEN)
    String metricsListen;

    @Option(names = "--server-name", description = "DNS name or IP for the server certificate; repeatable "
        + "(localhost and 127.0.0.1 are always included).")
    List<String> serverNames = new ArrayList<>();

    @Option(names = "--name", description = "The controller's name (default: ${DEFAULT-VALUE}).", defaultValue = "controller")
    String name;

    @Option(names = "--operator", description = "Name in the operator certificate (default: ${DEFAULT-VALUE}).",
        defaultValue = "admin")
    String operator;

    @Option(names = "--agent-cert-lifetime", description = "Lifetime of agent certificates (default: ${DEFAULT-VALUE}).",
        defaultValue = "24h")
    String agentCertLifetime;

    @Override
    public Integer call() throws IOException, PkiException, ConfigException {
      HomefleetMain root = (HomefleetMain) spec.root().userObject();
      Path home = CliHome.resolveDir(root.home);
      LinkedHashSet<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1"));
      names.addAll(serverNames);
      String lifetime;
      try {
        lifetime = Durations.format(Durations.parse(agentCertLifetime));
      } catch (IllegalArgumentException e) {
        throw new CliException(2, "--agent-cert-lifetime: " + e.getMessage());
      }
      Path configFile = dataDir.resolve(ControllerConfig.FILE_NAME);
      Files.createDirectories(dataDir);
      String yaml = "# homefleet controller configuration (docs/configuration.md)\n"
          + "listen: " + listen + "\n"
          + "metrics_listen: " + metricsListen + "\n"
          + "data_dir: .\n"
          + "server_names: [" + String.join(", ", names) + "]\n"
          + "agent_cert_lifetime: " + lifetime + "\n";
      Path tmp = Files.createTempFile(dataDir, ".controller", ".yaml");
      try {
        Files.writeString(tmp, yaml);
        ControllerConfig.load(tmp); // validate before anything is created
      } catch (ConfigException e) {
        String why = e.getMessage().startsWith(tmp + ": ") ? e.getMessage().substring(tmp.toString().length() + 2)
            : e.getMessage();
        throw new CliException(2, "ca init: " + why + "; nothing was created");
      } finally {
        Files.deleteIfExists(tmp);
      }
      CertificateAuthority ca;
      try {
        ca = ControllerPki.initCa(dataDir.resolve("pki"), name, List.copyOf(names));
      } catch (PkiException e) {
        throw new CliException(1, e.getMessage());
      }
      if (!Files.exists(configFile)) {
        SecureFiles.writePublic(configFile, yaml);
      }
      // The control socket the controller will serve, from the config it will read (an existing
      // one may have moved it or turned it off).
      java.util.Optional<Path> socket = ControllerConfig.load(configFile).controlSocket();
      try (Store store = Store.open(dataDir)) {
        ControllerPki.writeOperatorHome(ca, store, home, operator, connectAddress(listen), socket);
      }
      var out = spec.commandLine().getOut();
      out.println("CA created:        " + dataDir.resolve("pki/ca.crt"));
      out.println("CA fingerprint:    " + ca.fingerprint());
      out.println("controller config: " + configFile);
      out.println("operator '" + operator + "':    " + home + " (config.yaml, operator.crt, operator.key)");
      out.println("next: homefleet server --data-dir " + dataDir);
      return 0;
    }

    /** A wildcard listen address is not something to connect to; use loopback for the local CLI. */
    static String connectAddress(String listen) {
      int colon = listen.lastIndexOf(':');
      String host = listen.substring(0, colon);
      if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.isEmpty()) {
        host = "127.0.0.1";
      }
      return host + listen.substring(colon);
    }
  }
}
