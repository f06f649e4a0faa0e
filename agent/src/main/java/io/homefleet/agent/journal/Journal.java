package io.homefleet.agent.journal;

import io.homefleet.pki.SecureFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's delivery journal: what it was given and what it reported, on disk, so that a task
 * runs at most once per id and a result survives a crash until the controller acknowledges it.
 *
 * <p>One append-only file of lines, each {@code OP ID [FIELDS]}:
 *
 * <ul>
 *   <li>{@code S id kind runId playIndex} — received and about to run; written and forced to disk
 *       <em>before</em> the work starts. An {@code S} with no {@code D} after a restart means the
 *       agent stopped while the work ran: it is not run again; it is reported as interrupted.
 *   <li>{@code D id base64} — finished; the bytes are the result message exactly as sent. Forced
 *       to disk before the result is sent, so a result the controller may have seen is never lost.
 *   <li>{@code A id} — the controller acknowledged the result (it is in its store). Not forced:
 *       a lost {@code A} only means the result is sent once more, which the controller ignores.
 * </ul>
 *
 * <p>A torn last line (a crash mid-write) is dropped on open. The file is rewritten compactly
 * (open work, unacknowledged results, and the most recent {@value #KEEP_ACKED} acknowledged ids,
 * so that a late duplicate of acknowledged work is still recognised) on open and whenever it
 * grows past {@value #COMPACT_AFTER} lines. Thread-safe.
 */
public final class Journal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Journal.class);
  public static final String FILE_NAME = "journal";
  static final int KEEP_ACKED = 2048;
  static final int COMPACT_AFTER = 8192;

  /** What the journal knows of an id. */
  public enum State { NEW, RECEIVED, DONE, ACKED }

  /** Whether the work is an ad-hoc task or a play assignment. */
  public enum Kind { TASK, PLAY }

  /** Work that was running when the agent stopped: it must be reported, not run again. */
  public record Interrupted(String id, Kind kind, String runId, int playIndex) {}

  private static final class Entry {
    State state;
    Kind kind;
    String runId;
    int playIndex;
    byte[] result;

    Entry(State state, Kind kind, String runId, int playIndex) {
      this.state = state;
      this.kind = kind;
      this.runId = runId;
      this.playIndex = playIndex;
    }
  }

  private final Path file;
  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final Deque<String> acked = new ArrayDeque<>();
  private final List<Interrupted> interrupted = new ArrayList<>();
  private FileChannel out;
  private int lines;

  private final int keepAcked;
  private final int compactAfter;

  private Journal(Path file, int keepAcked, int compactAfter) {
    this.file = file;
    this.keepAcked = keepAcked;
    this.compactAfter = compactAfter;
  }

  /** Opens (creating if needed) the journal in {@code stateDir}, recovering what it holds. */
  public static Journal open(Path stateDir) throws IOException {
    return open(stateDir, KEEP_ACKED, COMPACT_AFTER);
  }

  static Journal open(Path stateDir, int keepAcked, int compactAfter) throws IOException {
    Journal j = new Journal(stateDir.resolve(FILE_NAME), keepAcked, compactAfter);
    // Left by an older agent that crashed mid-compaction (it wrote it with the umask's mode); the
    // journal itself is complete without it.
    Files.deleteIfExists(stateDir.resolve(FILE_NAME + ".tmp"));
    j.load();
    j.rewrite();
    return j;
  }

  private void load() throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    byte[] all = Files.readAllBytes(file);
    int start = 0;
    int lineNo = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] != '\n') {
        continue;
      }
      lineNo++;
      String line = new String(all, start, i - start, StandardCharsets.US_ASCII);
      start = i + 1;
      if (!apply(line)) {
        log.warn("{}:{}: unreadable journal line skipped", file, lineNo);
      }
    }
    if (start < all.length) {
      log.warn("{}: dropped a torn last line ({} bytes) left by a crash mid-write", file, all.length - start);
    }
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      Entry en = e.getValue();
      if (en.state == State.RECEIVED) {
        interrupted.add(new Interrupted(e.getKey(), en.kind, en.runId, en.playIndex));
      }
    }
  }

  private boolean apply(String line) {
    String[] f = line.split(" ");
    if (f.length < 2) {
      return false;
    }
    String id = f[1];
    try {
      switch (f[0]) {
        case "S" -> {
          if (f.length != 5) {
            return false;
          }
          entries.put(id, new Entry(State.RECEIVED, f[2].equals("P") ? Kind.PLAY : Kind.TASK, f[3],
              Integer.parseInt(f[4])));
        }
        case "D" -> {
          Entry e = entries.computeIfAbsent(id, k -> new Entry(State.DONE, Kind.TASK, "", 0));
          e.state = State.DONE;
          e.result = Base64.getDecoder().decode(f.length > 2 ? f[2] : "");
        }
        case "A" -> ack0(id);
        default -> {
          return false;
        }
      }
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private void ack0(String id) {
    Entry e = entries.get(id);
    if (e == null) {
      e = new Entry(State.ACKED, Kind.TASK, "", 0);
      entries.put(id, e);
    }
    e.state = State.ACKED;
    e.result = null;
    acked.addLast(id);
    while (acked.size() > keepAcked) {
      String old = acked.removeFirst();
      Entry o = entries.get(old);
      if (o != null && o.state == State.ACKED) {
        entries.remove(old);
      }
    }
  }

  /** Work that was running when the agent last stopped (found on open); each is reported once. */
  public synchronized List<Interrupted> interrupted() {
    return List.copyOf(interrupted);
  }

  public synchronized State state(String id) {
    Entry e = entries.get(id);
    return e == null ? State.NEW : e.state;
  }

  /** The result recorded for {@code id}, if it finished and is not yet acknowledged. */
  public synchronized Optional<byte[]> result(String id) {
    Entry e = entries.get(id);
    return e == null || e.result == null ? Optional.empty() : Optional.of(e.result.clone());
  }

  /** Every finished, unacknowledged result, oldest first. */
  public synchronized Map<String, byte[]> unacknowledged() {
    Map<String, byte[]> m = new LinkedHashMap<>();
    entries.forEach((id, e) -> {
      if (e.state == State.DONE && e.result != null) {
        m.put(id, e.result.clone());
      }
    });
    return m;
  }

  /**
   * Records that {@code id} is about to run, on disk, before it runs. Returns false (and writes
   * nothing) when the id is already known: the caller must not run it.
   */
  public synchronized boolean begin(String id, Kind kind, String runId, int playIndex) throws IOException {
    if (entries.containsKey(id)) {
      return false;
    }
    checkId(id);
    checkId(runId);
    entries.put(id, new Entry(State.RECEIVED, kind, runId, playIndex));
    append("S " + id + " " + (kind == Kind.PLAY ? "P" : "T") + " " + runId + " " + playIndex, true);
    return true;
  }

  /** Records {@code id}'s result, on disk, before it is sent. */
  public synchronized void finish(String id, byte[] result) throws IOException {
    checkId(id);
    Entry e = entries.computeIfAbsent(id, k -> new Entry(State.DONE, Kind.TASK, "", 0));
    e.state = State.DONE;
    e.result = result.clone();
    interrupted.removeIf(i -> i.id().equals(id));
    append("D " + id + " " + Base64.getEncoder().encodeToString(result), true);
  }

  /** The controller has {@code id}'s result: forget it (keeping the id, to recognise duplicates). */
  public synchronized void acknowledge(String id) throws IOException {
    Entry e = entries.get(id);
    if (e == null || e.state == State.ACKED) {
      return;
    }
    ack0(id);
    append("A " + id, false);
  }

  private static void checkId(String id) {
    if (id.isEmpty() || id.indexOf(' ') >= 0 || id.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("journal ids must be non-empty and contain no spaces or newlines: '" + id + "'");
    }
  }

  private void append(String line, boolean force) throws IOException {
    if (out == null) {
      throw new IOException("the journal " + file + " is closed (the agent is stopping)");
    }
    if (lines >= compactAfter) {
      rewrite();
    }
    ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII));
    while (b.hasRemaining()) {
      out.write(b);
    }
    if (force) {
      out.force(false);
    }
    lines++;
  }

  /** Writes the live entries to a new file and swaps it in atomically. */
  private void rewrite() throws IOException {
    if (out != null) {
      out.close();
    }
    StringBuilder sb = new StringBuilder();
    int n = 0;
    Set<String> ackedSet = new HashSet<>(acked);
    for (String id : acked) {
      sb.append("A ").append(id).append('\n');
      n++;
    }
    for (Map.Entry<String, Entry> me : entries.entrySet()) {
      Entry e = me.getValue();
      if (ackedSet.contains(me.getKey()) && e.state == State.ACKED) {
        continue;
      }
      if (e.state == State.RECEIVED || !e.runId.isEmpty()) {
        sb.append("S ").append(me.getKey()).append(' ').append(e.kind == Kind.PLAY ? "P" : "T").append(' ')
            .append(e.runId.isEmpty() ? "-" : e.runId).append(' ').append(e.playIndex).append('\n');
        n++;
      }
      if (e.state == State.DONE && e.result != null) {
        sb.append("D ").append(me.getKey()).append(' ').append(Base64.getEncoder().encodeToString(e.result))
            .append('\n');
        n++;
      }
    }
    // Temp file, sync, rename, sync the directory; the file is 0600 from its creation (it holds
    // command output), whatever the umask.
    SecureFiles.writePrivate(file, sb.toString().getBytes(StandardCharsets.US_ASCII));
    out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    lines = n;
  }

  @Override
  public synchronized void close() throws IOException {
    if (out != null) {
      out.close();
      out = null;
    }
  }
}
