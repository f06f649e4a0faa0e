package io.homefleet.agent.config;

import io.homefleet.pki.SecureFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's state directory is the agent user's alone: the directory and every directory in it
 * {@code 0700}, every file {@code 0600}, whatever the umask, because the journal holds task results
 * and command output and {@code identity.pem} the private key. Each writer creates its files with
 * that mode through {@link SecureFiles}; this creates the directory, and at start takes group and
 * other access off what an older agent wrote with looser modes.
 */
public final class StateDir {
  private static final Logger log = LoggerFactory.getLogger(StateDir.class);

  private StateDir() {}

  /** Creates {@code dir} as {@code 0700} if it is missing (its missing parents as the umask makes them). */
  public static void create(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    SecureFiles.createPrivateDirectories(dir);
  }

  /**
   * Creates {@code dir}, or makes an existing one and everything in it private (a file 0644 becomes
   * 0600, a directory 0755 becomes 0700), saying so once when it changed anything. A tree it cannot
   * change is a warning naming the fix, not a refusal to start. Returns how many paths it changed.
   */
  public static int open(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      create(dir);
      return 0;
    }
    try {
      int changed = SecureFiles.tightenTree(dir);
      if (changed > 0) {
        log.info("state dir {}: took group and other access off {} path(s) an older agent wrote with looser modes;"
            + " it is now 0700, its files 0600", dir, changed);
      }
      return changed;
    } catch (IOException e) {
      log.warn("state dir {} could not be made private ({}); other users may read task output in it: run"
          + " 'chmod -R go= {}' as its owner", dir, e.getMessage(), dir);
      return 0;
    }
  }
}
