package io.homefleet.pki;

import java.nio.file.Path;

/**
 * Run by {@link SecureFilesTest} in a child JVM whose umask the test chooses (the umask is a
 * process attribute, so it cannot be changed inside the test JVM). Arguments: {@code private} or
 * {@code public} or {@code in-place} (its missing directories created too), then the target path.
 */
public final class SecureFilesUmaskProbe {
  private SecureFilesUmaskProbe() {}

  public static void main(String[] args) throws Exception {
    Path target = Path.of(args[1]);
    switch (args[0]) {
      case "private" -> SecureFiles.writePrivate(target, "secret\n");
      case "public" -> SecureFiles.writePublic(target, "public\n");
      case "in-place" -> {
        SecureFiles.createPrivateDirectories(target.getParent());
        SecureFiles.writePrivateInPlace(target, "work\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
  }
}
