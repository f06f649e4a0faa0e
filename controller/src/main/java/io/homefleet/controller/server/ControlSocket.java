package io.homefleet.controller.server;

import io.grpc.Attributes;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.InternalProtocolNegotiationEvent;
import io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.ProtocolNegotiationEvent;
import io.homefleet.controller.auth.LocalCallerInterceptor;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local control socket: the operator API, plaintext gRPC on a Unix domain socket (mode 0600)
 * beside the mTLS port, for the CLI on the controller's own host. Whoever can open it, the
 * controller's user or root, can read the data directory (CA key, database) anyway, so it grants
 * nothing new; it spares each CLI command the TLS handshake and the PEM and key loading
 * (docs/security.md, "The local control socket"). Only the operator service is served here.
 *
 * <p>The socket is bound inside a fresh directory of mode 0700 next to its final path, made 0600,
 * then renamed into place: at no instant is a connectable socket reachable by another user,
 * whatever the umask. A stale socket left by a killed controller is replaced; one that answers
 * belongs to a live controller and is an error.
 */
public final class ControlSocket implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlSocket.class);
  /** The same cap as the TLS port: a play's bundle travels in one message. */
  private static final int MAX_MESSAGE = 16 * 1024 * 1024;

  private final Path path;
  private final Server server;
  private final EventLoopGroup loop;
  private final Object fileKey;

  private ControlSocket(Path path, Server server, EventLoopGroup loop, Object fileKey) {
    this.path = path;
    this.server = server;
    this.loop = loop;
    this.fileKey = fileKey;
  }

  public Path path() {
    return path;
  }

  /**
   * Fails when a live controller answers on {@code path}, or when something other than a socket is
   * there; a socket nothing answers on (left by a killed controller) is left for
   * {@link #start} to replace. Called before the controller opens its store.
   */
  public static void checkFree(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!isSocket(path)) {
      throw new IOException("control_socket " + path + ": a file that is not a socket is in the way (remove it, or"
          + " set control_socket in controller.yaml to another path or to off)");
    }
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(path));
    } catch (IOException refused) {
      return; // stale: nothing listens on it
    }
    throw new IOException("control_socket " + path + ": another controller is serving on it (is 'homefleet server"
        + " --data-dir " + path.getParent() + "' already running? stop it first, or set control_socket to another"
        + " path or to off)");
  }

  /**
   * With the socket off: removes a stale socket that a killed controller left at {@code path}, so
   * that a CLI whose config.yaml names it uses TLS instead of failing on it. A socket something
   * answers on, and any other file, is left alone.
   */
  public static void removeStale(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS) || !isSocket(path)) {
      return;
    }
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(path));
      return;
    } catch (IOException refused) {
      Files.deleteIfExists(path);
      log.info("removed the stale control socket {} (control_socket is off)", path);
    }
  }

  /** Serves {@code operator} on {@code path}, replacing a stale socket there (see {@link #checkFree}). */
  public static ControlSocket start(Path path, ServerServiceDefinition operator) throws IOException {
    checkFree(path);
    Path parent = path.getParent();
    // Short, so that the temporary path fits in sun_path whenever the final one does.
    Path privateDir = parent.resolve(".cs" + ProcessHandle.current().pid());
    deleteTree(privateDir);
    try {
      Files.createDirectory(privateDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (FileAlreadyExistsException e) {
      throw new IOException("control_socket " + path + ": " + privateDir + " appeared while starting; retry", e);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException("control_socket " + path + ": the directory " + parent + " does not exist (create it,"
          + " or set control_socket in controller.yaml to another path or to off)", e);
    }
    Path bound = privateDir.resolve("s");
    EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("homefleet-control", true),
        NioIoHandler.newFactory());
    Server server = null;
    try {
      server = NettyServerBuilder.forAddress(UnixDomainSocketAddress.of(bound))
          .channelType(NioServerDomainSocketChannel.class)
          .bossEventLoopGroup(loop)
          .workerEventLoopGroup(loop)
          .protocolNegotiator(new PeerCredentials())
          // gRPC sets SO_KEEPALIVE on every accepted channel; a Unix socket has none (Netty warned per connection).
          .withChildOption(ChannelOption.SO_KEEPALIVE, null)
          .maxInboundMessageSize(MAX_MESSAGE)
          .addService(ServerInterceptors.intercept(operator, new LocalCallerInterceptor()))
          .build()
          .start();
      Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-------"));
      // rename(2): atomic, and replaces a stale socket in one step.
      Files.move(bound, path, StandardCopyOption.ATOMIC_MOVE);
      Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
      log.info("operator API on the control socket {} (mode 0600; control_socket in controller.yaml)", path);
      return new ControlSocket(path, server, loop, key);
    } catch (IOException | RuntimeException e) {
      if (server != null) {
        server.shutdownNow();
      }
      loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      if (e instanceof IOException io) {
        throw new IOException("control_socket " + path + ": " + io.getMessage(), io);
      }
      throw (RuntimeException) e;
    } finally {
      deleteTree(privateDir);
    }
  }

  private static boolean isSocket(Path p) throws IOException {
    return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Stops serving and removes the socket file, if it is still the one this controller bound. */
  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    try {
      if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && fileKey != null && fileKey.equals(
          Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey())) {
        Files.delete(path);
      }
    } catch (IOException e) {
      log.warn("could not remove the control socket {}: {}", path, e.getMessage());
    }
  }

  /**
   * Plaintext HTTP/2 as gRPC's own server negotiator does it, plus the connecting process's user
   * from SO_PEERCRED in the transport's attributes ({@link LocalCallerInterceptor#PEER_USER}).
   */
  private static final class PeerCredentials implements InternalProtocolNegotiator.ProtocolNegotiator {
    private static final AsciiString HTTP = AsciiString.of("http");

    @Override
    public AsciiString scheme() {
      return HTTP;
    }

    @Override
    public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
      ChannelHandler negotiated = InternalProtocolNegotiators.grpcNegotiationHandler(grpcHandler);
      return InternalProtocolNegotiators.waitUntilActiveHandler(new PeerUser(negotiated),
          grpcHandler.getNegotiationLogger());
    }

    @Override
    public void close() {}
  }

  /** Adds the peer's user to the negotiation event, then hands over to gRPC's handler. */
  private static final class PeerUser extends ChannelInboundHandlerAdapter {
    private final ChannelHandler next;

    PeerUser(ChannelHandler next) {
      this.next = next;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof ProtocolNegotiationEvent pne) {
        Attributes attrs = InternalProtocolNegotiationEvent.getAttributes(pne).toBuilder()
            .set(LocalCallerInterceptor.PEER_USER, peerUser(ctx.channel())).build();
        ctx.pipeline().replace(ctx.name(), null, next);
        ctx.fireUserEventTriggered(InternalProtocolNegotiationEvent.withAttributes(pne, attrs));
      } else {
        super.userEventTriggered(ctx, evt);
      }
    }
  }

  /**
   * The user of the process at the other end, from SO_PEERCRED on the JDK channel under Netty's
   * (reached through its protected {@code javaChannel()}: Netty's domain socket channels are final
   * and do not expose it); "unknown-user" if that ever fails, the call is still the socket's.
   */
  static String peerUser(Channel channel) {
    try {
      Method javaChannel = io.netty.channel.nio.AbstractNioChannel.class.getDeclaredMethod("javaChannel");
      javaChannel.setAccessible(true);
      SocketChannel ch = (SocketChannel) javaChannel.invoke(channel);
      return ch.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user().getName();
    } catch (ReflectiveOperationException | IOException | RuntimeException e) {
      log.debug("no SO_PEERCRED for {}: {}", channel, e.toString());
      return "unknown-user";
    }
  }
}
