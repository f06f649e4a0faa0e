package io.homefleet.agent.session;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.homefleet.agent.config.AgentConfig;
import io.homefleet.agent.exec.Executor;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.Task;
import io.homefleet.agent.exec.TaskSink;
import io.homefleet.agent.facts.HostFacts;
import io.homefleet.agent.identity.IdentityException;
import io.homefleet.agent.identity.IdentityStore;
import io.homefleet.agent.journal.Journal;
import io.homefleet.agent.status.AgentStatus;
import io.homefleet.agent.telemetry.SessionTelemetry;
import io.homefleet.agent.exec.ModuleRuns;
import io.homefleet.agent.worker.PlayWorkers;
import io.homefleet.proto.v1.PlayAssignment;
import io.homefleet.proto.v1.PlayCall;
import io.homefleet.proto.v1.PlayCallResult;
import io.homefleet.proto.v1.PlayEvent;
import io.homefleet.pki.KeyMaterial;
import io.homefleet.pki.PkiException;
import io.homefleet.proto.Structs;
import io.homefleet.proto.v1.AgentMessage;
import io.homefleet.proto.v1.AgentSessionGrpc;
import io.homefleet.proto.v1.ControllerMessage;
import io.homefleet.proto.v1.Heartbeat;
import io.homefleet.proto.v1.Hello;
import io.homefleet.proto.v1.TaskAssignment;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's one session with the controller: connect with its certificate, say hello with
 * facts, heartbeat, run assigned tasks and stream their events back, renew the certificate at
 * about two thirds of its lifetime, and reconnect with backoff and jitter whenever the stream
 * ends. Results not yet acknowledged are kept and sent again after a reconnect.
 */
