package io.homefleet.agent.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.homefleet.pki.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * What the agent remembers of each backup repository, one JSON file per repository under
 * {@code STATE_DIR/backups/}: the last backups (newest first, at most {@link #KEEP}), the newest
 * good snapshot, the last canary restore and the files the last backup recorded for canaries.
 * The restic modules write it (in the play worker or the agent, whichever runs the task); the
 * agent's telemetry reads it at each scrape, so the figures survive restarts and need no channel
 * between the two processes. Files are 0600 in a 0700 directory, as everything in the state dir.
 */
public final class BackupHistory {
  /** How many backups a repository's file keeps. */
  public static final int KEEP = 50;

  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private final Path dir;

  public BackupHistory(Path stateDir) {
    this.dir = stateDir.resolve("backups");
  }

  /** The directory the records live in. */
  public Path dir() {
    return dir;
  }

  /** One backup run: when it ended, whether it succeeded, and what restic reported. */
  public record Backup(long unixMillis, boolean ok, String snapshotId, long dataAdded, long filesNew,
      long filesChanged, String msg) {}

  /** One canary restore: when, whether every file matched, and what differed. */
  public record Canary(long unixMillis, boolean ok, String snapshotId, int files, String msg) {}

  /** A file a backup recorded for canary restores: its path, size and SHA-256 at backup time. */
  public record Recorded(String path, long size, String sha256) {}

  /**
   * A repository's record.
   *
   * @param repository the repository as shown (credentials removed)
   * @param backups the last backups, newest first
   * @param newestGoodMillis when the newest snapshot known to be good was taken (0: none yet)
   * @param canary the last canary restore, or null
   * @param canarySnapshot the snapshot the recorded files belong to
   * @param recorded the files the last backup recorded for canaries
   * @param maxAgeMillis the age past which the newest good snapshot counts as stale (the last
   *     backup's {@code max_age}); 0 when none was given
   */
  public record Entry(String repository, List<Backup> backups, long newestGoodMillis, Canary canary,
      String canarySnapshot, List<Recorded> recorded, long maxAgeMillis) {
    public Entry {
      backups = backups == null ? List.of() : List.copyOf(backups);
      recorded = recorded == null ? List.of() : List.copyOf(recorded);
    }

    static Entry empty(String repository) {
      return new Entry(repository, List.of(), 0, null, null, List.of(), 0);
    }

    public Optional<Backup> last() {
      return backups.isEmpty() ? Optional.empty() : Optional.of(backups.get(0));
    }
  }

  /** The record of {@code repository}, if it has one. */
  public Optional<Entry> find(String repository) throws IOException {
    return read(file(repository));
  }

  /** Every repository's record, in file name order; a file that cannot be read is skipped. */
  public List<Entry> all() {
    List<Entry> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.json")) {
      s.forEach(files::add);
    } catch (IOException e) {
      return out;
    }
    files.sort(null);
    for (Path f : files) {
      try {
        read(f).ifPresent(out::add);
      } catch (IOException e) {
        // A record being replaced or damaged: the next scrape reads it again.
      }
    }
    return out;
  }

  /**
   * Records a backup. A good one moves the newest good snapshot to {@code snapshotMillis} and,
   * when {@code recorded} is given, replaces the canary files; a failed one keeps both.
   */
  public synchronized Entry backup(String repository, Backup b, long snapshotMillis, List<Recorded> recorded,
      long maxAgeMillis) throws IOException {
    Entry e = find(repository).orElse(Entry.empty(repository));
    List<Backup> backups = new ArrayList<>();
    backups.add(b);
    backups.addAll(e.backups().subList(0, Math.min(e.backups().size(), KEEP - 1)));
    long good = b.ok() ? Math.max(e.newestGoodMillis(), snapshotMillis) : e.newestGoodMillis();
    boolean replace = b.ok() && !recorded.isEmpty();
    Entry next = new Entry(repository, backups, good, e.canary(), replace ? b.snapshotId() : e.canarySnapshot(),
        replace ? recorded : e.recorded(), maxAgeMillis);
    write(repository, next);
    return next;
  }

  /** Records what a repository check found: the newest snapshot it holds, once the check passed. */
  public synchronized void checked(String repository, long newestSnapshotMillis) throws IOException {
    Entry e = find(repository).orElse(Entry.empty(repository));
    if (newestSnapshotMillis > e.newestGoodMillis()) {
      write(repository, new Entry(repository, e.backups(), newestSnapshotMillis, e.canary(), e.canarySnapshot(),
          e.recorded(), e.maxAgeMillis()));
    }
  }

  /** Records a canary restore. */
  public synchronized void canary(String repository, Canary c) throws IOException {
    Entry e = find(repository).orElse(Entry.empty(repository));
    write(repository, new Entry(repository, e.backups(), e.newestGoodMillis(), c, e.canarySnapshot(), e.recorded(),
        e.maxAgeMillis()));
  }

  private void write(String repository, Entry e) throws IOException {
    if (!Files.isDirectory(dir)) {
      SecureFiles.createPrivateDirectories(dir);
    }
    SecureFiles.writePrivate(file(repository), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(e));
  }

  private static Optional<Entry> read(Path f) throws IOException {
    try {
      return Optional.of(JSON.readValue(Files.readAllBytes(f), Entry.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** One file per repository, named by a hash of its shown name (a path or URL is no file name). */
  private Path file(String repository) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(repository.getBytes(StandardCharsets.UTF_8));
      return dir.resolve(HexFormat.of().formatHex(h, 0, 8) + ".json");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** For messages: the records' directory and the repositories in it. */
  @Override
  public String toString() {
    return dir + " " + all().stream().map(Entry::repository).toList();
  }
}
