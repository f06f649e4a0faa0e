package io.homefleet.bench;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.homefleet.pki.Csr;
import io.homefleet.pki.KeyMaterial;
import io.homefleet.pki.Keys;
import io.homefleet.pki.Pem;
import io.homefleet.pki.PinnedServerTrustManager;
import io.homefleet.pki.StaticKeyManager;
import io.homefleet.proto.Structs;
import io.homefleet.proto.v1.AgentMessage;
import io.homefleet.proto.v1.AgentSessionGrpc;
import io.homefleet.proto.v1.ControllerMessage;
import io.homefleet.proto.v1.EnrollRequest;
import io.homefleet.proto.v1.EnrollResponse;
import io.homefleet.proto.v1.EnrollmentGrpc;
import io.homefleet.proto.v1.Facts;
import io.homefleet.proto.v1.Heartbeat;
import io.homefleet.proto.v1.Hello;
import io.homefleet.proto.v1.TaskEvent;
import io.homefleet.proto.v1.TaskResult;
import io.homefleet.proto.v1.TaskStatus;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * N simulated agents in one JVM. Each is a real enrolled identity (its own P-256 key and
 * certificate) with its own mTLS connection and session stream; it answers every task at once
 * with an ok {@code ping} result, sends heartbeats, and reconnects with backoff and jitter.
 */
final class SimFleet implements AutoCloseable {
  /** The load generator uses BoringSSL when it loads, so its own TLS cost disturbs the controller less. */
  private static final SslProvider TLS = io.netty.handler.ssl.OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;

  private final String target;
  private final X509Certificate ca;
  private final String fingerprint;
  private final EventLoopGroup loop;
  private final Class<? extends SocketChannel> socketType;
  private final ExecutorService executor;
  private final ScheduledExecutorService timer;
  final AtomicInteger connected = new AtomicInteger();
  final AtomicInteger tasksAnswered = new AtomicInteger();
  final AtomicInteger reconnects = new AtomicInteger();
  final List<SimAgent> agents = new ArrayList<>();
  private volatile boolean closing;

