package io.homefleet.agent.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.homefleet.agent.config.AgentConfig;
import io.homefleet.agent.facts.FactsCollector;
import io.homefleet.agent.identity.IdentityStore;
import io.homefleet.agent.journal.Journal;
import io.homefleet.agent.module.Modules;
import io.homefleet.agent.status.AgentStatus;
import io.homefleet.pki.CertificateAuthority;
import io.homefleet.pki.Csr;
import io.homefleet.pki.Identity;
import io.homefleet.proto.Structs;
import io.homefleet.proto.v1.Ack;
import io.homefleet.proto.v1.AgentMessage;
import io.homefleet.proto.v1.AgentSessionGrpc;
import io.homefleet.proto.v1.ControllerMessage;
import io.homefleet.proto.v1.RenewRequest;
import io.homefleet.proto.v1.RenewResponse;
import io.homefleet.proto.v1.TaskAssignment;
import io.homefleet.proto.v1.TaskStatus;
import io.homefleet.proto.v1.Welcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's session on in-process gRPC, against a controller played by the test: the real
 * journal, modules, status file and identity files, the session's own timer.
 */
class SessionClientTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** One connect stream as the controller sees it. */
  static final class Session {
    final List<AgentMessage> received = new CopyOnWriteArrayList<>();
    volatile StreamObserver<ControllerMessage> out;

    void send(ControllerMessage m) {
      synchronized (this) {
        out.onNext(m);
      }
    }

    List<AgentMessage> results(String taskId) {
      return received.stream().filter(m -> m.hasTaskEvent() && m.getTaskEvent().hasResult()
          && m.getTaskEvent().getTaskId().equals(taskId)).toList();
    }

    AgentMessage hello() {
      await().atMost(WAIT).until(() -> !received.isEmpty());
      return received.get(0);
    }
  }

  /** The controller: records every session; what it answers is each test's. */
  static final class Controller extends AgentSessionGrpc.AgentSessionImplBase {
    final List<Session> sessions = new CopyOnWriteArrayList<>();
    final CertificateAuthority ca;
    volatile Status refuseWith;

    Controller(CertificateAuthority ca) {
      this.ca = ca;
    }

    Session session(int i) {
      await().atMost(WAIT).until(() -> sessions.size() > i);
      return sessions.get(i);
    }

    @Override
    public StreamObserver<AgentMessage> connect(StreamObserver<ControllerMessage> out) {
      Session s = new Session();
      s.out = out;
      sessions.add(s);
      return new StreamObserver<>() {
        @Override
        public void onNext(AgentMessage m) {
          s.received.add(m);
          if (m.hasHello()) {
            Status refuse = refuseWith;
            if (refuse != null) {
              out.onError(refuse.asRuntimeException());
              return;
            }
            s.send(ControllerMessage.newBuilder().setWelcome(Welcome.newBuilder().setHostName("web-1")
                .setRole("dev").setHeartbeatSeconds(30)).build());
          }
        }

        @Override
        public void onError(Throwable t) {
          // the agent went away
        }

        @Override
        public void onCompleted() {
          synchronized (s) {
            out.onCompleted();
          }
        }
      };
    }

    @Override
    public void renew(RenewRequest request, StreamObserver<RenewResponse> out) {
      try {
        X509Certificate cert = ca.issueClient(Csr.verifiedPublicKey(request.getCsrDer().toByteArray()),
            Identity.agent("web-1"), Duration.ofHours(1));
        out.onNext(RenewResponse.newBuilder().setCertificateDer(ByteString.copyFrom(cert.getEncoded())).build());
        out.onCompleted();
      } catch (Exception e) {
        out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      }
    }
  }

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private Server server;
  private SessionClient client;
  private CompletableFuture<Integer> running;

  @AfterEach
  void tearDown() throws InterruptedException {
    if (client != null) {
      client.close();
    }
    if (running != null) {
      // run() writes the status file as it ends; JUnit must not delete the directory under it.
      try {
        running.get(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // the test has said what it had to; only the directory's removal waits on this
      }
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    }
    // The timer's last job (a status or identity write into the test's directory) must end before
    // JUnit deletes that directory.
    timer.shutdownNow();
    timer.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
  }

  /** An enrolled agent in {@code dir} whose certificate was issued at {@code issuedAt}, for an hour. */
  private AgentConfig enrolled(Path dir, CertificateAuthority ca, Instant issuedAt) throws Exception {
    Path f = dir.resolve("agent.yaml");
    Files.writeString(f, "controller: in-process:1\nhost: web-1\nca_fingerprint: \"" + ca.fingerprint()
        + "\"\nstate_dir: ./state\nreconnect_max: 1s\n");
    AgentConfig cfg = AgentConfig.load(f);
    io.homefleet.agent.config.StateDir.open(cfg.stateDir());
    IdentityStore ids = new IdentityStore(cfg);
    KeyPair kp = ids.enrollmentKey();
    ids.saveEnrolled(kp.getPrivate(), ca.issueClient(kp.getPublic(), Identity.agent("web-1"), issuedAt,
        Duration.ofHours(1)), ca.certificate());
    return cfg;
  }

  /** Starts the session on its own thread; the future holds run()'s exit code. */
  private CompletableFuture<Integer> start(AgentConfig cfg, Controller controller) throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(controller).build().start();
    client = new SessionClient(cfg, new IdentityStore(cfg), (km, ca) -> InProcessChannelBuilder.forName(name).build(),
        FactsCollector.system()::collect, Clock.systemUTC(), timer, new AgentStatus(cfg.stateDir()), "test",
        Modules.builtin(), Modules::ansible, io.homefleet.agent.module.AsUser::forUser, (module, result, nanos) -> { }, Journal.open(cfg.stateDir()), null);
    SessionClient c = client;
    running = CompletableFuture.supplyAsync(() -> {
      try {
        return c.run();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    return running;
  }

  private static ControllerMessage ping(String taskId) {
    return ControllerMessage.newBuilder().setAssign(TaskAssignment.newBuilder().setTaskId(taskId).setRunId("r1")
        .setModule("ping").setArgs(Structs.toStruct(Map.of()))).build();
  }

  private static String status(AgentConfig cfg) throws Exception {
    return Files.readString(AgentStatus.file(cfg.stateDir()));
  }

  @Test
  void resultsRunOnce_areKeptUntilAcknowledged_andResentAfterAReconnect(@TempDir Path dir) throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("lab", Duration.ofDays(1));
    AgentConfig cfg = enrolled(dir, ca, Instant.now());
    Controller controller = new Controller(ca);
    CompletableFuture<Integer> exit = start(cfg, controller);

    Session one = controller.session(0);
    assertThat(one.hello().getHello().getUnackedTaskIdsList()).isEmpty();
    one.send(ping("t1"));
    one.send(ping("t1")); // a duplicate assignment (a resend after a controller restart) runs nothing
    one.send(ping("t2"));
    await().atMost(WAIT).until(() -> one.results("t1").size() == 1 && one.results("t2").size() == 1);
    await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> one.results("t1").size() == 1);
    assertThat(one.results("t1").get(0).getTaskEvent().getResult().getStatus()).isEqualTo(TaskStatus.OK);
    await().atMost(WAIT).until(() -> status(cfg).contains("\"state\":\"connected\""));

    // The stream breaks before any ack: both results are held, named in the next hello, sent again.
    one.out.onError(Status.UNAVAILABLE.withDescription("controller restarting").asRuntimeException());
    Session two = controller.session(1);
    assertThat(two.hello().getHello().getUnackedTaskIdsList()).containsExactlyInAnyOrder("t1", "t2");
    await().atMost(WAIT).until(() -> two.results("t1").size() == 1 && two.results("t2").size() == 1);
    two.send(ControllerMessage.newBuilder().setAck(Ack.newBuilder().setTaskId("t1").addTaskIds("t2")).build());
    // Acknowledged results leave the journal: the next hello names only t3, which is not acknowledged.
    two.send(ping("t3"));
    await().atMost(WAIT).until(() -> two.results("t3").size() == 1);
    two.out.onError(Status.UNAVAILABLE.asRuntimeException());
    Session three = controller.session(2);
    assertThat(three.hello().getHello().getUnackedTaskIdsList()).containsExactly("t3");

    client.close();
    assertThat(exit.get(20, TimeUnit.SECONDS)).isEqualTo(SessionClient.EXIT_STOPPED);
    assertThat(status(cfg)).contains("\"state\":\"stopped\"");
  }

  @Test
  void refusedByTheController_exits5_andSaysRevoked(@TempDir Path dir) throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("lab", Duration.ofDays(1));
    AgentConfig cfg = enrolled(dir, ca, Instant.now());
    Controller controller = new Controller(ca);
    controller.refuseWith = Status.PERMISSION_DENIED.withDescription("host web-1 is revoked");
    CompletableFuture<Integer> exit = start(cfg, controller);

    assertThat(exit.get(20, TimeUnit.SECONDS)).isEqualTo(SessionClient.EXIT_REFUSED);
    assertThat(controller.sessions).hasSize(1);
    assertThat(status(cfg)).contains("\"state\":\"revoked\"", "host web-1 is revoked", "homefleet token create");
  }

  @Test
  void expiredCertificate_exits3_withoutConnecting(@TempDir Path dir) throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("lab", Duration.ofDays(1));
    AgentConfig cfg = enrolled(dir, ca, Instant.now().minus(Duration.ofHours(2)));
    Controller controller = new Controller(ca);
    CompletableFuture<Integer> exit = start(cfg, controller);

    assertThat(exit.get(20, TimeUnit.SECONDS)).isEqualTo(SessionClient.EXIT_EXPIRED);
    assertThat(controller.sessions).isEmpty();
    assertThat(status(cfg)).contains("\"state\":\"expired\"", "certificate expired");
  }

  @Test
  void certificateDue_isRenewedWithANewKey_andTheSessionReconnectsWithIt(@TempDir Path dir) throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("lab", Duration.ofDays(1));
    // Issued 45 minutes ago for an hour: past two thirds of its life, so due at once.
    AgentConfig cfg = enrolled(dir, ca, Instant.now().minus(Duration.ofMinutes(45)));
    X509Certificate before = new IdentityStore(cfg).load().leaf();
    Controller controller = new Controller(ca);
    start(cfg, controller);

    controller.session(0).hello();
    Session two = controller.session(1);
    assertThat(two.hello().hasHello()).isTrue();
    X509Certificate after = new IdentityStore(cfg).load().leaf();
    assertThat(after.getSerialNumber()).isNotEqualTo(before.getSerialNumber());
    assertThat(after.getPublicKey()).isNotEqualTo(before.getPublicKey());
    assertThat(after.getNotAfter()).isAfter(before.getNotAfter());
    // The renewed certificate is not due for ~40 minutes: no third session follows.
    await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> controller.sessions.size() == 2);
  }
}
