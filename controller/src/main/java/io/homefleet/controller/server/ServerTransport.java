package io.homefleet.controller.server;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.util.function.Supplier;

/**
 * The controller's socket transport: Netty's native epoll where its library loads (Linux
 * x86_64), NIO elsewhere or with {@code -Dhomefleet.transport=nio}. Epoll costs less CPU per
 * message (no selector keys, no JDK channel layer, edge-triggered reads) — bench/README.md,
 * "Fifth session". Both kinds of listening channel take the accept cap ({@link AcceptRateLimit}).
 *
 * @param name        {@code epoll} or {@code nio}, for the start-up log line
 * @param why         why this transport (NIO: why epoll is not used)
 * @param ioHandlers  the event loops' I/O handler
 * @param listening   a new, unbound listening channel of the matching kind
 */
record ServerTransport(String name, String why, IoHandlerFactory ioHandlers, Supplier<ServerChannel> listening) {

  static ServerTransport choose() {
    if ("nio".equals(System.getProperty("homefleet.transport"))) {
      return nio("-Dhomefleet.transport=nio");
    }
    if (!Epoll.isAvailable()) {
      Throwable cause = Epoll.unavailabilityCause();
      return nio("native epoll unavailable: " + (cause == null ? "unknown" : cause.getMessage()));
    }
    return new ServerTransport("epoll", "native library loaded", EpollIoHandler.newFactory(), EpollServerSocketChannel::new);
  }

  private static ServerTransport nio(String why) {
    return new ServerTransport("nio", why, NioIoHandler.newFactory(), NioServerSocketChannel::new);
  }
}
