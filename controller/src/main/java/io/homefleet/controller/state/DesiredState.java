package io.homefleet.controller.state;

import io.homefleet.controller.store.StateRecords;
import io.homefleet.controller.store.Store;
import io.homefleet.pki.SecureFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's desired state: immutable, content-addressed versions of a state directory in
 * the store, the history of which one was current, and the current one checked out under {@code
 * DATA_DIR/state/versions/VERSION} for the play coordinator to read. A new version becomes
 * current only after it validated whole; listeners hear of every change of the current version.
 */
public final class DesiredState {
  private static final Logger log = LoggerFactory.getLogger(DesiredState.class);

  /**
   * The version in force.
   *
   * @param since when it became current
   */
  public record Current(String version, StateCheckout checkout, long since) {}

  /**
   * What an apply or a rollback did.
   *
   * @param unchanged the version was current already: nothing was stored and nothing converges
   * @param historySeq the history entry created (0 when unchanged)
   */
  public record Applied(String version, boolean unchanged, int files, List<String> warnings, long historySeq) {
    public Applied {
      warnings = List.copyOf(warnings);
    }
  }

  /** No stored version has that address or prefix, or the prefix names several. */
  public static final class UnknownVersionException extends Exception {
    private static final long serialVersionUID = 1L;

    UnknownVersionException(String message) {
      super(message);
    }
  }

  private final Store store;
  private final Path dir;
  private final Clock clock;
  private final VaultKeys vaultKeys;
  private final CopyOnWriteArrayList<Consumer<Current>> listeners = new CopyOnWriteArrayList<>();
  private volatile Optional<Current> current = Optional.empty();

  /** @param dir the state's directory under the data dir ({@code DATA_DIR/state}) */
  public DesiredState(Store store, Path dir, Clock clock) {
    this(store, dir, clock, VaultKeys.NONE);
  }

  /** @param vaultKeys the vault passwords of the state's encrypted files and {@code !vault} values */
  public DesiredState(Store store, Path dir, Clock clock, VaultKeys vaultKeys) {
    this.store = store;
    this.dir = dir.toAbsolutePath().normalize();
    this.clock = clock;
    this.vaultKeys = vaultKeys;
  }

  /** The vault passwords the state's runs use. */
  public VaultKeys vaultKeys() {
    return vaultKeys;
  }

  /**
   * Checks out the current version after a start. A version that no longer validates (the
   * controller was upgraded and is stricter now) is logged and left out of force until the next
   * apply; nothing converges to it.
   */
  public synchronized void load() throws IOException {
    Optional<StateRecords.HistoryEntry> h = store.state().current();
    if (h.isEmpty()) {
      return;
    }
    try {
      StateTree tree = tree(h.get().version());
      current = Optional.of(new Current(h.get().version(), checkout(tree), h.get().at()));
      log.info("desired state: version {} is current (since {})", StateTree.shortVersion(h.get().version()),
          java.time.Instant.ofEpochMilli(h.get().at()));
    } catch (InvalidStateException e) {
      log.error("desired state: the current version {} no longer validates; nothing converges until the next "
          + "'homefleet state apply':\n{}", StateTree.shortVersion(h.get().version()), e.getMessage());
    }
  }

  public Optional<Current> current() {
    return current;
  }

  /** Tells {@code listener} of each new current version, on the thread that made it current. */
  public void onChange(Consumer<Current> listener) {
    listeners.add(listener);
  }

  /**
   * Validates {@code tree} whole and makes it the current version.
   *
   * @throws InvalidStateException with every error; nothing is stored and the current version stays
   */
  public Applied apply(StateTree tree, String by, String source) throws InvalidStateException, IOException {
    return makeCurrent(tree, by, source, "apply");
  }

  /** Makes a stored version current again, as a new history entry (validated again first). */
  public Applied rollback(String versionOrPrefix, String by) throws UnknownVersionException, InvalidStateException,
      IOException {
    String v = resolve(versionOrPrefix);
    StateRecords.Version stored = store.state().version(v, false).orElseThrow();
    return makeCurrent(tree(v), by, stored.source(), "rollback");
  }

  private Applied makeCurrent(StateTree tree, String by, String source, String action) throws InvalidStateException,
      IOException {
    Current now;
    Applied applied;
    synchronized (this) {
      String version = tree.version();
      if (current.isPresent() && current.get().version().equals(version)) {
        return new Applied(version, true, tree.files().size(), current.get().checkout().warnings(), 0);
      }
      StateCheckout checkout = checkout(tree);
      long at = clock.millis();
      long seq = store.state().insertVersion(new StateRecords.Version(version, at, by, source, tree.files()), action, at);
      now = new Current(version, checkout, at);
      current = Optional.of(now);
      applied = new Applied(version, false, tree.files().size(), checkout.warnings(), seq);
      log.info("desired state: {} of version {} by {} ({} files)", action, StateTree.shortVersion(version), by,
          tree.files().size());
    }
    for (Consumer<Current> l : listeners) {
      try {
        l.accept(now);
      } catch (RuntimeException e) {
        log.error("desired state: a listener failed on version {}", now.version(), e);
      }
    }
    return applied;
  }

  /** The full address of a stored version from an address or a unique prefix of at least 4 digits. */
  public String resolve(String versionOrPrefix) throws UnknownVersionException {
    String p = versionOrPrefix.trim().toLowerCase(java.util.Locale.ROOT);
    if (p.length() < 4 || !p.matches("[0-9a-f]+")) {
      throw new UnknownVersionException("'" + versionOrPrefix + "' is not a state version (hex, at least 4 digits;"
          + " 'homefleet state history' lists them)");
    }
    List<String> found = store.state().versionsLike(p);
    if (found.isEmpty()) {
      throw new UnknownVersionException("no state version " + versionOrPrefix + " ('homefleet state history' lists "
          + "them)");
    }
    if (found.size() > 1) {
      throw new UnknownVersionException("'" + versionOrPrefix + "' names several versions (" + String.join(", ",
          found.stream().map(StateTree::shortVersion).toList()) + "); give more digits");
    }
    return found.get(0);
  }

  public Optional<StateRecords.Version> version(String version, boolean withFiles) {
    return store.state().version(version, withFiles);
  }

  public List<StateRecords.HistoryEntry> history(int limit) {
    return store.state().history(limit);
  }

  private StateTree tree(String version) {
    return new StateTree(store.state().version(version, true).orElseThrow(
        () -> new IllegalStateException("state version " + version + " is in the history but not stored")).files());
  }

  /** The version's checkout: validated into a fresh directory, then moved into place. */
  private StateCheckout checkout(StateTree tree) throws InvalidStateException, IOException {
    Path target = dir.resolve("versions").resolve(tree.version());
    if (Files.isDirectory(target)) {
      return StateCheckout.reopen(target, tree, vaultKeys);
    }
    Path tmp = dir.resolve("tmp").resolve(UUID.randomUUID().toString());
    StateCheckout validated = StateCheckout.create(tmp, tree, vaultKeys);
    Files.createDirectories(target.getParent());
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      SecureFiles.deleteTree(tmp);
      if (!Files.isDirectory(target)) {
        throw e;
      }
    }
    return new StateCheckout(target, validated.config(), validated.warnings());
  }
}
