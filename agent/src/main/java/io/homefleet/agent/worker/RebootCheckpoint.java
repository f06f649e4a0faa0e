package io.homefleet.agent.worker;

import io.homefleet.pki.SecureFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * What a play that reboots its host keeps on disk to go on after the boot: the assignment itself
 * (so the agent can hand it to its play worker again), the boot id from before the reboot, when
 * the reboot began and how long it may take, and the run's state (opaque here: the play engine's
 * {@code Resumption.RunState} bytes).
 *
 * <p>One file per assignment, {@code STATE/reboot/ASSIGNMENT}, owner-only (0600), written whole to
 * a temporary file and moved into place, so a crash leaves the old file or the new one. Its bytes:
 * the magic {@code HFRB}, a format version, the fields, and a CRC-32 of all before it; a file that
 * does not check out is refused with {@link CorruptCheckpointException}, never half-used.
 *
 * @param assignmentId the play assignment's id
 * @param runId the run's id
 * @param playIndex the play's index in the run
 * @param plan the assignment's plan bytes
 * @param bootId what {@code boot_time_command} printed before the reboot
 * @param startedMillis when the reboot began (Unix milliseconds)
 * @param timeoutSeconds the task's {@code reboot_timeout}
 * @param state the run's state before the reboot task
 */
public record RebootCheckpoint(String assignmentId, String runId, int playIndex, byte[] plan, String bootId,
    long startedMillis, int timeoutSeconds, byte[] state) {
  /** The directory in the state dir that holds the checkpoints. */
  public static final String DIR = "reboot";
  private static final int MAGIC = 0x48465242; // "HFRB"
  private static final int VERSION = 1;

  /** A checkpoint file that cannot be read as one (truncated, altered, another format). */
  public static final class CorruptCheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    CorruptCheckpointException(Path file, String why) {
      super(file + " is not a usable reboot checkpoint (" + why + "); the play it belonged to is reported as"
          + " interrupted, and the file is removed");
    }
  }

  public RebootCheckpoint {
    Objects.requireNonNull(assignmentId, "assignmentId");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(bootId, "bootId");
    Objects.requireNonNull(state, "state");
    if (timeoutSeconds < 0) {
      throw new IllegalArgumentException("timeoutSeconds must be at least 0, not " + timeoutSeconds);
    }
  }

  /** Where the checkpoint of {@code assignmentId} lives. */
  public static Path file(Path stateDir, String assignmentId) {
    String name = SecureFiles.safeName(assignmentId);
    // Nor a leading '.': "." and ".." would name the directory itself or its parent.
    return stateDir.resolve(DIR).resolve(name.startsWith(".") ? "_" + name.substring(1) : name);
  }

  /** When the reboot's time is up (Unix milliseconds). */
  public long deadlineMillis() {
    return startedMillis + timeoutSeconds * 1000L;
  }

  /** Writes the checkpoint atomically, owner-only, in {@code stateDir}; returns its file. */
  public Path write(Path stateDir) throws IOException {
    Path target = file(stateDir, assignmentId);
    SecureFiles.createPrivateDirectories(target.getParent());
    SecureFiles.writePrivate(target, encode());
    return target;
  }

  /** The checkpoint of {@code assignmentId} in {@code stateDir}, if there is one. */
  public static java.util.Optional<RebootCheckpoint> find(Path stateDir, String assignmentId) throws IOException {
    Path f = file(stateDir, assignmentId);
    return Files.isRegularFile(f) ? java.util.Optional.of(read(f)) : java.util.Optional.empty();
  }

  /** Removes the checkpoint of {@code assignmentId}, if any. */
  public static void remove(Path stateDir, String assignmentId) throws IOException {
    Files.deleteIfExists(file(stateDir, assignmentId));
  }

  /** The checkpoint files in {@code stateDir} (temporary files of an unfinished write left out). */
  public static List<Path> files(Path stateDir) throws IOException {
    Path dir = stateDir.resolve(DIR);
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (!p.getFileName().toString().startsWith(".")) {
          out.add(p);
        }
      }
    }
    return out;
  }

  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeUTF(assignmentId);
      out.writeUTF(runId);
      out.writeInt(playIndex);
      out.writeInt(plan.length);
      out.write(plan);
      out.writeUTF(bootId);
      out.writeLong(startedMillis);
      out.writeInt(timeoutSeconds);
      out.writeInt(state.length);
      out.write(state);
      out.flush();
      CRC32 crc = new CRC32();
      crc.update(bytes.toByteArray());
      out.writeLong(crc.getValue());
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a checkpoint in memory", e);
    }
    return bytes.toByteArray();
  }

  /** Reads a checkpoint file; one that does not check out is a {@link CorruptCheckpointException}. */
  public static RebootCheckpoint read(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    if (all.length < 16) {
      throw new CorruptCheckpointException(file, "it is " + all.length + " bytes long");
    }
    CRC32 crc = new CRC32();
    crc.update(all, 0, all.length - 8);
    long stored = java.nio.ByteBuffer.wrap(all, all.length - 8, 8).getLong();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - 8))) {
      if (in.readInt() != MAGIC) {
        throw new CorruptCheckpointException(file, "it does not start with homefleet's mark");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new CorruptCheckpointException(file, "format version " + version + ", this agent reads " + VERSION);
      }
      if (stored != crc.getValue()) {
        throw new CorruptCheckpointException(file, "its checksum does not match its contents");
      }
      String assignmentId = in.readUTF();
      String runId = in.readUTF();
      int playIndex = in.readInt();
      byte[] plan = bytes(in);
      String bootId = in.readUTF();
      long started = in.readLong();
      int timeout = in.readInt();
      byte[] state = bytes(in);
      return new RebootCheckpoint(assignmentId, runId, playIndex, plan, bootId, started, timeout, state);
    } catch (EOFException | IllegalArgumentException e) {
      throw new CorruptCheckpointException(file, "it ends too soon or holds impossible values");
    }
  }

  private static byte[] bytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new EOFException();
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RebootCheckpoint c && assignmentId.equals(c.assignmentId) && runId.equals(c.runId)
        && playIndex == c.playIndex && Arrays.equals(plan, c.plan) && bootId.equals(c.bootId)
        && startedMillis == c.startedMillis && timeoutSeconds == c.timeoutSeconds && Arrays.equals(state, c.state);
  }

  @Override
  public int hashCode() {
    return Objects.hash(assignmentId, runId, playIndex, Arrays.hashCode(plan), bootId, startedMillis, timeoutSeconds,
        Arrays.hashCode(state));
  }

  @Override
  public String toString() {
    return "RebootCheckpoint[" + assignmentId + ", boot " + bootId + ", started " + startedMillis + ", timeout "
        + timeoutSeconds + " s]";
  }
}
