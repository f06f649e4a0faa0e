package io.homefleet.pki;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files atomically (temp file in the same directory, fsync, rename) with the permissions
 * set before any byte is written, so a private key is never readable by others, not even briefly,
 * and a crash never leaves a half-written key or certificate. Also creates owner-only directories
 * and work files, takes group and other access off a tree written by an older version, and removes
 * the work trees both sides unpack plays into. Every file is created with its mode (the umask can
 * only take bits away) and then given the exact mode before any byte is written, so the umask never
 * matters.
 */
public final class SecureFiles {
  public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  public static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");
  public static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> GROUP_AND_OTHER = PosixFilePermissions.fromString("---rwxrwx");

  private SecureFiles() {}

  /**
   * A file name for {@code id} (an assignment's, from the controller): every character outside
   * {@code [A-Za-z0-9._-]} replaced by '_', so no '/' makes it more than one entry of its directory.
   */
  public static String safeName(String id) {
    StringBuilder out = new StringBuilder(id.length());
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
          || c == '-';
      out.append(ok ? c : '_');
    }
    return out.toString();
  }

  public static void writePrivate(Path target, String content) throws IOException {
    write(target, content.getBytes(StandardCharsets.UTF_8), OWNER_ONLY);
  }

  public static void writePrivate(Path target, byte[] content) throws IOException {
    write(target, content, OWNER_ONLY);
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

  /**
   * Creates {@code dir} and each missing parent as {@code 0700}, whatever the umask; an existing
   * directory is left as it is. For directories inside a private tree (whose root exists).
   */
  public static void createPrivateDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      createPrivateDirectories(parent);
    }
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
      return; // created meanwhile by another thread; it made it 0700
    }
    // A umask such as 0277 takes bits the owner needs; set exactly 0700.
    Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
  }

  /**
   * Writes {@code content} to {@code target} in place, mode {@code 0600} (set before the first byte),
   * without the temp file and syncs of {@link #write}: for work files nobody reads while they are
   * written and a crash may lose (a play's unpacked bundle).
   */
  public static void writePrivateInPlace(Path target, byte[] content) throws IOException {
    try (FileChannel ch = FileChannel.open(target, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING), PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
      // The attribute only applies to a new file, and through the umask: set the mode exactly.
      Files.setPosixFilePermissions(target, OWNER_ONLY);
      java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(content);
      while (b.hasRemaining()) {
        ch.write(b);
      }
    }
  }

  /**
   * Takes every group and other permission bit off {@code root} and everything under it (a file
   * 0644 becomes 0600, a directory 0755 becomes 0700; the owner's bits stay). Symbolic links under
   * the root are neither changed nor followed; a root that is a link is followed. Returns how many
   * paths were changed; a missing root is 0.
   */
  public static int tightenTree(Path root) throws IOException {
    PosixFileAttributes attrs;
    try {
      // The root is followed: a state_dir may be a link to the real directory.
      attrs = Files.readAttributes(root, PosixFileAttributes.class);
    } catch (NoSuchFileException e) {
      return 0;
    }
    return tighten(root, attrs);
  }

  /**
   * One stat per entry (a play's work dir is walked after every task that changed something): a
   * directory is closed to others before its entries are looked at.
   */
  private static int tighten(Path p, PosixFileAttributes attrs) throws IOException {
    if (attrs.isSymbolicLink()) {
      return 0;
    }
    int changed = 0;
    Set<PosixFilePermission> perms = new java.util.HashSet<>(attrs.permissions());
    if (perms.removeAll(GROUP_AND_OTHER)) {
      Files.setPosixFilePermissions(p, perms);
      changed++;
    }
    if (attrs.isDirectory()) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(p)) {
        for (Path e : entries) {
          try {
            changed += tighten(e, Files.readAttributes(e, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
          } catch (NoSuchFileException gone) {
            // removed while walked (a play's work file)
          }
        }
      } catch (NoSuchFileException gone) {
        // removed while walked
      }
    }
    return changed;
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
