package io.homefleet.controller.store;

import java.nio.file.Path;

/**
 * The controller's state in one embedded SQLite file: the {@link Database} under it and one record
 * store per concept on top ({@link #enrollment}, {@link #hosts}, {@link #runs}, {@link #state}).
 * The record stores share the one connection and its lock, so every call is serialised as
 * before: SQLite has one writer at a time anyway, and every call is short.
 */
public final class Store implements AutoCloseable {
  public static final String FILE_NAME = "homefleet.db";

  private final Database db;
  private final EnrollmentStore enrollment;
  private final HostStore hosts;
  private final RunStore runs;
  private final StateStore state;

  private Store(Database db) {
    this.db = db;
    this.enrollment = new EnrollmentStore(db);
    this.hosts = new HostStore(db);
    this.runs = new RunStore(db);
    this.state = new StateStore(db);
  }

  /** Opens (creating if needed) {@code dataDir/homefleet.db} and applies pending migrations. */
  public static Store open(Path dataDir) {
    return new Store(Database.open(dataDir.resolve(FILE_NAME)));
  }

  /** Tokens, certificates, revocations; enrolling and decommissioning hosts. */
  public EnrollmentStore enrollment() {
    return enrollment;
  }

  /** The enrolled hosts: hello, facts, last seen. */
  public HostStore hosts() {
    return hosts;
  }

  /** Ad-hoc and playbook runs, their tasks, task results and recaps. */
  public RunStore runs() {
    return runs;
  }

  /** Desired-state versions and history, convergences, schedules. */
  public StateStore state() {
    return state;
  }

  public Path file() {
    return db.file();
  }

  /** The schema version now in force. */
  public int schemaVersion() {
    return db.schemaVersion();
  }

  /**
   * Runs {@code body} — calls to the record stores' single-statement methods, of any concept — as
   * one transaction. Not for methods that open transactions of their own.
   */
  public void atomically(Runnable body) {
    db.inTransaction("batch", () -> {
      body.run();
      return null;
    });
  }

  @Override
  public void close() {
    db.close();
  }
}
