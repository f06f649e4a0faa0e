package io.homefleet.controller.store;

import java.util.Map;
import java.util.Optional;

/** Plain rows of the store. */
public final class Records {
  private Records() {}

  /** An enrolled host. {@code facts} is the last reported facts message, opaque to the store. */
  public record Host(String name, String role, Map<String, String> labels, byte[] facts, String agentVersion,
      long enrolledAt, Optional<Long> lastSeen, Optional<Long> decommissionedAt) {
    public Host {
      labels = Map.copyOf(labels);
    }

    public boolean decommissioned() {
      return decommissionedAt.isPresent();
    }
  }

  /** A minted enrollment token; only its hash is stored. */
  public record Token(String hash, String host, String role, Map<String, String> labels, long createdAt,
      long expiresAt, Optional<Long> usedAt, Optional<String> publicKeyHash, Optional<String> certSerial) {
    public Token {
      labels = Map.copyOf(labels);
    }
  }

  /** A certificate the CA issued. */
  public record IssuedCertificate(String serial, String identity, Optional<String> host, String publicKeyHash,
      long notBefore, long notAfter, String pem, long issuedAt) {}

  /**
   * An ad-hoc or playbook run. {@code becomeUser}, {@code asyncSeconds}, {@code pollSeconds}: an
   * ad-hoc run's {@code --become-user} (empty: the agent's own user) and {@code -B}/{@code -P} (0:
   * not async).
   */
  public record Run(String id, String kind, String target, String module, String args, String state,
      String requestedBy, long createdAt, Optional<Long> finishedAt, String becomeUser, int asyncSeconds,
      int pollSeconds) {
    /** A run as the agent's own user, not async. */
    public Run(String id, String kind, String target, String module, String args, String state, String requestedBy,
        long createdAt, Optional<Long> finishedAt) {
      this(id, kind, target, module, args, state, requestedBy, createdAt, finishedAt, "", 0, 0);
    }
  }

  /**
   * One host's part of a run. {@code expiresAt}: until when a task not yet sent may wait for its
   * host (offline, or busy with an earlier run); empty means "send now or call it unreachable".
   */
  public record Task(String id, String runId, String host, String state, Optional<Integer> rc, String stdout,
      String stderr, String msg, Optional<Long> startedAt, Optional<Long> finishedAt, int timeoutSeconds,
      boolean checkMode, Optional<Long> expiresAt) {

    /** A new task, not yet sent or finished. */
    public static Task open(String id, String runId, String host, String state, int timeoutSeconds, boolean checkMode,
        Optional<Long> expiresAt) {
      return new Task(id, runId, host, state, Optional.empty(), "", "", "", Optional.empty(), Optional.empty(),
          timeoutSeconds, checkMode, expiresAt);
    }
  }

  /** One task's result on one host in a playbook run; {@code result} and {@code diffs} are JSON. */
  public record RunTask(String runId, int seq, int playIndex, String host, String taskPath, String taskName,
      String location, boolean handler, String status, boolean ignored, String result, String diffs,
      long finishedAt) {}

  /** One host's recap of one play of a playbook run. */
  public record PlayRecapRow(String runId, int playIndex, String host, int ok, int changed, int unreachable,
      int failed, int skipped, int rescued, int ignored, String end, String msg) {}
}
