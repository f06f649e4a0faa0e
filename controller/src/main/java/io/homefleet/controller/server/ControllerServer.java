package io.homefleet.controller.server;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.atomic.LongAdder;
import io.homefleet.controller.auth.AuthInterceptor;
import io.homefleet.controller.auth.RevocationList;
import io.homefleet.controller.config.ControllerConfig;
import io.homefleet.controller.enroll.EnrollmentAuthority;
import io.homefleet.controller.rpc.EnrollmentService;
import io.homefleet.controller.rpc.OperatorService;
import io.homefleet.controller.rpc.StateRpc;
import io.homefleet.controller.converge.Converger;
import io.homefleet.controller.state.DesiredState;
import java.time.Duration;
import java.time.ZoneId;
import io.homefleet.controller.run.GroupCommit;
import io.homefleet.controller.run.HostLanes;
import io.homefleet.controller.run.RunCoordinator;
import io.homefleet.controller.play.PlayCoordinator;
import io.homefleet.controller.session.AgentSessionService;
import io.homefleet.controller.session.FactsMaps;
import io.homefleet.controller.session.SessionRegistry;
import io.homefleet.controller.store.Store;
import io.homefleet.controller.telemetry.ControllerMetrics;
import io.homefleet.controller.telemetry.EnrollmentOutcomes;
import io.homefleet.controller.telemetry.FleetExposition;
import io.homefleet.controller.telemetry.FleetTelemetry;
import io.homefleet.controller.telemetry.MetricsEndpoint;
import io.homefleet.pki.CertificateAuthority;
import io.homefleet.pki.Certificates;
import io.homefleet.pki.ClientCertTrustManager;
import io.homefleet.pki.KeyMaterial;
import io.homefleet.pki.PkiException;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller process: store, CA, enrollment, agent sessions, runs and the operator API
 * behind one mutually authenticated TLS port. Owns their lifecycle.
 */
