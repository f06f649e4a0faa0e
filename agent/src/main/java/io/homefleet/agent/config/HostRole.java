package io.homefleet.agent.config;

import io.homefleet.pki.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The role the controller assigned this host (the token's role, sent again in every session's
 * Welcome), kept in {@code <state_dir>/role} so modules that must know it ({@code wipe}, which
 * only runs where the role allows) can read it in any process, the play workers included.
 */
public final class HostRole {
  private HostRole() {}

  public static Path file(Path stateDir) {
    return stateDir.resolve("role");
  }

  /** The recorded role; empty before the first session. */
  public static Optional<String> read(Path stateDir) throws IOException {
    Path f = file(stateDir);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    String role = Files.readString(f, StandardCharsets.UTF_8).strip();
    return role.isEmpty() ? Optional.empty() : Optional.of(role);
  }

  /** Records {@code role} (0600, atomically) when it differs from what is recorded. */
  public static void write(Path stateDir, String role) throws IOException {
    if (role.isBlank() || read(stateDir).filter(role::equals).isPresent()) {
      return;
    }
    SecureFiles.writePrivate(file(stateDir), role + "\n");
  }
}
