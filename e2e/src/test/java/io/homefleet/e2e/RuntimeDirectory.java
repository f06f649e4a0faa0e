package io.homefleet.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A directory under {@code /run} that the lab's VMs have from systemd (a unit's
 * {@code RuntimeDirectory=}) and a test machine without systemd as PID 1 does not: made for the
 * test when it is missing and removed again afterwards, so no test passes only because an
 * earlier run left it behind, and none leaves it for the next.
 */
final class RuntimeDirectory implements AutoCloseable {
  private final Path dir;
  private final boolean made;

  private RuntimeDirectory(Path dir, boolean made) {
    this.dir = dir;
    this.made = made;
  }

  /** Makes {@code dir} (root's, 0755, as systemd would) unless it exists; {@link #close} removes only what this made. */
  static RuntimeDirectory ensure(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return new RuntimeDirectory(dir, false);
    }
    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    return new RuntimeDirectory(dir, true);
  }

  @Override
  public void close() throws IOException {
    if (made) {
      Files.deleteIfExists(dir);
    }
  }
}
