package io.homefleet.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.homefleet.agent.backup.BackupHistory;
import io.homefleet.agent.config.AgentConfig;
import io.homefleet.agent.config.ConfigException;
import io.homefleet.agent.config.StateDir;
import io.homefleet.agent.exporters.Exporters;
import io.homefleet.agent.exporters.ExportersLoader;
import io.homefleet.agent.facts.FactsCollector;
import io.homefleet.agent.identity.IdentityException;
import io.homefleet.agent.identity.IdentityStore;
import io.homefleet.agent.exec.ModuleRuns;
import io.homefleet.agent.module.Modules;
import io.homefleet.agent.status.AgentStatus;
import io.homefleet.agent.session.Backoff;
import io.homefleet.agent.session.Channels;
import io.homefleet.agent.session.Enroller;
import io.homefleet.agent.session.EnrollmentProcess;
import io.homefleet.agent.session.FirstBoot;
import io.homefleet.agent.journal.Journal;
import io.homefleet.agent.session.SessionClient;
import io.homefleet.agent.telemetry.BackupSamples;
import io.homefleet.agent.telemetry.BasicSamples;
import io.homefleet.agent.telemetry.SessionTelemetry;
import io.homefleet.pki.Certificates;
import io.homefleet.pki.KeyMaterial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code homefleet-agent}: enrolls on first start, then holds one session with the controller.
 *
 * <p>Exit codes: 0 stopped; 1 unexpected error; 2 configuration error; 3 certificate expired
 * (needs a new token); 4 controller unreachable (enroll with a time limit); 5 refused or revoked.
 */
@Command(name = "homefleet-agent", mixinStandardHelpOptions = true, versionProvider = AgentMain.Version.class,
    description = "The homefleet agent: enrolls itself, keeps one session with the controller, runs tasks locally.",
    subcommands = {AgentMain.Run.class, AgentMain.Enroll.class, AgentMain.StatusCmd.class, AgentMain.FactsCmd.class,
        AgentMain.BaselineCmd.class, CommandLine.HelpCommand.class})
public final class AgentMain {
  static final int EXIT_CONFIG = 2;
  static final int EXIT_UNREACHABLE = 4;

  public static void main(String[] args) {
    Path runConfig = plainRun(args);
    if (runConfig != null) {
      System.exit(runDirect(runConfig));
    }
    System.exit(new CommandLine(new AgentMain()).execute(args));
  }

  /**
   * The config path when the command line is the service's own ({@code run [-c|--config FILE]}),
   * else null. That one form skips picocli, whose reflective command model is a large share of the
   * agent's start and resident memory (bench/README.md); everything else goes through picocli.
   */
  static Path plainRun(String[] args) {
    if (args.length == 0 || !args[0].equals("run")) {
      return null;
    }
    if (args.length == 1) {
      return AgentConfig.DEFAULT_FILE;
    }
    if (args.length == 2 && args[1].startsWith("--config=") && args[1].length() > "--config=".length()) {
      return Path.of(args[1].substring("--config=".length()));
    }
    if (args.length == 3 && (args[1].equals("-c") || args[1].equals("--config")) && !args[2].startsWith("-")) {
      return Path.of(args[2]);
    }
    return null;
  }

  private static int runDirect(Path config) {
    Run run = new Run();
    run.config = config;
    try {
      return run.call();
    } catch (Exception e) {
      // As picocli reports an exception escaping a command.
      e.printStackTrace();
      return 1;
    }
  }

