package io.homefleet.pki;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files atomically (temp file in the same directory, fsync, rename) with the permissions
 * set before any byte is written, so a private key is never readable by others, not even briefly,
 * and a crash never leaves a half-written key or certificate. Also removes the work trees both sides
 * unpack plays into.
 */
public final class SecureFiles {
  public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  public static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");

  private SecureFiles() {}

  public static void writePrivate(Path target, String content) throws IOException {
    write(target, content.getBytes(StandardCharsets.UTF_8), OWNER_ONLY);
  }

  public static void writePublic(Path target, String content) throws IOException {
    write(target, content.getBytes(StandardCharsets.UTF_8), WORLD_READABLE);
  }

  public static void write(Path target, byte[] content, Set<PosixFilePermission> perms) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = null;
    for (int i = 0; tmp == null; i++) {
      Path candidate = dir.resolve("." + target.getFileName() + ".tmp" + ProcessHandle.current().pid() + "-" + i);
      try {
        Files.createFile(candidate, PosixFilePermissions.asFileAttribute(perms));
        tmp = candidate;
      } catch (FileAlreadyExistsException e) {
        if (i > 100) {
          throw e;
        }
      }
    }
    try {
      // createFile honours the umask; set the exact bits explicitly before writing.
      Files.setPosixFilePermissions(tmp, perms);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(java.nio.ByteBuffer.wrap(content));
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      fsyncDirectory(dir);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void fsyncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException ignored) {
      // Some filesystems refuse to open directories for sync; the rename is still atomic.
    }
  }

  /** Removes {@code dir} and everything under it; symbolic links are removed, never followed. */
  public static void deleteTree(Path dir) throws IOException {
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
