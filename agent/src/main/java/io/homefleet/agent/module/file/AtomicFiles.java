package io.homefleet.agent.module.file;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Writes files the safe way: the new content goes to a temporary file in the destination's
 * directory, takes the old file's mode and owner (or {@code 0644} for a new file), is synced,
 * and is renamed over the destination, so a reader sees the old file or the new one, never half.
 */
public final class AtomicFiles {
  private static final DateTimeFormatter BACKUP_STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss");

  private AtomicFiles() {}

  /** Checks the new file before it replaces the old one (Ansible's {@code validate}). */
  @FunctionalInterface
  public interface Validator {
    /** Throws when {@code candidate} must not be installed. */
    void check(Path candidate) throws IOException;

    Validator NONE = candidate -> {};
  }

  /** Replaces {@code dest} with {@code content}; a symlink at {@code dest} is followed, as Ansible does. */
  public static void write(Path dest, byte[] content) throws IOException {
    write(dest, content, Validator.NONE);
  }

  public static void write(Path dest, byte[] content, Validator validator) throws IOException {
    // Written straight from the array: a copy buffer of 64 KiB per write is most of what a
    // play's file writes allocate (the agent's young generation is 1 MB).
    replace(dest, ch -> {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(content);
      while (b.hasRemaining()) {
        ch.write(b);
      }
    }, validator);
  }

  /** Replaces {@code dest} with what {@code content} yields, read to its end. */
  public static void write(Path dest, InputStream content) throws IOException {
    write(dest, content, Validator.NONE);
  }

  public static void write(Path dest, InputStream content, Validator validator) throws IOException {
    replace(dest, ch -> {
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = content.read(buf)) > 0) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(buf, 0, n);
        while (b.hasRemaining()) {
          ch.write(b);
        }
      }
    }, validator);
  }

  /** What fills the temporary file. */
  private interface Filler {
    void fill(FileChannel ch) throws IOException;
  }

  /** A temporary file beside the target, filled and synced, given the target's owner and mode, moved over it. */
  private static void replace(Path dest, Filler filler, Validator validator) throws IOException {
    Path target = Files.isSymbolicLink(dest) ? dest.toRealPath() : dest;
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".hftmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        filler.fill(ch);
        ch.force(true);
      }
      Optional<PosixAttrs> old = Files.exists(target) ? Optional.of(PosixAttrs.read(target, true)) : Optional.empty();
      if (old.isPresent()) {
        PosixAttrs.chown(tmp, old.get().uid(), old.get().gid());
        PosixAttrs.setMode(tmp, old.get().mode());
      } else {
        PosixAttrs.setMode(tmp, 0644);
      }
      validator.check(tmp);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Copies {@code file} to {@code file.PID.YYYY-MM-DD@HH:MM:SS~} (Ansible's name), keeping its
   * mode and times, and returns the copy's path.
   */
  public static Path backup(Path file) throws IOException {
    String name = file.getFileName() + "." + ProcessHandle.current().pid() + "." + LocalDateTime.now().format(BACKUP_STAMP)
        + "~";
    Path backup = file.resolveSibling(name);
    Files.copy(file, backup, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING,
        LinkOption.NOFOLLOW_LINKS);
    return backup;
  }

  /** Hex digest of a file with {@code algorithm} ({@code SHA-1} is Ansible's {@code checksum}). */
  public static String digest(Path file, String algorithm) throws IOException {
    MessageDigest md = messageDigest(algorithm);
    try (InputStream in = Files.newInputStream(file)) {
      // A buffer no larger than the file needs (stat's checksum of a small file every play).
      byte[] buf = new byte[(int) Math.min(64 * 1024, Math.max(8 * 1024, Files.size(file)))];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  public static String digest(byte[] content, String algorithm) {
    return HexFormat.of().formatHex(messageDigest(algorithm).digest(content));
  }

  /** Ansible's names (sha1, sha256, md5, ...) to the JDK's. */
  public static MessageDigest messageDigest(String algorithm) {
    String jdk = switch (algorithm.toLowerCase(java.util.Locale.ROOT)) {
      case "sha1", "sha-1" -> "SHA-1";
      case "sha224" -> "SHA-224";
      case "sha256" -> "SHA-256";
      case "sha384" -> "SHA-384";
      case "sha512" -> "SHA-512";
      case "md5" -> "MD5";
      default -> algorithm;
    };
    try {
      return MessageDigest.getInstance(jdk);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalArgumentException("unsupported checksum algorithm '" + algorithm
          + "' (sha1, sha224, sha256, sha384, sha512, md5)");
    }
  }

  /** Text for a diff: the content as UTF-8, or a note for binary or large files, as Ansible shows them. */
  public static String diffText(byte[] content) {
    if (content.length > 104_448) {
      return "(file larger than 102 KiB; not shown)\n";
    }
    for (byte b : content) {
      if (b == 0) {
        return "(binary file; not shown)\n";
      }
    }
    return new String(content, java.nio.charset.StandardCharsets.UTF_8);
  }
}
