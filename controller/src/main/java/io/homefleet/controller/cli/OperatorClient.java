package io.homefleet.controller.cli;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.homefleet.pki.KeyMaterial;
import io.homefleet.pki.Pem;
import io.homefleet.pki.PinnedServerTrustManager;
import io.homefleet.pki.StaticKeyManager;
import io.homefleet.pki.PkiException;
import io.homefleet.proto.v1.OperatorGrpc;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A channel to the controller: mTLS with the operator's certificate, or plaintext on the
 * controller's local control socket (see {@link CliHome} for which).
 */
final class OperatorClient implements AutoCloseable {
  /** Netty's loggers, warnings only, as the server's slf4j settings have them (held: JUL keeps loggers weakly). */
  private static final Logger NETTY_LOG = Logger.getLogger("io.netty");

  private final EventLoopGroup loop;
  private final ManagedChannel channel;
  private final String address;

  OperatorClient(CliHome home) {
    this.address = home.controller();
    // Netty 4.2 registers JFR events on its first allocation, recording or not, which costs every
    // command start-up; set before Netty initialises (anything below), and an explicit setting wins.
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
    }
    // Netty logs through the JDK's logging here, which gRPC has loaded anyway, rather than slf4j,
    // whose start-up a command that logs nothing would pay.
    NETTY_LOG.setLevel(Level.WARNING);
    InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
    // One event loop of our own instead of gRPC's shared group: a command holds one connection,
    // and close() can stop its thread at once (see there).
    loop = new NioEventLoopGroup(1, r -> {
      Thread t = new Thread(r, "homefleet-cli-netty");
      t.setDaemon(true);
      return t;
    });
    channel = home.socket().isPresent() ? ControlSocketChannel.open(home.socket().get(), loop)
        : Mtls.open(home, address, loop);
  }

  /**
   * What both channels share. The direct executor: gRPC's default one is a thread pool of its own
   * (created per process, ~10 ms with its thread names' formatting), and a blocking stub's server
   * stream (play, run) parsed every event on it and handed it on to the main thread. Our calls'
   * callbacks only queue (blocking stubs: ClientCalls' listeners), so they run on the event loop.
   */
  private static NettyChannelBuilder common(NettyChannelBuilder b, EventLoopGroup loop) {
    return b.eventLoopGroup(loop).directExecutor();
  }

  /**
   * Plaintext HTTP/2 to the controller's control socket: no key, certificate or CA is read, and
   * no TLS class is loaded (a class of its own, so that the JVM's verifier of the constructor
   * needs neither this nor {@link Mtls}'s types).
   */
  private static final class ControlSocketChannel {
    static ManagedChannel open(Path socket, EventLoopGroup loop) {
      NettyChannelBuilder b = NettyChannelBuilder.forAddress(UnixDomainSocketAddress.of(socket))
          .channelType(NioDomainSocketChannel.class, UnixDomainSocketAddress.class);
      return common(b, loop).usePlaintext().overrideAuthority("localhost")
          // gRPC sets SO_KEEPALIVE on every channel; a Unix socket has none, and Netty warned on each command.
          .withOption(ChannelOption.SO_KEEPALIVE, null)
          .maxInboundMessageSize(16 * 1024 * 1024).build();
    }
  }

  /** mTLS with the operator's certificate, the controller pinned by its CA's fingerprint. */
  private static final class Mtls {
    /** HTTP/2 over ALPN, as gRPC's GrpcSslContexts.configure sets it. */
    private static final ApplicationProtocolConfig ALPN_H2 = new ApplicationProtocolConfig(
        ApplicationProtocolConfig.Protocol.ALPN, ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2);

    static ManagedChannel open(CliHome home, String address, EventLoopGroup loop) {
      try {
        KeyMaterial km = KeyMaterial.load(home.dir(), "operator");
        X509Certificate ca = Pem.parseCertificates(Files.readString(home.dir().resolve("ca.crt"))).get(0);
        // What GrpcSslContexts.configure(builder, SslProvider.JDK) sets, without its check that the
        // JDK offers ALPN: that check initialises a default SSLContext, which loads the JDK's
        // cacerts trust store (~0.1 s) that this pinned-CA client never uses.
        var ssl = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
            .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
            .applicationProtocolConfig(ALPN_H2)
            .keyManager(new StaticKeyManager(km.key(), km.chain()))
            .trustManager(new PinnedServerTrustManager(ca, home.caFingerprint(), Clock.systemUTC()))
            .build();
        return common(NettyChannelBuilder.forTarget(address).sslContext(ssl), loop)
            .channelType(NioSocketChannel.class).build();
      } catch (IOException | PkiException e) {
        loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        throw new CliException(1, "cannot load operator credentials from " + home.dir() + ": " + e.getMessage());
      }
    }
  }

  /**
   * Starts connecting now, on the event loop's thread, instead of at the first call. A failure
   * shows at that call as before (exit 3): this only moves the connection's set-up earlier.
   */
  void connect() {
    channel.getState(true);
  }

  OperatorGrpc.OperatorBlockingStub blocking() {
    return OperatorGrpc.newBlockingStub(channel).withDeadlineAfter(15, TimeUnit.SECONDS);
  }

  /** A stub without a deadline, for streams that last as long as a run. */
  OperatorGrpc.OperatorBlockingStub streaming() {
    // No waitForReady: an unreachable controller must fail at once (exit 3), not hang.
    return OperatorGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.DAYS);
  }

  /**
   * One call for a command: opens a client from the root command's options, calls, closes, and
   * turns an RPC failure into a message for the operator.
   */
  static <T> T call(picocli.CommandLine.Model.CommandSpec spec,
      java.util.function.Function<OperatorGrpc.OperatorBlockingStub, T> rpc) {
    HomefleetMain root = (HomefleetMain) spec.root().userObject();
    try (OperatorClient client = new OperatorClient(root.cliHome())) {
      try {
        return rpc.apply(client.blocking());
      } catch (StatusRuntimeException e) {
        throw client.explain(e);
      }
    }
  }

  /** Turns an RPC failure into a message for the operator. */
  CliException explain(StatusRuntimeException e) {
    Status s = e.getStatus();
    String d = s.getDescription() == null ? "" : s.getDescription();
    return switch (s.getCode()) {
      case UNAVAILABLE -> new CliException(3, "cannot reach the controller at " + address + ": " + d
          + (s.getCause() != null ? " (" + s.getCause().getMessage() + ")" : "")
          + (address.startsWith(CliHome.UNIX) ? "\n  is the controller running ('homefleet server') on this host? may this"
              + " user open the socket (mode 0600: the controller's user or root)? HOMEFLEET_CONTROLLER=HOST:PORT uses TLS"
              : "\n  is it running ('homefleet server')? is 'controller' in " + "config.yaml right?"));
      case DEADLINE_EXCEEDED -> new CliException(3, "the controller at " + address + " did not answer in time");
      case NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION, ALREADY_EXISTS, RESOURCE_EXHAUSTED -> new CliException(1, d);
      case PERMISSION_DENIED, UNAUTHENTICATED -> new CliException(1, "the controller refused this operator: " + d);
      default -> new CliException(1, "controller error " + s.getCode() + ": " + d);
    };
  }

  @Override
  public void close() {
    // The CLI exits right after this: waiting for the transport to wind down (TLS close) only
    // made every command slower. The event loop's thread, though, must be gone before the JVM
    // exits: a thread blocked in the selector is "in native", and the JVM's exit waits up to
    // 300 ms for such threads to stop (HotSpot's VM_Exit); gRPC's shared group would keep its
    // threads for a second after the channel is released. Stopping the loop takes a few ms.
    channel.shutdownNow();
    loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
    try {
      loop.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
