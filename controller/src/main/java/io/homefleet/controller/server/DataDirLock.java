package io.homefleet.controller.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One controller per data directory: an exclusive lock on {@code DATA_DIR/controller.lock}, held
 * for the controller's life, with its process id in the file for the operator. Two controllers on
 * one store would both deliver and both write; the second one stops here, before it opens the
 * store or binds anything. The kernel drops the lock with the process, so a controller killed with
 * SIGKILL leaves no lock behind (the file stays, unlocked, and is reused).
 */
final class DataDirLock implements AutoCloseable {
  static final String FILE = "controller.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock or fails naming the data directory and, when it can, the holder's process id. */
  static DataDirLock acquire(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by this very process (another server object on the same directory)
    } catch (IOException e) {
      channel.close();
      throw new IOException("data directory " + dataDir + ": cannot lock " + file + ": " + e.getMessage(), e);
    }
    if (lock == null) {
      String holder = holder(channel);
      channel.close();
      throw new IOException("data directory " + dataDir + " is in use by another controller"
          + (holder.isEmpty() ? "" : " (pid " + holder + ")")
          + ": stop it first, or give this one a data directory of its own (--data-dir)");
    }
    channel.truncate(0);
    channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
    return new DataDirLock(channel, lock);
  }

  private static String holder(FileChannel channel) {
    try {
      ByteBuffer buf = ByteBuffer.allocate(32);
      channel.read(buf, 0);
      return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // the lock goes with the channel or, at the latest, with the process
    }
  }
}
