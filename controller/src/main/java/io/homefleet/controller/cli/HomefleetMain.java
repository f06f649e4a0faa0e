package io.homefleet.controller.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code homefleet}: the controller server and the operator CLI in one tool.
 *
 * <p>Exit codes: 0 success; 1 error; 2 usage error or a host failed; 3 the controller could not
 * be reached; 4 a host was unreachable (2 and 4 follow ansible's ad-hoc convention).
 */
@Command(name = "homefleet", mixinStandardHelpOptions = true, versionProvider = HomefleetMain.VersionProvider.class,
    description = "Run a homelab from one controller: enroll agents, run commands, look at results.")
public final class HomefleetMain {
  /**
   * The subcommands. picocli builds a reflective model of every command it is given, ~0.1 s of
   * start-up for all of them, so a command line naming one gets only that one (see {@link #run}).
   */
  private static final List<Class<?>> SUBCOMMANDS = List.of(CaCommand.class, ServerCommand.class, TokenCommand.class,
      RevokeCommand.class, HostsCommand.class, TopCommand.class, RunCommand.class, RunsCommand.class, PlayCommand.class,
      StateCommand.class, StatusCommand.class, VaultCommand.class, CommandLine.HelpCommand.class);

  @Option(names = "--home", scope = CommandLine.ScopeType.INHERIT,
      description = "Operator credentials and CLI config (default: $HOMEFLEET_HOME or ~/.homefleet).")
  Path home;

  @Option(names = "--controller", scope = CommandLine.ScopeType.INHERIT,
      description = "Controller address HOST:PORT (TLS) or unix:PATH (its local control socket) (default:"
          + " $HOMEFLEET_CONTROLLER, else config.yaml's socket if this user may open it, else its controller).")
  String controller;

  CliHome cliHome() {
    return CliHome.load(home, controller);
  }

  public static void main(String[] args) {
    // picocli's DefaultFactory looks for Groovy's Closure class once per process: a class that is
    // not there, so the class loader opened and searched every jar of the class path (~15 ms).
    setIfUnset("picocli.disable.closures", "true");
    if (!(args.length > 0 && args[0].equals("server"))) {
      // The CLI trusts only the controller's pinned CA, never the JDK's default trust store; but
      // Netty's JdkSslContext initialises a default SSLContext once per process, which parses the
      // ~140 certificates of cacerts (~80 ms). "NONE" gives that default context an empty store.
      setIfUnset("javax.net.ssl.trustStore", "NONE");
      // The CLI's channels are NIO (OperatorClient); gRPC's Utils still asks whether epoll is
      // available, which extracted Netty's native library to a temporary file and loaded it:
      // ~40 ms of every command. The server keeps epoll (ServerTransport).
      setIfUnset("io.netty.transport.noNative", "true");
    }
    System.exit(run(args));
  }

  private static void setIfUnset(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }

  public static int run(String... args) {
    return run(null, null, args);
  }

  /** Runs with the given output streams (tests); null keeps picocli's default. */
  static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new HomefleetMain());
    Class<?> named = null;
    for (Class<?> c : SUBCOMMANDS) {
      if (args.length > 0 && c != CommandLine.HelpCommand.class && c.getAnnotation(Command.class).name().equals(args[0])) {
        named = c;
        break;
      }
    }
    if (named != null) {
      cl.addSubcommand(named);
    } else {
      for (Class<?> c : SUBCOMMANDS) {
        cl.addSubcommand(c);
      }
    }
    if (out != null) {
      cl.setOut(out);
    }
    if (err != null) {
      cl.setErr(err);
    }
    cl.setExecutionExceptionHandler(new CliExceptionHandler());
    return cl.execute(args);
  }

  /**
   * A {@link CliException} is a message and an exit code for the operator; anything else is a bug
   * and keeps picocli's stack trace. A class, not a lambda, as is the loop above: picocli's classes
   * are Java 5 class files, which the class-data archive holds only if its dump did not link them,
   * and a lambda of a picocli interface or method archived with this class (its class list's
   * {@code @lambda-proxy} lines) linked {@code picocli.CommandLine}: then every command loaded
   * that class (~0.3 MB) from its jar, opening each jar before it on the class path, and verified
   * it with the old verifier.
   */
  private static final class CliExceptionHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) throws Exception {
      if (e instanceof CliException ce) {
        cmd.getErr().println("homefleet: " + ce.getMessage());
        return ce.exitCode();
      }
      throw e;
    }
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"homefleet " + io.homefleet.controller.server.Version.current()};
    }
  }
}
