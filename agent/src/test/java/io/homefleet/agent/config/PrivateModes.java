package io.homefleet.agent.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What in a state dir is not private: every directory must be 0700 and every file 0600. */
public final class PrivateModes {
  private PrivateModes() {}

  /** "MODE PATH" for each directory not 0700 and each file not 0600 under {@code root}, root included. */
  public static List<String> offenders(Path root) throws IOException {
    List<String> bad = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.toList()) {
        if (Files.isSymbolicLink(p)) {
          continue;
        }
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        String want = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "rwx------" : "rw-------";
        if (!mode.equals(want)) {
          bad.add(mode + " " + p);
        }
      }
    }
    return bad;
  }
}
