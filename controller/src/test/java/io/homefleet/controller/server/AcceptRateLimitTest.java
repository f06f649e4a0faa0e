package io.homefleet.controller.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The accept cap on a real listening socket: a burst of connections well over the rate is
 * accepted in steps (accepting pauses), and every connection is accepted in the end — none is
 * refused or lost, they wait in the listen backlog. On both transports the controller may pick
 * ({@link ServerTransport}): native epoll and NIO.
 */
class AcceptRateLimitTest {
  @ParameterizedTest
  @ValueSource(strings = {"epoll", "nio"})
  void burstOverTheRate_acceptingPauses_everyConnectionStillAccepted(String kind) throws Exception {
    ServerTransport transport = transport(kind);
    assertThat(transport.name()).as("transport chosen (%s)", transport.why()).isEqualTo(kind);
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, transport.ioHandlers());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(1, transport.ioHandlers());
    LongAdder accepted = new LongAdder();
    LongAdder pauses = new LongAdder();
    AtomicInteger served = new AtomicInteger();
    List<Socket> clients = new ArrayList<>();
    try {
      Channel listening = new ServerBootstrap().group(boss, workers)
          .channelFactory(() -> {
            ServerChannel ch = transport.listening().get();
            AcceptRateLimit.install(ch, 10, accepted, pauses);
            return ch;
          })
          .childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              served.incrementAndGet();
            }
          })
          .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
      int port = ((InetSocketAddress) listening.localAddress()).getPort();
      for (int i = 0; i < 60; i++) {
        clients.add(new Socket("127.0.0.1", port));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> served.get() == 60);
      assertThat(accepted.sum()).isEqualTo(60);
      // 60 at 10/s with a bucket of 10, one connection per read: accepting waited for (nearly) every
      // connection past the first ten.
      assertThat(pauses.sum()).isGreaterThan(30);
      listening.close().sync();
    } finally {
      for (Socket s : clients) {
        s.close();
      }
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /** The transport {@link ServerTransport#choose} picks with {@code -Dhomefleet.transport=kind}. */
  private static ServerTransport transport(String kind) {
    String before = System.getProperty("homefleet.transport");
    System.setProperty("homefleet.transport", kind);
    try {
      return ServerTransport.choose();
    } finally {
      if (before == null) {
        System.clearProperty("homefleet.transport");
      } else {
        System.setProperty("homefleet.transport", before);
      }
    }
  }
}
