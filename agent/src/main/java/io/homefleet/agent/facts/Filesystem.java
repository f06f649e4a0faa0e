package io.homefleet.agent.facts;

import java.util.Objects;

/**
 * A mounted filesystem that holds real data (not a kernel pseudo filesystem).
 *
 * @param mount the mount point, with the kernel's octal escapes decoded
 * @param device the mounted device or source, as the kernel reports it
 * @param type the filesystem type, such as {@code ext4} or {@code overlay}
 * @param sizeBytes the total size in bytes
 * @param availableBytes the bytes this process could still write
 */
public record Filesystem(
    String mount, String device, String type, long sizeBytes, long availableBytes) {

  /** Rejects null strings and negative sizes. */
  public Filesystem {
    Objects.requireNonNull(mount, "mount");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(type, "type");
    if (sizeBytes < 0 || availableBytes < 0) {
      throw new IllegalArgumentException(
          "negative size for " + mount + ": size=" + sizeBytes + " available=" + availableBytes);
    }
  }
}
