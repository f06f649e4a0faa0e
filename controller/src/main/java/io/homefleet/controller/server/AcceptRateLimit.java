package io.homefleet.controller.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ServerChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps how fast the controller accepts new connections ({@code max_connection_rate}): a token
 * bucket of one second's worth on the listening channel. When it runs dry the channel stops
 * reading — the kernel keeps the waiting connections in the listen backlog — and reading resumes
 * when a token is back. So after a restart, thousands of agents reconnecting at once queue up
 * instead of all starting their TLS handshakes together (fault case 23), and the connections
 * already in are served meanwhile. Netty accepts at most one read loop's worth past an empty
 * bucket; {@link #install} makes that a twentieth of the rate (at most 16, Netty's default).
 */
final class AcceptRateLimit extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(AcceptRateLimit.class);
  private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final int perSecond;
  private final LongAdder accepted;
  private final LongAdder paused;
  private double tokens;
  private long refilledAt = System.nanoTime();
  private long loggedAt = System.nanoTime() - LOG_EVERY_NANOS;

  /** Puts the cap on a listening channel before it is bound. */
  @SuppressWarnings("deprecation")
  static void install(ServerChannel listening, int perSecond, LongAdder accepted, LongAdder paused) {
    listening.config().setMaxMessagesPerRead(Math.max(1, Math.min(16, perSecond / 20)));
    listening.pipeline().addLast("accept-rate", new AcceptRateLimit(perSecond, accepted, paused));
  }

  /** Counts into {@code accepted} every connection and into {@code paused} every time accepting waits. */
  AcceptRateLimit(int perSecond, LongAdder accepted, LongAdder paused) {
    if (perSecond < 1) {
      throw new IllegalArgumentException("the rate must be at least one connection per second");
    }
    this.perSecond = perSecond;
    this.tokens = perSecond;
    this.accepted = accepted;
    this.paused = paused;
  }

  /** Called on the listening channel's event loop for every accepted connection. */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object child) {
    accepted.increment();
    long now = System.nanoTime();
    tokens = Math.min(perSecond, tokens + (now - refilledAt) * perSecond / 1e9);
    refilledAt = now;
    tokens -= 1;
    if (tokens < 1 && ctx.channel().config().isAutoRead()) {
      long waitNanos = (long) ((1 - tokens) * 1e9 / perSecond);
      ctx.channel().config().setAutoRead(false);
      paused.increment();
      if (now - loggedAt >= LOG_EVERY_NANOS) {
        loggedAt = now;
        log.info("connection rate capped at {}/s (max_connection_rate): new connections wait in the listen backlog",
            perSecond);
      }
      ctx.executor().schedule(() -> {
        ctx.channel().config().setAutoRead(true);
      }, waitNanos, TimeUnit.NANOSECONDS);
    }
    ctx.fireChannelRead(child);
  }
}
