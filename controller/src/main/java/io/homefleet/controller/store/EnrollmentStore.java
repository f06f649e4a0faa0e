package io.homefleet.controller.store;

import static io.homefleet.controller.store.Columns.json;
import static io.homefleet.controller.store.Columns.labels;
import static io.homefleet.controller.store.Columns.optLong;

import io.homefleet.controller.store.Records.IssuedCertificate;
import io.homefleet.controller.store.Records.Token;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Enrollment's records: tokens, the certificates the CA issued, revocations, and the enrollment
 * and decommissioning of a host, which change a host's row with its certificates.
 */
public final class EnrollmentStore {
  private final Database db;

  EnrollmentStore(Database db) {
    this.db = db;
  }

  // ------------------------------------------------------------------ tokens

  public void insertToken(Token t) {
    db.update("insert token", "INSERT INTO tokens(hash, host, role, labels, created_at, expires_at) VALUES (?,?,?,?,?,?)",
        t.hash(), t.host(), t.role(), json(t.labels()), t.createdAt(), t.expiresAt());
  }

  public Optional<Token> token(String hash) {
    return db.queryOne("read token", "SELECT * FROM tokens WHERE hash = ?", EnrollmentStore::token, hash);
  }

  /**
   * Enrollment, all or nothing: marks the token used by {@code publicKeyHash}, revokes the host's
   * earlier certificates, records the issued one and creates (or re-activates) the host. Returns
   * the serials revoked, or empty if another transaction consumed the token first.
   */
  public Optional<List<String>> consumeTokenAndEnroll(Token token, String publicKeyHash, IssuedCertificate cert,
      long now) {
    return db.inTransaction("enroll " + token.host(), () -> {
      int n = db.update("consume token",
          "UPDATE tokens SET used_at = ?, public_key_hash = ?, cert_serial = ? WHERE hash = ? AND used_at IS NULL",
          now, publicKeyHash, cert.serial(), token.hash());
      if (n != 1) {
        return Optional.<List<String>>empty();
      }
      // A new enrollment supersedes every earlier identity of the host (a rebuilt or cloned VM,
      // or a certificate renewed while the host was being revoked).
      List<String> superseded = revokeAll(token.host(), "superseded by a new enrollment", now);
      insertCertificate(cert);
      db.update("upsert host",
          "INSERT INTO hosts(name, role, labels, enrolled_at) VALUES (?,?,?,?) "
              + "ON CONFLICT(name) DO UPDATE SET role = excluded.role, labels = excluded.labels, "
              + "enrolled_at = excluded.enrolled_at, decommissioned_at = NULL",
          token.host(), token.role(), json(token.labels()), now);
      return Optional.of(superseded);
    });
  }

  // ------------------------------------------------------------ certificates

  public void insertCertificate(IssuedCertificate c) {
    db.update("insert certificate",
        "INSERT INTO certificates(serial, identity, host, public_key_hash, not_before, not_after, pem, issued_at) "
            + "VALUES (?,?,?,?,?,?,?,?)",
        c.serial(), c.identity(), c.host().orElse(null), c.publicKeyHash(), c.notBefore(), c.notAfter(), c.pem(),
        c.issuedAt());
  }

  /**
   * Records a renewed certificate if, in the same transaction, {@code callerSerial} is still a
   * certificate of that host, not revoked, and the host is not decommissioned.
   */
  public boolean insertRenewal(IssuedCertificate c, String callerSerial) {
    return db.inTransaction("renew " + c.host().orElse("?"), () -> {
      boolean current = !db.query("check renewal",
          "SELECT c.serial FROM certificates c JOIN hosts h ON h.name = c.host WHERE c.serial = ? AND c.host = ? "
              + "AND h.decommissioned_at IS NULL AND c.serial NOT IN (SELECT serial FROM revocations)",
          rs -> rs.getString(1), callerSerial, c.host().orElse("")).isEmpty();
      if (current) {
        insertCertificate(c);
      }
      return current;
    });
  }

  public Optional<IssuedCertificate> certificate(String serial) {
    return db.queryOne("read certificate", "SELECT * FROM certificates WHERE serial = ?", EnrollmentStore::certificate,
        serial);
  }

  /** The newest certificate issued to {@code host}, if any. */
  public Optional<IssuedCertificate> latestCertificate(String host) {
    return db.queryOne("read certificate",
        "SELECT * FROM certificates WHERE host = ? ORDER BY issued_at DESC, rowid DESC LIMIT 1",
        EnrollmentStore::certificate, host);
  }

  // ------------------------------------------------------------- revocations

  /**
   * Revokes every certificate of {@code host} and marks the host decommissioned, in one
   * transaction. Returns the serials revoked now.
   */
  public List<String> decommission(String host, String reason, long now) {
    return db.inTransaction("revoke " + host, () -> {
      List<String> serials = revokeAll(host, reason, now);
      db.update("decommission", "UPDATE hosts SET decommissioned_at = ? WHERE name = ?", now, host);
      return serials;
    });
  }

  /** Revokes the certificates of {@code host} not yet revoked; returns their serials. Callers hold a transaction. */
  private List<String> revokeAll(String host, String reason, long now) {
    List<String> serials = db.query("list certificates",
        "SELECT serial FROM certificates WHERE host = ? AND serial NOT IN (SELECT serial FROM revocations)",
        rs -> rs.getString(1), host);
    for (String s : serials) {
      db.update("revoke", "INSERT INTO revocations(serial, identity, revoked_at, reason) VALUES (?,?,?,?)",
          s, "agent://" + host, now, reason);
    }
    return serials;
  }

  public void revokeSerial(String serial, String identity, String reason, long now) {
    db.update("revoke", "INSERT OR IGNORE INTO revocations(serial, identity, revoked_at, reason) VALUES (?,?,?,?)",
        serial, identity, now, reason);
  }

  public Set<String> revokedSerials() {
    return new HashSet<>(db.query("list revocations", "SELECT serial FROM revocations", rs -> rs.getString(1)));
  }

  private static Token token(ResultSet rs) throws SQLException {
    return new Token(rs.getString("hash"), rs.getString("host"), rs.getString("role"), labels(rs.getString("labels")),
        rs.getLong("created_at"), rs.getLong("expires_at"), optLong(rs, "used_at"),
        Optional.ofNullable(rs.getString("public_key_hash")), Optional.ofNullable(rs.getString("cert_serial")));
  }

  private static IssuedCertificate certificate(ResultSet rs) throws SQLException {
    return new IssuedCertificate(rs.getString("serial"), rs.getString("identity"), Optional.ofNullable(rs.getString("host")),
        rs.getString("public_key_hash"), rs.getLong("not_before"), rs.getLong("not_after"), rs.getString("pem"),
        rs.getLong("issued_at"));
  }
}
