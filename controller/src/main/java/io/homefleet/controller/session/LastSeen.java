package io.homefleet.controller.session;

import io.homefleet.controller.run.GroupCommit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes connected hosts' last-seen times to the store in one batch every {@code every} instead
 * of one group-commit write per heartbeat: 10,000 agents heartbeating every 15 s were ~670 store
 * writes a second at rest (bench/HISTORY.md, "Fifth session"). Dead-peer detection does not read
 * the store (it uses the stream's last-heard time and the keepalive); the operator's host list
 * shows the live time of a connected host ({@link SessionRegistry#lastHeard}), so the stored value
 * of a connected host lags by at most {@code every}, and a session's end is written at once.
 */
final class LastSeen {
  /** Hosts per store write of a flush, so that one flush does not hold the writer for a whole fleet. */
  private static final int CHUNK = 1000;

  private final GroupCommit writes;
  private final ConcurrentHashMap<String, Long> pending = new ConcurrentHashMap<>();

  LastSeen(GroupCommit writes, ScheduledExecutorService timer, Duration every) {
    this.writes = writes;
    long ms = every.toMillis();
    timer.scheduleWithFixedDelay(this::flush, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** -Dhomefleet.lastSeenFlushMillis (100 ms - 10 min), 30 s by default. */
  static Duration configuredInterval() {
    long ms = Long.getLong("homefleet.lastSeenFlushMillis", 30_000);
    if (ms < 100 || ms > 600_000) {
      throw new IllegalArgumentException("-Dhomefleet.lastSeenFlushMillis: must be between 100 and 600000, got " + ms);
    }
    return Duration.ofMillis(ms);
  }

  /** The host was heard at {@code millis}: stored with the next flush. */
  void heard(String host, long millis) {
    pending.merge(host, millis, Math::max);
  }

  /** The host's session ended at {@code millis}: stored now (through the group commit). */
  void last(String host, long millis) {
    Long held = pending.remove(host);
    long at = held == null ? millis : Math.max(held, millis);
    writes.submit(s -> s.hosts().recordSeen(host, at));
  }

  /** Queues what was heard since the last flush, in chunks of {@link #CHUNK} hosts. */
  void flush() {
    List<Map.Entry<String, Long>> chunk = new ArrayList<>();
    for (String host : pending.keySet()) {
      Long at = pending.remove(host);
      if (at != null) {
        chunk.add(Map.entry(host, at));
        if (chunk.size() == CHUNK) {
          submit(chunk);
          chunk = new ArrayList<>();
        }
      }
    }
    if (!chunk.isEmpty()) {
      submit(chunk);
    }
  }

  private void submit(List<Map.Entry<String, Long>> chunk) {
    writes.submit(s -> chunk.forEach(e -> s.hosts().recordSeen(e.getKey(), e.getValue())));
  }
}
