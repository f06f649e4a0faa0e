package io.homefleet.controller.cli;

import io.homefleet.controller.config.ConfigException;
import io.homefleet.controller.config.ControllerConfig;
import io.homefleet.controller.server.ControllerServer;
import io.homefleet.pki.PkiException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code homefleet server}: run the controller in the foreground. */
@Command(name = "server", description = "Run the controller (foreground; stop with Ctrl-C or SIGTERM).")
final class ServerCommand implements Callable<Integer> {
  @Option(names = "--config", description = "Controller config file (default: DATA_DIR/controller.yaml).")
  Path config;

  @Option(names = "--data-dir", description = "Controller data directory (default: ${DEFAULT-VALUE}).",
      defaultValue = "/var/lib/homefleet")
  Path dataDir;

  @Override
  public Integer call() throws IOException, InterruptedException {
    ControllerConfig cfg;
    try {
      cfg = ControllerConfig.load(config != null ? config : dataDir.resolve(ControllerConfig.FILE_NAME));
    } catch (ConfigException e) {
      throw new CliException(2, e.getMessage());
    }
    ControllerServer server = new ControllerServer(cfg, Clock.systemUTC());
    try {
      server.start();
    } catch (PkiException e) {
      server.close();
      throw new CliException(1, e.getMessage());
    } catch (IOException e) {
      server.close(); // what started before the failure (store, lock, ports) is let go
      throw new CliException(1, "cannot start the controller on " + cfg.listenAddress() + ": " + e.getMessage());
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "homefleet-shutdown"));
    server.awaitTermination();
    return 0;
  }
}