public final class ControllerServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControllerServer.class);

  private final ControllerConfig config;
  private final Clock clock;
  private Store store;
  private Server server;
  private SessionRegistry sessions;
  private ScheduledExecutorService timer;
  private GroupCommit writes;
  private Converger converger;
  /** How often the converger looks for hosts and schedules that are due. */
  private static final Duration CONVERGE_TICK = Duration.ofSeconds(1);
  private ControllerMetrics metrics;
  private RunCoordinator runs;
  private MetricsEndpoint metricsEndpoint;
  /** Our own event loops, on the transport {@link ServerTransport#choose} picks. */
  private EventLoopGroup acceptLoop;
  private EventLoopGroup ioLoops;
  private ControlSocket controlSocket;
  private DataDirLock dataDirLock;

  public ControllerServer(ControllerConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  public ControllerServer start() throws IOException, PkiException {
    if (!ControllerPki.exists(config.pkiDir())) {
      throw new PkiException("no CA in " + config.pkiDir() + ": run 'homefleet ca init --data-dir " + config.dataDir() + "' first");
    }
    dataDirLock = DataDirLock.acquire(config.dataDir()); // a second controller on this store stops here
    try {
      return startLocked();
    } catch (IOException | PkiException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private ControllerServer startLocked() throws IOException, PkiException {
    CertificateAuthority ca = CertificateAuthority.load(config.pkiDir());
    KeyMaterial serverKeys = KeyMaterial.load(config.pkiDir(), ControllerPki.SERVER);
    if (config.controlSocket().isPresent()) {
      ControlSocket.checkFree(config.controlSocket().get()); // a second controller stops here, before the store
    }
    store = Store.open(config.dataDir());
    int interrupted = store.runs().closeInterruptedRuns(clock.millis());
    if (interrupted > 0) {
      log.warn("{} playbook task(s) were in flight when the controller last stopped; marked unreachable", interrupted);
    }
    RevocationList revocations = new RevocationList(store.enrollment().revokedSerials());
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "homefleet-timer");
      t.setDaemon(true);
      return t;
    });
    sessions = new SessionRegistry();
    writes = new GroupCommit(store);
    // One lane per host for ad-hoc tasks and play parts alike, granted only while the host's stream is ready.
    HostLanes lanes = new HostLanes(sessions::isReady);
    sessions.onReady(lanes::ready);
    runs = new RunCoordinator(store, writes, sessions, lanes, clock, timer, config.reconnectWindow());
    runs.recover();
    sessions.onDisconnect(runs::disconnected);
    PlayCoordinator plays = new PlayCoordinator(store, writes, sessions, lanes,
        host -> store.hosts().host(host).map(h -> FactsMaps.ansible(h.facts())).orElse(java.util.Map.of()), clock);
    sessions.onDisconnect(plays::disconnected);
    config.localhostAgent().ifPresent(plays::localhostAgent);
    runs.alsoSweep(plays::sweep);
    store.state().closeInterruptedConvergences(clock.millis());
    try {
      config.vaultSecrets(); // a password file others can read stops the start, naming the fix
    } catch (io.homefleet.playbook.vault.VaultException e) {
      throw new IOException(e.getMessage(), e);
    }
    DesiredState state = new DesiredState(store, config.dataDir().resolve("state"), clock, config::vaultSecrets);
    state.load();
    converger = new Converger(store, state, plays, sessions, clock, timer, CONVERGE_TICK, ZoneId.systemDefault(),
        config.reconnectWindow());
    sessions.onConnect(converger::hostConnected);
    FleetTelemetry fleet = new FleetTelemetry(clock);
    sessions.onDisconnect(fleet::drop);
    metrics = new ControllerMetrics(new ControllerMetrics.Sources(sessions::size, writes::pending,
        store.runs()::countsByState, fleet));
    sessions.onConnect(host -> metrics.sessionOpened());
    sessions.onDisconnect(host -> metrics.sessionClosed());
    EnrollmentAuthority authority = new EnrollmentAuthority(store, ca, clock, config.agentCertLifetime());
    authority.onSuperseded((host, serials) -> {
      // A host enrolled again: whatever identity it had before is void, and so is its session.
      revocations.addAll(serials);
      sessions.close(host, io.grpc.Status.PERMISSION_DENIED.withDescription("host " + host + " was enrolled again"));
    });

    SslProvider provider = tlsProvider();
    SslContext ssl = GrpcSslContexts.configure(SslContextBuilder.forServer(serverKeys.key(),
            serverKeys.chain().toArray(X509Certificate[]::new)), provider)
        .trustManager(new ClientCertTrustManager(ca.certificate(), clock, revocations::isRevoked,
            (cert, why) -> log.warn("TLS handshake refused {}: {}", cert == null ? "a client without a certificate"
                : cert.getSubjectX500Principal() + " (serial " + Certificates.serialHex(cert) + ")", why),
            refusals(provider, revocations)))
        .clientAuth(ClientAuth.OPTIONAL)
        .protocols("TLSv1.3", "TLSv1.2")
        .build();
    AuthInterceptor auth = new AuthInterceptor(ca.certificate(), revocations, store, clock);
    OperatorService operator = new OperatorService(store, sessions, runs, plays, authority, revocations, clock,
        new StateRpc(state, converger, sessions, store, fleet), fleet);
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(config.listenHost(),
        config.listenPort()));
    LongAdder accepted = new LongAdder();
    LongAdder acceptPauses = new LongAdder();
    metrics.connections(accepted::sum, acceptPauses::sum);
    // Bound before the agents' port, so a taken metrics port stops the start before any agent connects.
    if (config.metricsEnabled()) {
      ControllerMetrics m = metrics;
      try {
        metricsEndpoint = MetricsEndpoint.start(config.metricsHost(), config.metricsPort(),
            () -> FleetExposition.render(m.scrape(), fleet.snapshots()));
      } catch (IOException e) {
        throw new IOException("metrics_listen " + config.metricsHost() + ":" + config.metricsPort() + ": "
            + e.getMessage() + " (another process on that port? set metrics_listen in controller.yaml to another"
            + " HOST:PORT, or to off)", e);
      }
      log.info("fleet metrics at http://{}:{}/metrics", config.metricsHost(), metricsEndpoint.address().getPort());
    }
    // Our own event loops on the chosen transport (epoll, else NIO; gRPC's thread counts), with the
    // rate cap on the listening channel when there is one.
    ServerTransport transport = ServerTransport.choose();
    int rate = config.maxConnectionRate();
    acceptLoop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("homefleet-accept", true),
        transport.ioHandlers());
    ioLoops = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("homefleet-io", true),
        transport.ioHandlers());
    builder.bossEventLoopGroup(acceptLoop).workerEventLoopGroup(ioLoops).channelFactory(() -> {
      ServerChannel listening = transport.listening().get();
      if (rate > 0) {
        AcceptRateLimit.install(listening, rate, accepted, acceptPauses);
      }
      return listening;
    });
    server = builder
        .sslContext(ssl)
        .keepAliveTime(config.keepAliveTime().toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveTimeout(config.keepAliveTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .permitKeepAliveTime(config.permitKeepAliveTime().toMillis(), TimeUnit.MILLISECONDS)
        .permitKeepAliveWithoutCalls(true)
        .maxInboundMessageSize(16 * 1024 * 1024)
        .callExecutor(AgentSessionService.callExecutors())
        .addService(ServerInterceptors.intercept(new EnrollmentService(authority), auth, new EnrollmentOutcomes(metrics)))
        .addService(ServerInterceptors.intercept(new AgentSessionService(sessions, runs, plays, writes, authority, clock,
            config.heartbeatSeconds(), Version.current(), fleet, timer), auth))
        .addService(ServerInterceptors.intercept(operator, auth))
        .build()
        .start();
    startControlSocket(operator);
    runs.startSweep();
    converger.start();
    log.info("homefleet controller {} listening on {}:{} (data {}, CA {}, TLS {}, transport {}: {})", Version.current(),
        config.listenHost(), port(), config.dataDir(), ca.fingerprint(), provider, transport.name(), transport.why());
    return this;
  }

  /** The operator API on the local control socket too, unless {@code control_socket: off}. */
  private void startControlSocket(OperatorService operator) throws IOException {
    if (config.controlSocket().isEmpty()) {
      log.info("no control socket (control_socket: off, or the data directory's path is too long for one)");
      ControlSocket.removeStale(config.dataDir().toAbsolutePath().normalize().resolve(ControllerConfig.CONTROL_SOCKET));
      return;
    }
    controlSocket = ControlSocket.start(config.controlSocket().get(), operator.bindService());
  }

  /**
   * BoringSSL (netty-tcnative) when its native library loads, else the JDK's TLS;
   * {@code -Dhomefleet.tls=jdk} forces the JDK's. BoringSSL costs the controller about a third
   * less CPU per fan-out (bench/README.md); refused client certificates still get their
   * certificate alerts through {@link OpenSslAlerts}.
   */
  static SslProvider tlsProvider() {
    if (!"jdk".equals(System.getProperty("homefleet.tls")) && io.netty.handler.ssl.OpenSsl.isAvailable()) {
      return SslProvider.OPENSSL;
    }
    return SslProvider.JDK;
  }

  /** How a refused client certificate is thrown: under BoringSSL, so that it gets its certificate alert. */
  private BiFunction<X509Certificate, String, CertificateException> refusals(SslProvider provider,
      RevocationList revocations) {
    return provider == SslProvider.OPENSSL ? new OpenSslAlerts(clock, revocations::isRevoked)
        : (cert, why) -> new CertificateException(why);
  }


  /** The bound port of the agents' and operators' gRPC server, -1 before it started. */
  public int port() {
    return server == null ? -1 : server.getPort();
  }

  public SessionRegistry sessions() {
    return sessions;
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** The bound port of the metrics endpoint, -1 when it is off. */
  public int metricsPort() {
    return metricsEndpoint == null ? -1 : metricsEndpoint.address().getPort();
  }

  @Override
  public void close() {
    if (controlSocket != null) {
      controlSocket.close();
    }
    if (metricsEndpoint != null) {
      metricsEndpoint.close();
    }
    if (server != null) {
      sessions.closeAll("controller is shutting down");
      server.shutdown();
      try {
        if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
          server.shutdownNow();
        }
      } catch (InterruptedException e) {
        server.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    for (EventLoopGroup loops : new EventLoopGroup[] {ioLoops, acceptLoop}) {
      if (loops != null) {
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS);
      }
    }
    if (converger != null) {
      converger.close();
    }
    if (timer != null) {
      timer.shutdownNow();
    }
    if (writes != null) {
      writes.close();
    }
    if (store != null) {
      store.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    if (dataDirLock != null) {
      dataDirLock.close(); // last: the store is closed
      dataDirLock = null;
    }
  }
}
