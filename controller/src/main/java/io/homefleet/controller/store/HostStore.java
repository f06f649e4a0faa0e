package io.homefleet.controller.store;

import static io.homefleet.controller.store.Columns.json;
import static io.homefleet.controller.store.Columns.labels;
import static io.homefleet.controller.store.Columns.optLong;

import io.homefleet.controller.store.Records.Host;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The enrolled hosts: what their agents said in their hello (facts, version, labels) and when they were last seen. */
public final class HostStore {
  private final Database db;

  HostStore(Database db) {
    this.db = db;
  }

  public Optional<Host> host(String name) {
    return db.queryOne("read host", "SELECT * FROM hosts WHERE name = ?", HostStore::host, name);
  }

  /** Every host, by name. */
  public List<Host> all() {
    return db.query("list hosts", "SELECT * FROM hosts ORDER BY name", HostStore::host);
  }

  /**
   * The hosts without their facts (empty): what choosing a run's targets needs, without reading
   * every host's facts at every run's start.
   */
  public List<Host> allWithoutFacts() {
    return db.query("list hosts", "SELECT name, role, labels, NULL AS facts, agent_version, enrolled_at, last_seen, "
        + "decommissioned_at FROM hosts ORDER BY name", HostStore::host);
  }

  /** Records what an agent said in its hello. */
  public void recordHello(String name, byte[] facts, String agentVersion, Map<String, String> labels, long now) {
    db.update("record hello", "UPDATE hosts SET facts = ?, agent_version = ?, labels = ?, last_seen = ? WHERE name = ?",
        facts, agentVersion, json(labels), now, name);
  }

  /** Moves the host's last-seen time forward to {@code now} (never back: batched writes may land late). */
  public void recordSeen(String name, long now) {
    db.update("record last seen", "UPDATE hosts SET last_seen = ? WHERE name = ? AND (last_seen IS NULL OR last_seen < ?)",
        now, name, now);
  }

  private static Host host(ResultSet rs) throws SQLException {
    byte[] facts = rs.getBytes("facts");
    return new Host(rs.getString("name"), rs.getString("role"), labels(rs.getString("labels")),
        facts == null ? new byte[0] : facts, rs.getString("agent_version"), rs.getLong("enrolled_at"),
        optLong(rs, "last_seen"), optLong(rs, "decommissioned_at"));
  }
}