  static String version() {
    String v = AgentMain.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"homefleet-agent " + version()};
    }
  }

  /** Options shared by the commands that read the config. */
  static class ConfigOption {
    @Option(names = {"-c", "--config"}, description = "Agent config (default: ${DEFAULT-VALUE}).",
        defaultValue = "/etc/homefleet/agent.yaml")
    Path config;

    AgentConfig load() {
      try {
        return AgentConfig.load(config);
      } catch (ConfigException e) {
        throw configError(e);
      }
    }

    /** agent.yaml and the enroll file; a first boot without (a good) one is a {@link AgentConfig.Waiting}. */
    AgentConfig.Loaded loadForFirstBoot() {
      try {
        return FirstBoot.check(config);
      } catch (ConfigException e) {
        throw configError(e);
      }
    }

    static Exit configError(ConfigException e) {
      System.err.println("homefleet-agent: " + e.getMessage());
      return new Exit(EXIT_CONFIG);
    }
  }

  /** Ends a command with an exit code after its message was printed. */
  static final class Exit extends RuntimeException {
    final int code;

    Exit(int code) {
      super(null, null, false, false);
      this.code = code;
    }
  }

  static int guarded(Callable<Integer> body) throws Exception {
    try {
      return body.call();
    } catch (Exit e) {
      return e.code;
    }
  }

  /**
   * Enrolls if there is no identity yet. With {@code deadline} null, retries an unreachable
   * controller forever (a booting VM may come up before its controller).
   */
  static int ensureIdentity(AgentConfig cfg, Enroller enroller, IdentityStore ids, AgentStatus status, Duration deadline)
      throws InterruptedException {
    if (ids.hasIdentity()) {
      return 0;
    }
    status.set(AgentStatus.State.ENROLLING, cfg.hostName(), cfg.controller(), "");
    Backoff backoff = new Backoff(Duration.ofMillis(500), cfg.reconnectMax());
    long until = deadline == null ? Long.MAX_VALUE : System.currentTimeMillis() + deadline.toMillis();
    while (true) {
      try {
        enroller.enrollOnce();
        return 0;
      } catch (IdentityException e) {
        switch (e.kind()) {
          case UNREACHABLE -> {
            Duration wait = backoff.next();
            if (System.currentTimeMillis() + wait.toMillis() > until) {
              System.err.println("homefleet-agent: " + e.getMessage() + " (gave up after " + deadline.toSeconds() + "s)");
              status.set(AgentStatus.State.ENROLLING, cfg.hostName(), cfg.controller(), e.getMessage());
              return EXIT_UNREACHABLE;
            }
            org.slf4j.LoggerFactory.getLogger(AgentMain.class).warn("{}; retrying in {} ms", e.getMessage(), wait.toMillis());
            Thread.sleep(wait.toMillis());
          }
          case REFUSED, LOCAL -> {
            System.err.println("homefleet-agent: " + e.getMessage());
            status.set(AgentStatus.State.REFUSED, cfg.hostName(), cfg.controller(), e.getMessage());
            return e.kind() == IdentityException.Kind.LOCAL ? EXIT_CONFIG : SessionClient.EXIT_REFUSED;
          }
        }
      }
    }
  }

  @Command(name = "run", description = "Enroll if needed, then hold the session with the controller (foreground).")
  static final class Run extends ConfigOption implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      return guarded(() -> {
        AgentConfig cfg;
        try {
          // A first boot without its enroll file waits here, quietly, until cloud-init writes it.
          cfg = FirstBoot.await(config, FirstBoot.POLL);
        } catch (ConfigException e) {
          throw configError(e);
        }
        StateDir.open(cfg.stateDir());
        Clock clock = Clock.systemUTC();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "homefleet-timer");
          t.setDaemon(true);
          return t;
        });
        // Only with a telemetry: section; without one none of its classes are loaded.
        // Micrometer is not on the agent's class path: ExportersLoader loads it from lib/telemetry/.
        Exporters telemetry = cfg.telemetry().enabled() ? ExportersLoader.load(cfg, version()) : null;
        AgentStatus status = new AgentStatus(cfg.stateDir(),
            telemetry == null ? AgentStatus.Listener.NONE : telemetry.statusListener());
        IdentityStore ids = new IdentityStore(cfg);
        java.util.concurrent.ExecutorService grpcExecutor = Executors.newCachedThreadPool(r -> {
          Thread t = new Thread(r, "homefleet-grpc");
          t.setDaemon(true);
          return t;
        });
        while (!ids.hasIdentity()) {
          status.set(AgentStatus.State.ENROLLING, cfg.hostName(), cfg.controller(), "");
          FirstBoot.keepTokenPrivate(cfg);
          // Marked before the enrollment starts, so a file rewritten while it runs counts as new.
          Object enrollFileMark = FirstBoot.mark(cfg.enrollFile());
          int rc = EnrollmentProcess.run(config);
          if (rc == SessionClient.EXIT_REFUSED && FirstBoot.tokenIsFromEnrollFile(cfg)) {
            // A refused token (expired, spent, another host's) from the enroll file is fixed by writing
            // another one there: wait for that, as for a missing file, rather than stop the service.
            String why = "the controller refused the token in " + cfg.enrollFile() + " (the line before says why);"
                + " waiting for a new one there: 'homefleet token create --host " + cfg.hostName() + " --role ROLE'";
            org.slf4j.LoggerFactory.getLogger(AgentMain.class).error("{}", why);
            status.set(AgentStatus.State.WAITING, cfg.hostName(), cfg.controller(), why);
            try {
              cfg = FirstBoot.awaitChange(config, cfg.enrollFile(), enrollFileMark, FirstBoot.POLL);
            } catch (ConfigException e) {
              throw configError(e);
            }
            ids = new IdentityStore(cfg);
            continue;
          }
          if (rc != 0) {
            return rc;
          }
          if (!ids.hasIdentity()) {
            System.err.println("homefleet-agent: the enrollment process ended without an identity in " + cfg.stateDir());
            return 1;
          }
        }
        // The enrollment process removed it; this is for an agent that stopped between enrolling and that.
        FirstBoot.retireToken(cfg, cfg.hostName(), clock);
        try (Channels channels = new Channels(cfg, clock, grpcExecutor)) {
          FactsCollector collector = FactsCollector.system();
          Journal journal;
          try {
            journal = Journal.open(cfg.stateDir());
          } catch (java.io.IOException e) {
            System.err.println("homefleet-agent: cannot open the delivery journal in " + cfg.stateDir() + ": " + e
                + " (the state dir must be writable by the agent and have free space)");
            return EXIT_CONFIG;
          }
          Map<String, io.homefleet.agent.exec.Module> modules = Modules.builtin(cfg.stateDir());
          ModuleRuns.Listener moduleRuns = (module, result, nanos) -> { };
          if (telemetry != null) {
            telemetry.start(timer);
            moduleRuns = telemetry;
            modules = ModuleRuns.observed(modules, moduleRuns);
          }
          // The controller's fleet view (its endpoint, the fleet dashboard, 'homefleet hosts' and 'top')
          // gets one small, fixed set from every agent, configured or not: CPU, load, JVM and root-disk
          // figures under Micrometer's names and memory from /proc/meminfo (docs/telemetry.md, "The fleet
          // endpoint"), read without Micrometer. The full host set stays on the agent's own /metrics and
          // InfluxDB push.
          BasicSamples basic = new BasicSamples(java.nio.file.Path.of("/proc/meminfo"), new java.io.File("/"));
          // The backup figures too, so that 'homefleet status' can show a failed or stale backup.
          BackupSamples backups = new BackupSamples(new BackupHistory(cfg.stateDir()), clock);
          SessionTelemetry sessionTelemetry = new SessionTelemetry(() -> {
            List<io.homefleet.proto.v1.MetricSample> all = new java.util.ArrayList<>(basic.samples());
            all.addAll(backups.samples());
            return all;
          }, SessionTelemetry.DEFAULT_INTERVAL, clock);
          SessionClient client = new SessionClient(cfg, ids, channels::session, collector::collect, clock, timer, status, version(),
              modules, Modules::ansible, io.homefleet.agent.module.AsUser::forUser, moduleRuns, journal, sessionTelemetry);
          java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
          Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            client.close();
            try {
              // Let run() write its final status; main then exits through the signal.
              finished.await(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
              // exiting anyway
            }
          }, "homefleet-shutdown"));
          try {
            return client.run();
          } finally {
            finished.countDown();
          }
        } finally {
          if (telemetry != null) {
            telemetry.close();
          }
          timer.shutdownNow();
          grpcExecutor.shutdownNow();
        }
      });
    }
  }

  @Command(name = "enroll", description = "Enroll once and exit (0 enrolled or already enrolled, 4 unreachable, 5 refused).")
  static final class Enroll extends ConfigOption implements Callable<Integer> {
    @Option(names = "--timeout", defaultValue = "30", description = "Seconds to keep retrying an unreachable controller (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    /** The agent's own first-boot enrollment ({@link EnrollmentProcess}). */
    @Option(names = "--for-agent", hidden = true)
    boolean forAgent;

    @Override
    public Integer call() throws Exception {
      return guarded(() -> {
        AgentConfig cfg = load();
        StateDir.open(cfg.stateDir());
        IdentityStore ids = new IdentityStore(cfg);
        if (ids.hasIdentity()) {
          FirstBoot.retireToken(cfg, cfg.hostName(), Clock.systemUTC());
          System.out.println("already enrolled as " + IdentityStore.hostOf(ids.load()));
          return 0;
        }
        if (forAgent) {
          exitWhenStdinCloses();
        } else {
          FirstBoot.keepTokenPrivate(cfg);
        }
        java.util.concurrent.ExecutorService ex = Executors.newCachedThreadPool();
        try (Channels channels = new Channels(cfg, Clock.systemUTC(), ex)) {
          int rc = ensureIdentity(cfg, new Enroller(cfg, ids, channels, Clock.systemUTC()), ids,
              new AgentStatus(cfg.stateDir()), forAgent ? null : Duration.ofSeconds(timeoutSeconds));
          if (rc == 0) {
            FirstBoot.retireToken(cfg, cfg.hostName(), Clock.systemUTC());
            if (!forAgent) {
              System.out.println("enrolled as " + cfg.hostName());
            }
          }
          return rc;
        } finally {
          ex.shutdownNow();
        }
      });
    }
  }

  /** The agent that started this enrollment holds our standard input; its end is ours. */
  private static void exitWhenStdinCloses() {
    Thread t = new Thread(() -> {
      try {
        while (System.in.read() >= 0) {
          // nothing is sent; only the end matters
        }
      } catch (java.io.IOException ignored) {
        // a broken pipe is an end too
      }
      System.err.println("homefleet-agent: the agent that started this enrollment is gone; stopping it");
      System.exit(1);
    }, "homefleet-parent");
    t.setDaemon(true);
    t.start();
  }

  @Command(name = "status", description = "Show identity and health; exit 0 healthy, 3 expired, 5 refused/revoked, 1 not enrolled (or waiting for the enroll file).")
  static final class StatusCmd extends ConfigOption implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      return guarded(() -> {
        AgentConfig.Loaded loaded = loadForFirstBoot();
        Map<String, Object> m = new LinkedHashMap<>();
        int rc;
        Path stateDir;
        if (loaded instanceof AgentConfig.Waiting w) {
          stateDir = w.stateDir();
          m.put("host", w.host());
          m.put("controller", "");
          m.put("state_dir", stateDir.toString());
          m.put("enroll_file", w.enrollFile().toString());
          m.put("health", "waiting");
          m.put("message", w.reason());
          rc = 1;
        } else {
          AgentConfig cfg = ((AgentConfig.Ready) loaded).config();
          stateDir = cfg.stateDir();
          m.put("host", cfg.hostName());
          m.put("controller", cfg.controller());
          m.put("state_dir", stateDir.toString());
          m.put("enroll_file", cfg.enrollFile().toString());
          rc = identityHealth(cfg, m);
        }
        Path statusFile = AgentStatus.file(stateDir);
        if (Files.exists(statusFile)) {
          Map<?, ?> s = new ObjectMapper().readValue(statusFile.toFile(), Map.class);
          m.put("session", s);
          if (rc == 0 && ("revoked".equals(s.get("state")) || "refused".equals(s.get("state")))) {
            m.put("health", String.valueOf(s.get("state")));
            m.put("message", s.get("message"));
            rc = SessionClient.EXIT_REFUSED;
          }
        }
        if (json) {
          System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
        } else {
          m.forEach((k, v) -> System.out.println(k + ": " + v));
        }
        return rc;
      });
    }

    /** The identity's part of the status into {@code m}; returns the exit code it implies. */
    private static int identityHealth(AgentConfig cfg, Map<String, Object> m) {
      IdentityStore ids = new IdentityStore(cfg);
      if (!ids.hasIdentity()) {
        // A whole config without an identity has a token (FirstBoot.check waits otherwise).
        m.put("health", "not-enrolled");
        m.put("message", "has a token; 'homefleet-agent run' will enroll");
        return 1;
      }
      try {
        KeyMaterial km = ids.load();
        Instant notAfter = km.leaf().getNotAfter().toInstant();
        m.put("identity", IdentityStore.hostOf(km));
        m.put("cert_serial", Certificates.serialHex(km.leaf()));
        m.put("cert_not_after", notAfter.toString());
        if (IdentityStore.expired(km, Instant.now())) {
          m.put("health", "expired");
          m.put("message", "certificate expired at " + notAfter + "; issue a new token with 'homefleet token create --host "
              + cfg.hostName() + " --role ROLE'");
          return SessionClient.EXIT_EXPIRED;
        }
        m.put("health", "ok");
        return 0;
      } catch (IdentityException e) {
        m.put("health", "broken");
        m.put("message", e.getMessage());
        return SessionClient.EXIT_REFUSED;
      }
    }
  }

  @Command(name = "facts", description = "Print this host's facts as JSON (what the agent reports on connect).")
  static final class FactsCmd implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(FactsCollector.system().collect()));
      return 0;
    }
  }

  @Command(name = "baseline", description = "The clean image's manifest, which the wipe module returns a host to.",
      subcommands = {BaselineRecord.class, CommandLine.HelpCommand.class})
  static final class BaselineCmd implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(System.err);
      return EXIT_CONFIG;
    }
  }

  @Command(name = "record", description = {"Record this host as the clean baseline (run at image bake time): packages,"
      + " enabled units, users, groups and a snapshot of the trees.", "Exit codes: 0 recorded, 2 bad option or"
      + " config, 1 the host could not be read."})
  static final class BaselineRecord extends ConfigOption implements Callable<Integer> {
    @Option(names = "--tree", paramLabel = "DIR", description = "A tree to snapshot (content, mode, owner, links);"
        + " repeat for more (default: /etc).")
    java.util.List<String> trees;

    @Option(names = "--out", paramLabel = "FILE", description = "The manifest to write; the contents go into objects/"
        + " beside it (default: STATE_DIR/baseline/manifest.json, STATE_DIR agent.yaml's state_dir).")
    Path out;

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/", description = "Record the image mounted at DIR"
        + " instead of this machine (default: ${DEFAULT-VALUE}).")
    Path root;

    @Override
    public Integer call() throws Exception {
      return guarded(() -> {
        Path manifest = out;
        if (manifest == null) {
          Path stateDir;
          if (!Files.exists(config)) {
            stateDir = Path.of("/var/lib/homefleet-agent");
          } else {
            AgentConfig.Loaded loaded = loadForFirstBoot();
            stateDir = loaded instanceof AgentConfig.Waiting w ? w.stateDir() : ((AgentConfig.Ready) loaded).config()
                .stateDir();
          }
          manifest = io.homefleet.agent.module.wipe.Baseline.manifest(
              io.homefleet.agent.module.wipe.WipeModule.baselineDir(stateDir));
        }
        java.util.List<String> recorded = trees == null || trees.isEmpty()
            ? io.homefleet.agent.module.wipe.Baseline.DEFAULT_TREES : trees;
        if (!Files.isDirectory(root)) {
          System.err.println("homefleet-agent: --root " + root + ": no such directory; give the image's root");
          return EXIT_CONFIG;
        }
        Path objects = manifest.toAbsolutePath().getParent().resolve("objects");
        io.homefleet.agent.module.wipe.Baseline b;
        try {
          b = io.homefleet.agent.module.wipe.Baseline.record(root, recorded, objects, Instant.now());
        } catch (IllegalArgumentException | java.nio.file.NoSuchFileException e) {
          String why = e instanceof java.nio.file.NoSuchFileException n && n.getReason() != null ? n.getReason()
              : e.getMessage();
          System.err.println("homefleet-agent: " + why);
          return EXIT_CONFIG;
        } catch (java.io.IOException e) {
          System.err.println("homefleet-agent: cannot record the baseline: " + e);
          return 1;
        }
        b.write(manifest);
        System.out.println("baseline: " + b.packages().size() + " packages, " + b.services().size() + " enabled units, "
            + b.users().size() + " users, " + b.groups().size() + " groups, " + b.files().size() + " paths of "
            + String.join(", ", recorded) + " -> " + manifest);
        return 0;
      });
    }
  }
}
