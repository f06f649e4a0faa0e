package io.homefleet.controller.telemetry;

import io.homefleet.proto.v1.Telemetry;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest telemetry of every connected host, in memory. Bounded: a host's snapshot replaces
 * its previous one, a snapshot holds at most {@link TelemetryCodec#MAX_SAMPLES} samples, and a
 * host's entry goes when its session ends ({@link #drop}), so the fleet endpoint never shows a
 * host that is gone.
 */
public final class FleetTelemetry {
  private static final Logger log = LoggerFactory.getLogger(FleetTelemetry.class);

  private record Entry(HostSnapshot snapshot, HostUsage usage, Optional<HostUsage.CpuTimes> cpu) {}

  private final ConcurrentHashMap<String, Entry> hosts = new ConcurrentHashMap<>();
  private final TelemetryCodec codec = new TelemetryCodec();
  private final Clock clock;
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong droppedSamples = new AtomicLong();

  public FleetTelemetry(Clock clock) {
    this.clock = clock;
  }

  /** Takes {@code host}'s new snapshot in place of its previous one. */
  public void accept(String host, Telemetry message) {
    TelemetryCodec.Decoded d = codec.decode(host, message, clock.millis());
    if (d.dropped() > 0) {
      droppedSamples.addAndGet(d.dropped());
      log.debug("telemetry of {}: {} sample(s) left out (invalid, a 'host' tag, or over {})", host, d.dropped(),
          TelemetryCodec.MAX_SAMPLES);
    }
    hosts.compute(host, (h, old) -> {
      Optional<HostUsage.CpuTimes> previous = old == null ? Optional.empty() : old.cpu();
      return new Entry(d.snapshot(), HostUsage.of(d.snapshot(), previous), HostUsage.cpuTimes(d.snapshot()));
    });
    received.incrementAndGet();
  }

  /** Forgets {@code host} (its session ended). */
  public void drop(String host) {
    hosts.remove(host);
  }

  public Optional<HostSnapshot> latest(String host) {
    return Optional.ofNullable(hosts.get(host)).map(Entry::snapshot);
  }

  public Optional<HostUsage> usage(String host) {
    return Optional.ofNullable(hosts.get(host)).map(Entry::usage);
  }

  /** Every host's latest snapshot, by host name. */
  public List<HostSnapshot> snapshots() {
    return hosts.values().stream().map(Entry::snapshot)
        .sorted(java.util.Comparator.comparing(HostSnapshot::host)).toList();
  }

  public int size() {
    return hosts.size();
  }

  /** Snapshots taken in since the controller started. */
  public long received() {
    return received.get();
  }

  /** Samples left out since the controller started. */
  public long droppedSamples() {
    return droppedSamples.get();
  }
}