public final class SessionClient implements TaskSink, PlayWorkers.Listener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SessionClient.class);
  /** When a full collection follows a connect: after the session's first exchanges. */
  private static final Duration COLLECT_AFTER_CONNECT = Duration.ofSeconds(10);

  /** Exit codes of {@code homefleet-agent run}. */
  public static final int EXIT_STOPPED = 0;
  public static final int EXIT_EXPIRED = 3;
  public static final int EXIT_REFUSED = 5;

  private final AgentConfig config;
  private final IdentityStore identities;
  private final SessionChannels channels;
  private final Supplier<HostFacts> facts;
  private final Clock clock;
  private final ScheduledExecutorService timer;
  private final AgentStatus status;
  private final String version;
  private final Executor executor;
  private final PlayWorkers plays;
  private final ModuleRuns.Listener moduleRuns;
  /** Null when the agent sends no telemetry. */
  private final SessionTelemetry telemetry;
  private final Journal journal;
  private final Outbox outbox;
  /** Plays that rebooted this host, handed to the play worker once connected so their events reach the controller. */
  private final List<PlayAssignment> resumeAfterReboot = new java.util.concurrent.CopyOnWriteArrayList<>();

  private volatile boolean stopped;
  private volatile ClientCallStreamObserver<AgentMessage> current;
  private volatile CompletableFuture<Status> ended;
  private final Renewal renewal;
  private volatile String role = "";

  public SessionClient(AgentConfig config, IdentityStore identities, SessionChannels channels, Supplier<HostFacts> facts,
      Clock clock, ScheduledExecutorService timer, AgentStatus status, String version,
      Map<String, io.homefleet.agent.exec.Module> modules, Function<String, io.homefleet.agent.exec.Module> others,
      java.util.function.BiFunction<io.homefleet.agent.exec.Module, String, io.homefleet.agent.exec.Module> asUser,
      ModuleRuns.Listener moduleRuns, Journal journal, SessionTelemetry telemetry) {
    this.journal = journal;
    this.moduleRuns = moduleRuns;
    this.telemetry = telemetry;
    this.config = config;
    this.identities = identities;
    this.channels = channels;
    this.facts = facts;
    this.clock = clock;
    this.timer = timer;
    this.status = status;
    this.version = version;
    this.executor = new Executor(modules, others, asUser, config.maxConcurrentTasks(), this, config.stateDir());
    this.plays = new PlayWorkers(PlayWorkers.command(config.stateDir()), this, timer, config.playWorkerIdle());
    this.outbox = new Outbox(journal, clock, config.stateDir(), this::send);
    this.renewal = new Renewal(config, identities, clock, timer, this::reconnectIfRenewedAndIdle);
    resumeAfterReboot.addAll(outbox.reportInterrupted());
  }

  /** Holds the session until {@link #close()} or a state only a person can fix; returns the exit code. */
  public int run() throws InterruptedException {
    Backoff backoff = new Backoff(Duration.ofMillis(500), config.reconnectMax());
    while (!stopped) {
      KeyMaterial km;
      X509Certificate ca;
      try {
        km = identities.load();
        ca = identities.ca();
      } catch (IdentityException | IOException | PkiException e) {
        log.error("{}", e.getMessage());
        status.set(AgentStatus.State.REFUSED, config.hostName(), config.controller(), e.getMessage());
        return EXIT_REFUSED;
      }
      if (IdentityStore.expired(km, clock.instant())) {
        String msg = "the agent certificate expired at " + km.leaf().getNotAfter().toInstant()
            + " (the host was off or could not renew in time). Issue a new token with 'homefleet token create --host "
            + config.hostName() + " --role ROLE', put it in " + config.source() + " and restart the agent";
        log.error("{}", msg);
        status.set(AgentStatus.State.EXPIRED, config.hostName(), config.controller(), msg);
        return EXIT_EXPIRED;
      }
      status.set(AgentStatus.State.CONNECTING, config.hostName(), config.controller(), "");
      long openedAt = clock.millis();
      Status end;
      try {
        end = session(km, ca);
      } catch (SSLException | PkiException e) {
        log.error("cannot set up TLS with the stored identity: {}", e.getMessage());
        status.set(AgentStatus.State.REFUSED, config.hostName(), config.controller(), e.getMessage());
        return EXIT_REFUSED;
      }
      if (stopped) {
        break;
      }
      if (renewal.renewed()) {
        log.info("reconnecting with the renewed certificate");
        backoff.reset();
        continue;
      }
      if (certificateRefused(end)) {
        String msg = "the TLS handshake with " + config.controller() + " failed on a certificate: " + describe(end)
            + ". If this host was revoked or re-enrolled elsewhere, enroll it again: 'homefleet token create --host "
            + config.hostName() + " --role ROLE', set the token in " + config.source() + ", remove "
            + config.identityFile() + " and restart";
        log.error("{}", msg);
        status.set(AgentStatus.State.REVOKED, config.hostName(), config.controller(), msg);
        return EXIT_REFUSED;
      }
      switch (end.getCode()) {
        case PERMISSION_DENIED, UNAUTHENTICATED -> {
          String msg = "the controller refused this agent: " + end.getDescription()
              + ". If the host was revoked, enroll it again: 'homefleet token create --host " + config.hostName()
              + " --role ROLE', set the token in " + config.source() + ", remove " + config.identityFile()
              + " and restart";
          log.error("{}", msg);
          status.set(AgentStatus.State.REVOKED, config.hostName(), config.controller(), msg);
          return EXIT_REFUSED;
        }
        default -> {
          if (clock.millis() - openedAt > 30_000) {
            backoff.reset();
          }
          Duration wait = backoff.next();
          String why = describe(end);
          log.warn("session with {} ended: {}; reconnecting in {} ms (attempt {})", config.controller(), why,
              wait.toMillis(), backoff.attempts());
          status.set(AgentStatus.State.CONNECTING, config.hostName(), config.controller(), why);
          sleep(wait);
        }
      }
    }
    status.set(AgentStatus.State.STOPPED, config.hostName(), config.controller(), "");
    return EXIT_STOPPED;
  }

  /**
   * True when the stream ended because a certificate was refused in the TLS handshake (by the
   * controller: revoked, superseded, expired; or by us: the controller is not the pinned one).
   * Retrying cannot fix that, so it is not a reason to back off and try again.
   */
  static boolean certificateRefused(Status s) {
    for (Throwable c = s.getCause(); c != null; c = c.getCause()) {
      if (c instanceof javax.net.ssl.SSLHandshakeException) {
        String m = String.valueOf(c.getMessage());
        return m.contains("certificate_unknown") || m.contains("bad_certificate") || m.contains("certificate_revoked")
            || m.contains("certificate_expired") || m.contains("unsupported_certificate")
            || m.contains("the controller's");
      }
    }
    return false;
  }

  private static String describe(Status s) {
    String d = s.getDescription();
    Throwable c = s.getCause();
    while (c != null && c.getCause() != null) {
      c = c.getCause();
    }
    return s.getCode() + (d == null ? "" : ": " + d) + (c != null && c.getMessage() != null ? " (" + c.getMessage() + ")" : "");
  }

  private synchronized void sleep(Duration d) throws InterruptedException {
    long until = System.currentTimeMillis() + d.toMillis();
    while (!stopped) {
      long left = until - System.currentTimeMillis();
      if (left <= 0) {
        return;
      }
      wait(left);
    }
  }

  /** One connection, from open to end; returns how it ended. */
  private Status session(KeyMaterial km, X509Certificate ca) throws SSLException, PkiException, InterruptedException {
    ManagedChannel channel = channels.open(km, ca);
    CompletableFuture<Status> done = new CompletableFuture<>();
    ended = done;
    ScheduledFuture<?>[] heartbeat = new ScheduledFuture<?>[1];
    ScheduledFuture<?>[] metrics = new ScheduledFuture<?>[1];
    renewal.start(km, channel);
    try {
      AgentSessionGrpc.newStub(channel).connect(new ClientResponseObserver<AgentMessage, ControllerMessage>() {
        @Override
        public void beforeStart(ClientCallStreamObserver<AgentMessage> requestStream) {
          current = requestStream;
        }

        @Override
        public void onNext(ControllerMessage msg) {
          // Acks ride on other messages (the next task); before that task is admitted.
          if (msg.hasAcks()) {
            outbox.acknowledge(msg.getAcks());
          }
          switch (msg.getKindCase()) {
            case WELCOME -> {
              role = msg.getWelcome().getRole();
              try {
                io.homefleet.agent.config.HostRole.write(config.stateDir(), role);
              } catch (java.io.IOException e) {
                // Only the wipe module reads it, and it refuses to run without it: a warning is enough here.
                log.warn("cannot record the role {} in {}: {}", role, config.stateDir(), e.getMessage());
              }
              int every = Math.max(1, msg.getWelcome().getHeartbeatSeconds());
              heartbeat[0] = timer.scheduleAtFixedRate(SessionClient.this::heartbeat, every, every, TimeUnit.SECONDS);
              if (telemetry != null) {
                metrics[0] = telemetry.schedule(timer, SessionClient.this::send);
              }
              log.info("connected to {} as {} (role {})", config.controller(), msg.getWelcome().getHostName(), role);
              status.set(AgentStatus.State.CONNECTED, config.hostName(), config.controller(), "");
              // Enrolling, connecting and renewing grow the heap; on the serial collector only a full
              // collection shrinks it.
              timer.schedule(System::gc, COLLECT_AFTER_CONNECT.toMillis(), TimeUnit.MILLISECONDS);
              List<AgentMessage> replay = outbox.unacknowledged();
              if (!replay.isEmpty()) {
                log.info("re-sending {} unacknowledged result(s)", replay.size());
                replay.forEach(outbox::sendResult);
              }
              for (PlayAssignment p : resumeAfterReboot) {
                if (resumeAfterReboot.remove(p)) {
                  log.info("play {} goes on after the reboot", p.getAssignmentId());
                  plays.submit(p);
                }
              }
            }
            case ASSIGN -> {
              TaskAssignment a = msg.getAssign();
              if (outbox.admit(a.getTaskId(), Journal.Kind.TASK, a.getRunId(), 0)) {
                executor.submit(new Task(a.getTaskId(), a.getRunId(), a.getModule(), Structs.toMap(a.getArgs()),
                    Duration.ofSeconds(a.getTimeoutSeconds()), a.getCheckMode(), a.getDiff(), Map.of(),
                    a.getEnvironmentMap()), java.util.Optional.empty(), a.getUser(),
                    new Executor.Async(a.getAsyncSeconds(), a.getPollSeconds()));
              }
            }
            case PLAY -> {
              PlayAssignment p = msg.getPlay();
              if (outbox.admit(p.getAssignmentId(), Journal.Kind.PLAY, p.getRunId(), p.getPlayIndex())) {
                plays.submit(p);
              }
            }
            case PLAY_CALL_RESULT -> plays.answer(msg.getPlayCallResult());
            case ACK -> outbox.acknowledge(msg.getAck());
            case CANCEL -> timer.execute(() -> {
              executor.cancel(msg.getCancel().getTaskId());
              plays.cancel(msg.getCancel().getTaskId());
            });
            case GOODBYE -> log.warn("controller says goodbye: {}", msg.getGoodbye().getReason());
            case KIND_NOT_SET -> log.debug("empty controller message");
          }
        }

        @Override
        public void onError(Throwable t) {
          done.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
          done.complete(Status.UNAVAILABLE.withDescription("the controller closed the session"));
        }
      });
      HostFacts hf = facts.get();
      send(AgentMessage.newBuilder().setHello(Hello.newBuilder()
          .setFacts(FactsMessages.toProto(hf, version, role, config.labels()))
          .setAgentVersion(version)
          .putAllLabels(config.labels())
          .addAllUnackedTaskIds(List.copyOf(journal.unacknowledged().keySet()))).build());
      while (true) {
        try {
          return done.get(1, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          if (stopped) {
            return Status.CANCELLED;
          }
        } catch (ExecutionException e) {
          return Status.fromThrowable(e.getCause());
        }
      }
    } finally {
      current = null;
      if (heartbeat[0] != null) {
        heartbeat[0].cancel(false);
      }
      if (metrics[0] != null) {
        metrics[0].cancel(false);
      }
      renewal.stop();
      channel.shutdownNow();
    }
  }

  private void heartbeat() {
    send(AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().setUnixMillis(clock.millis())
        .setRunningTasks(executor.runningCount() + plays.runningCount())).build());
    outbox.resendOverdue();
  }

  /** Sends on the live stream; a message sent while disconnected is dropped (results are kept in the journal). */
  private void send(AgentMessage msg) {
    ClientCallStreamObserver<AgentMessage> s = current;
    if (s == null) {
      return;
    }
    synchronized (s) {
      try {
        s.onNext(msg);
      } catch (RuntimeException e) {
        log.debug("send failed: {}", e.getMessage());
      }
    }
  }

  /**
   * After a renewal the session reconnects with the new certificate, but only between tasks:
   * a running task's result goes out on the stream it started on.
   */
  private void reconnectIfRenewedAndIdle() {
    if (!renewal.renewed() || executor.runningCount() > 0 || plays.runningCount() > 0) {
      return;
    }
    endSession(Status.OK.withDescription("renewed"));
  }

  /** Half-closes the live stream and wakes {@link #session} with {@code why}. */
  private void endSession(Status why) {
    ClientCallStreamObserver<AgentMessage> s = current;
    if (s != null) {
      synchronized (s) {
        try {
          s.onCompleted();
        } catch (RuntimeException ignored) {
          // already closed
        }
      }
    }
    CompletableFuture<Status> e = ended;
    if (e != null) {
      e.complete(why);
    }
  }

  // ---------------------------------------------------------------- task sink

  @Override
  public void started(Task task, long unixMillis) {
    send(TaskMessages.started(task, unixMillis));
  }

  @Override
  public void output(Task task, boolean stderr, byte[] data, long seq) {
    send(TaskMessages.output(task, stderr, data, seq));
  }

  @Override
  public void finished(Task task, Outcome o, long startedMillis, long finishedMillis) {
    AgentMessage msg = TaskMessages.result(task, o, startedMillis, finishedMillis);
    outbox.record(task.id(), msg);
    outbox.sendResult(msg);
    log.info("task {} ({}) finished: {} rc={}", task.id(), task.module(), o.status(), o.rc());
    reconnectIfRenewedAndIdle();
  }

  // ---------------------------------------------------------------- play sink

  @Override
  public void event(PlayEvent event) {
    send(AgentMessage.newBuilder().setPlayEvent(event).build());
  }

  /** The recap is kept until the controller acknowledges it, like a task's result. */
  @Override
  public void finished(PlayEvent event) {
    AgentMessage msg = AgentMessage.newBuilder().setPlayEvent(event).build();
    outbox.record(event.getAssignmentId(), msg);
    outbox.sendResult(msg);
    reconnectIfRenewedAndIdle();
  }

  /** A play's question goes on the live stream; with none, the play hears at once that no answer will come. */
  @Override
  public void call(PlayCall call) {
    if (current == null) {
      plays.answer(PlayCallResult.newBuilder().setAssignmentId(call.getAssignmentId()).setCallId(call.getCallId())
          .setError("the agent is not connected to the controller").build());
      return;
    }
    send(AgentMessage.newBuilder().setPlayCall(call).build());
  }

  @Override
  public void moduleRun(String module, String result, long nanos) {
    moduleRuns.finished(module, result, nanos);
  }

  @Override
  public void close() {
    stopped = true;
    synchronized (this) {
      notifyAll();
    }
    endSession(Status.CANCELLED.withDescription("agent stopping"));
    executor.close();
    plays.close();
    try {
      journal.close();
    } catch (IOException e) {
      log.warn("closing the journal: {}", e.getMessage());
    }
  }
}
