package io.homefleet.pki;

import java.nio.file.Path;

/**
 * Run by {@link SecureFilesTest} in a child JVM whose umask the test chooses (the umask is a
 * process attribute, so it cannot be changed inside the test JVM). Arguments: {@code private} or
 * {@code public}, then the target path.
 */
public final class SecureFilesUmaskProbe {
  private SecureFilesUmaskProbe() {}

  public static void main(String[] args) throws Exception {
    Path target = Path.of(args[1]);
    switch (args[0]) {
      case "private" -> SecureFiles.writePrivate(target, "secret\n");
      case "public" -> SecureFiles.writePublic(target, "public\n");
      default -> throw new IllegalArgumentException(args[0]);
    }
  }
}