  SimFleet(String target, X509Certificate ca, String fingerprint, int loopThreads) {
    this.target = target;
    this.ca = ca;
    this.fingerprint = fingerprint;
    // Native epoll like the controller (it shares the cores); -Dhomefleet.transport=nio for NIO.
    boolean epoll = !"nio".equals(System.getProperty("homefleet.transport")) && Epoll.isAvailable();
    this.socketType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    this.loop = new MultiThreadIoEventLoopGroup(loopThreads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    this.executor = Executors.newFixedThreadPool(Math.max(2, loopThreads));
    this.timer = Executors.newScheduledThreadPool(1);
  }

  /** The load generator's socket transport: {@code epoll} or {@code nio}. */
  String transport() {
    return socketType == EpollSocketChannel.class ? "epoll" : "nio";
  }

  /** Enrolls one agent per (host, token); returns the wall time in nanoseconds. */
  long enroll(List<String> hosts, List<String> tokens, int concurrency) throws Exception {
    SslContext anon = GrpcSslContexts.configure(SslContextBuilder.forClient(), TLS)
        .trustManager(new PinnedServerTrustManager(fingerprint, Clock.systemUTC())).build();
    ManagedChannel ch = NettyChannelBuilder.forTarget(target).sslContext(anon).eventLoopGroup(loop)
        .channelType(socketType).executor(executor).build();
    EnrollmentGrpc.EnrollmentStub stub = EnrollmentGrpc.newStub(ch);
    Semaphore inFlight = new Semaphore(concurrency);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    KeyPair[] keys = new KeyPair[hosts.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = Keys.generateP256();
    }
    KeyMaterial[] done = new KeyMaterial[hosts.size()];
    long t0 = System.nanoTime();
    for (int i = 0; i < hosts.size(); i++) {
      inFlight.acquire();
      if (failure.get() != null) {
        break;
      }
      int n = i;
      stub.withDeadlineAfter(60, TimeUnit.SECONDS).enroll(EnrollRequest.newBuilder().setToken(tokens.get(i))
          .setHostName(hosts.get(i)).setCsrDer(ByteString.copyFrom(Csr.create(keys[i], hosts.get(i)))).build(),
          new StreamObserver<>() {
            @Override
            public void onNext(EnrollResponse r) {
              try {
                X509Certificate cert = Pem.certificateFromDer(r.getCertificateDer().toByteArray());
                done[n] = new KeyMaterial(keys[n].getPrivate(), List.of(cert, ca));
              } catch (Exception e) {
                failure.compareAndSet(null, e);
              }
            }

            @Override
            public void onError(Throwable t) {
              failure.compareAndSet(null, t);
              inFlight.release();
            }

            @Override
            public void onCompleted() {
              inFlight.release();
            }
          });
    }
    inFlight.acquire(concurrency);
    long elapsed = System.nanoTime() - t0;
    ch.shutdownNow();
    if (failure.get() != null) {
      throw new IllegalStateException("enrollment failed: " + failure.get(), failure.get());
    }
    for (int i = 0; i < done.length; i++) {
      agents.add(new SimAgent(hosts.get(i), done[i]));
    }
    return elapsed;
  }

  /**
   * Opens every session, at most {@code window} handshakes in flight: ten thousand TLS handshakes
   * started at once on two cores all time out together and retry together.
   */
  void connectAll(int window) throws Exception {
    for (int i = 0; i < agents.size(); i++) {
      while (i - connected.get() >= window) {
        Thread.sleep(1);
      }
      agents.get(i).open();
    }
  }

  @Override
  public void close() {
    closing = true;
    for (SimAgent a : agents) {
      a.shutdown();
    }
    timer.shutdownNow();
    executor.shutdownNow();
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /** One simulated agent. */
  final class SimAgent {
    final String host;
    private final ManagedChannel channel;
    private volatile ClientCallStreamObserver<AgentMessage> out;
    private volatile boolean welcomed;
    private volatile ScheduledFuture<?> heartbeat;
    private int attempt;

    SimAgent(String host, KeyMaterial km) throws Exception {
      this.host = host;
      SslContext ssl = GrpcSslContexts.configure(SslContextBuilder.forClient(), TLS)
          .keyManager(new StaticKeyManager(km.key(), km.chain()))
          .trustManager(new PinnedServerTrustManager(ca, fingerprint, Clock.systemUTC())).build();
      // Callbacks on a small pool beside the event loops, as in the real agent; running them on
      // the event loops instead made no difference measurable through the run-to-run spread.
      this.channel = NettyChannelBuilder.forTarget(target).sslContext(ssl).eventLoopGroup(loop)
          .channelType(socketType).executor(executor)
          .keepAliveTime(30, TimeUnit.SECONDS).keepAliveTimeout(10, TimeUnit.SECONDS).keepAliveWithoutCalls(true)
          .build();
    }

    void open() {
      AgentSessionGrpc.newStub(channel).connect(new ClientResponseObserver<AgentMessage, ControllerMessage>() {
        @Override
        public void beforeStart(ClientCallStreamObserver<AgentMessage> requestStream) {
          out = requestStream;
        }

        @Override
        public void onNext(ControllerMessage m) {
          switch (m.getKindCase()) {
            case WELCOME -> {
              welcomed = true;
              attempt = 0;
              connected.incrementAndGet();
              int every = Math.max(1, m.getWelcome().getHeartbeatSeconds());
              heartbeat = timer.scheduleAtFixedRate(() -> send(AgentMessage.newBuilder()
                      .setHeartbeat(Heartbeat.newBuilder().setUnixMillis(System.currentTimeMillis())).build()),
                  ThreadLocalRandom.current().nextInt(every * 1000), every * 1000L, TimeUnit.MILLISECONDS);
            }
            case ASSIGN -> {
              long now = System.currentTimeMillis();
              send(AgentMessage.newBuilder().setTaskEvent(TaskEvent.newBuilder().setTaskId(m.getAssign().getTaskId())
                  .setRunId(m.getAssign().getRunId()).setResult(TaskResult.newBuilder().setStatus(TaskStatus.OK)
                      .setStartedUnixMillis(now).setFinishedUnixMillis(now)
                      .setData(Structs.toStruct(Map.of("ping", "pong"))))).build());
              tasksAnswered.incrementAndGet();
            }
            default -> { }
          }
        }

        @Override
        public void onError(Throwable t) {
          ended();
        }

        @Override
        public void onCompleted() {
          ended();
        }
      });
      send(AgentMessage.newBuilder().setHello(Hello.newBuilder().setAgentVersion("bench")
          .setFacts(Facts.newBuilder().setHostname(host).setAgentVersion("bench"))).build());
    }

    private void ended() {
      ScheduledFuture<?> h = heartbeat;
      if (h != null) {
        h.cancel(false);
      }
      if (welcomed) {
        welcomed = false;
        connected.decrementAndGet();
      }
      out = null;
      if (closing) {
        return;
      }
      reconnects.incrementAndGet();
      long ceiling = Math.min(5_000, 250L << Math.min(attempt++, 10));
      long delay = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
      timer.schedule(this::open, delay, TimeUnit.MILLISECONDS);
    }

    private void send(AgentMessage m) {
      ClientCallStreamObserver<AgentMessage> o = out;
      if (o == null) {
        return;
      }
      synchronized (o) {
        try {
          o.onNext(m);
        } catch (RuntimeException ignored) {
          // stream already gone; ended() reconnects
        }
      }
    }

    void shutdown() {
      ClientCallStreamObserver<AgentMessage> o = out;
      if (o != null) {
        synchronized (o) {
          try {
            o.onCompleted();
          } catch (RuntimeException ignored) {
            // gone
          }
        }
      }
      channel.shutdownNow();
    }
  }
}
