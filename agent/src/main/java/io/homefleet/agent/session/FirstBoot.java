package io.homefleet.agent.session;

import io.homefleet.agent.config.AgentConfig;
import io.homefleet.agent.config.ConfigException;
import io.homefleet.agent.config.EnrollFile;
import io.homefleet.agent.config.StateDir;
import io.homefleet.agent.identity.IdentityStore;
import io.homefleet.agent.status.AgentStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's first boot: without an identity it needs a token, which cloud-init brings in the
 * enroll file. Until the file is there (or while it is malformed) the agent waits quietly: one
 * log line and a {@code waiting} status per distinct reason, then a stat of the files every few
 * seconds, re-reading them only when one changed. Once enrolled, the used token is removed from
 * the enroll file.
 */
public final class FirstBoot {
  private static final Logger log = LoggerFactory.getLogger(FirstBoot.class);
  /** How often the files are looked at while waiting: a stat each, no read unless one changed. */
  public static final Duration POLL = Duration.ofSeconds(2);

  private FirstBoot() {}

  /**
   * agent.yaml and the enroll file, as {@link AgentConfig#loadForFirstBoot}, and also a wait when
   * the configuration is whole but there is neither an identity nor a token to enroll with.
   */
  public static AgentConfig.Loaded check(Path configFile) throws ConfigException {
    AgentConfig.Loaded l = AgentConfig.loadForFirstBoot(configFile);
    if (l instanceof AgentConfig.Ready r) {
      AgentConfig cfg = r.config();
      if (!new IdentityStore(cfg).hasIdentity() && cfg.token().isEmpty()) {
        String reason = "no identity in " + cfg.stateDir() + " and no enrollment token: waiting for "
            + cfg.enrollFile() + (Files.exists(cfg.enrollFile()) ? " to get a 'token:'" : " (cloud-init writes it)")
            + "; or mint one with 'homefleet token create --host " + cfg.hostName() + " --role ROLE' and write it there";
        return new AgentConfig.Waiting(cfg.stateDir(), cfg.hostName(), cfg.enrollFile(), reason, false);
      }
    }
    return l;
  }

  /**
   * Returns the configuration once the agent can enroll or connect, waiting as long as it takes
   * (interrupted: the agent is stopping). An error in agent.yaml itself is thrown, as at any start.
   */
  public static AgentConfig await(Path configFile, Duration poll) throws ConfigException, InterruptedException {
    String reported = null;
    List<Path> watched = List.of(configFile, configFile.toAbsolutePath().getParent().resolve(AgentConfig.ENROLL_FILE_NAME));
    while (true) {
      // Stamped before reading, so a file written while it is read is seen as a change.
      List<Stamp> before = stamps(watched);
      AgentConfig.Loaded l = check(configFile);
      if (l instanceof AgentConfig.Ready r) {
        if (reported != null) {
          log.info("{}: found what this agent needs to enroll", r.config().enrollFile());
        }
        return r.config();
      }
      AgentConfig.Waiting w = (AgentConfig.Waiting) l;
      if (!w.reason().equals(reported)) {
        if (w.malformed()) {
          log.error("{}; waiting for a corrected file", w.reason());
        } else {
          log.info("{}", w.reason());
        }
        try {
          StateDir.create(w.stateDir());
          new AgentStatus(w.stateDir()).set(AgentStatus.State.WAITING, w.host(), "", w.reason());
        } catch (IOException e) {
          log.warn("cannot create the state dir {}: {}", w.stateDir(), e.getMessage());
        }
        reported = w.reason();
      }
      // Also the identity: 'homefleet-agent enroll' run by hand meanwhile ends the wait too.
      List<Path> now = List.of(configFile, w.enrollFile(), w.stateDir().resolve("identity.pem"));
      if (!now.equals(watched)) {
        watched = now;
        before = stamps(watched);
      }
      while (stamps(watched).equals(before)) {
        Thread.sleep(poll.toMillis());
      }
    }
  }

  /** What {@link #awaitChange} compares with: the file's modification time, size and inode. */
  public static Object mark(Path file) {
    return stamp(file);
  }

  /**
   * Waits until {@code enrollFile} differs from {@code before} (its {@link #mark}: written anew,
   * replaced or removed), then as {@link #await}: after the controller refused its token, the file
   * is what must change.
   */
  public static AgentConfig awaitChange(Path configFile, Path enrollFile, Object before, Duration poll)
      throws ConfigException, InterruptedException {
    while (stamp(enrollFile).equals(before)) {
      Thread.sleep(poll.toMillis());
    }
    return await(configFile, poll);
  }

  /** True when the token this configuration enrolls with is the enroll file's. */
  public static boolean tokenIsFromEnrollFile(AgentConfig cfg) {
    if (cfg.token().isEmpty() || !Files.exists(cfg.enrollFile())) {
      return false;
    }
    try {
      return EnrollFile.read(cfg.enrollFile()).token().equals(cfg.token());
    } catch (ConfigException e) {
      return false;
    }
  }

  /**
   * Removes the used token from the enroll file of an enrolled agent. Failing to is a warning, not
   * a stop: the token cannot be used again (it is single-use and spent), it only should not lie
   * around.
   */
  public static void retireToken(AgentConfig cfg, String enrolledAs, Clock clock) {
    Path file = cfg.enrollFile();
    if (!Files.exists(file)) {
      return;
    }
    try {
      if (EnrollFile.removeToken(file, enrolledAs, clock.instant())) {
        log.info("enrolled: removed the used enrollment token from {}", file);
      }
    } catch (ConfigException | IOException e) {
      log.warn("cannot remove the used enrollment token from {}: {}; delete its 'token:' line by hand", file,
          e.getMessage());
    }
  }

  /** Takes group and other access off the enroll file, saying so, before its token is used. */
  public static void keepTokenPrivate(AgentConfig cfg) {
    Path file = cfg.enrollFile();
    if (!Files.exists(file)) {
      return;
    }
    try {
      Optional<String> was = EnrollFile.makePrivate(file);
      was.ifPresent(mode -> log.warn("{} holds an enrollment token but was {} (other users could read the token);"
          + " made it rw-------: have cloud-init write it with permissions: '0600'", file, mode));
    } catch (IOException e) {
      log.warn("cannot make {} private ({}): other users may read the enrollment token in it", file, e.getMessage());
    }
  }

  /** What a stat tells of a file: enough to notice it was written, replaced or removed. */
  private record Stamp(Path path, boolean exists, Object modified, long size, Object key) {}

  private static List<Stamp> stamps(List<Path> paths) {
    return paths.stream().map(FirstBoot::stamp).toList();
  }

  private static Stamp stamp(Path p) {
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      // The FileTime itself: nanoseconds where the file system keeps them.
      return new Stamp(p, true, a.lastModifiedTime(), a.size(), Objects.requireNonNullElse(a.fileKey(), ""));
    } catch (NoSuchFileException e) {
      return new Stamp(p, false, "", 0, "");
    } catch (IOException e) {
      return new Stamp(p, false, e.getClass().getName(), -1, "");
    }
  }
}
