package io.homefleet.agent.session;

import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.homefleet.agent.config.AgentConfig;
import io.homefleet.pki.KeyMaterial;
import io.homefleet.pki.PinnedServerTrustManager;
import io.homefleet.pki.StaticKeyManager;
import io.homefleet.pki.PkiException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Builds the agent's TLS channels to the controller. One small event loop serves them all: an
 * agent holds one connection, so more threads would only cost memory.
 */
public final class Channels implements AutoCloseable {
  private final AgentConfig config;
  private final Clock clock;
  private final EventLoopGroup loop;
  private final Executor executor;

  public Channels(AgentConfig config, Clock clock, Executor executor) {
    this.config = config;
    this.clock = clock;
    this.executor = executor;
    this.loop = new NioEventLoopGroup(1, r -> {
      Thread t = new Thread(r, "homefleet-netty");
      t.setDaemon(true);
      return t;
    });
  }

  /** A channel for enrollment: no client certificate, the controller pinned by fingerprint. */
  public ManagedChannel enrollment(PinnedServerTrustManager trust) throws SSLException {
    SslContext ssl = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
        .trustManager(trust).build();
    return builder(ssl).build();
  }

  /** A channel for the session: the agent's certificate, the stored CA as anchor (checked against the pin). */
  public ManagedChannel session(KeyMaterial identity, X509Certificate ca) throws SSLException, PkiException {
    SslContext ssl = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
        .keyManager(new StaticKeyManager(identity.key(), identity.chain()))
        .trustManager(new PinnedServerTrustManager(ca, config.caFingerprint(), clock))
        .build();
    return builder(ssl)
        .keepAliveTime(config.keepAliveTime().toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveTimeout(config.keepAliveTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveWithoutCalls(true)
        .build();
  }

  private NettyChannelBuilder builder(SslContext ssl) {
    // A fresh builder per connection attempt re-resolves the controller's address each time.
    return NettyChannelBuilder.forTarget(config.controller())
        .sslContext(ssl)
        .eventLoopGroup(loop)
        .channelType(NioSocketChannel.class)
        .executor(executor)
        // Name resolution's blocking work on our executor too: gRPC's default offload executor is a
        // shared pool whose thread factory formats its thread names with String.format, which loads
        // the JDK's locale provider and ~1,000 Locale objects into an idle agent's heap.
        .offloadExecutor(executor)
        .maxInboundMessageSize(16 * 1024 * 1024);
  }

  @Override
  public void close() {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
